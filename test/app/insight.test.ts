// The class-visualisation and saliency feeds on the CPU backend, with the insight worker's
// handlers behind an in-process worker stand-in: the worker engines give exactly what the CPU
// engines give in-process, the dreams feed delivers slices of a run on demand (grey, then noise
// after restart) and keeps going when following, and the saliency feed's maps are the ones
// saliency.ts computes for the predicted class. Seeded small net (not a power-of-two shape).

import { describe, expect, it } from 'vitest';
import type { DreamsView, SaliencyView } from '../../src/app/dream-view-types.ts';
import { DREAM_STEPS, DreamsFeed, targetObjective } from '../../src/app/feeds/dreams.ts';
import {
  APP_OCCLUSION,
  computeSaliency,
  SaliencyFeed,
  subjectImage,
  TRAINING_REST_FACTOR,
} from '../../src/app/feeds/saliency.ts';
import { InsightSource } from '../../src/app/insight-engines.ts';
import { insightHandlers } from '../../src/app/insight-worker-handlers.ts';
import { decodeSpec } from '../../src/app/spec-codec.ts';
import { PIXEL_SCALE } from '../../src/data/batching.ts';
import { DEFAULT_ASCENT } from '../../src/model/ascent-settings.ts';
import { CpuAscent } from '../../src/model/cpu-ascent.ts';
import { CpuBackend } from '../../src/model/cpu-backend.ts';
import { CpuInputGradients } from '../../src/model/cpu-input-grad.ts';
import { dreamObjective, startImages } from '../../src/model/dream.ts';
import * as S from '../../src/model/saliency.ts';
import { describeNetwork } from '../../src/model/validate.ts';
import { maxAbsOf } from '../../src/viz/dream-images.ts';
import { InProcessRpc } from './in-process-rpc.ts';
import { smallDataset } from './session-fakes.ts';

function setup() {
  const description = describeNetwork(decodeSpec('c5x3r.m2.f14r.k10'), 7);
  const backend = CpuBackend.create(description, { seed: 3 });
  const ports: InProcessRpc[] = [];
  const source = new InsightSource(
    () => backend,
    () => null,
    0,
    () => {
      const port = new InProcessRpc(insightHandlers());
      ports.push(port);
      return port;
    },
  );
  return { description, backend, source, ports };
}

const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('insight engines in a worker (CPU backend)', () => {
  it('the worker ascent matches CpuAscent in-process, bit for bit', async () => {
    const { description, backend, source } = setup();
    const engines = (await source.engines())!;
    await engines.refresh();
    const objective = dreamObjective('logProbability', 10, 10);
    const start = startImages(10, description.input, 'noise', 5);
    engines.ascent.setObjective(objective);
    engines.ascent.setImages(start);
    engines.ascent.step(DEFAULT_ASCENT, 3);
    const worker = await engines.ascent.read();
    const local = new CpuAscent(description, 10, 0);
    local.setParameters(await backend.getParameters());
    local.setObjective(objective);
    local.setImages(start);
    local.step(DEFAULT_ASCENT, 3);
    const expected = local.read();
    expect(worker.steps).toBe(3);
    expect(worker.images).toEqual(expected.images);
    expect(worker.probabilities).toEqual(expected.probabilities);
    expect(await source.engines()).toBe(engines); // kept while the backend stays
    source.release();
  });

  it('computeSaliency gives the three saliency.ts maps for the predicted class', async () => {
    const { description, backend, source } = setup();
    const dataset = smallDataset(20, 9);
    const image = subjectImage(dataset, { kind: 'test', index: 4 })!;
    expect(image[100]).toBeCloseTo(dataset.test.images[4 * 784 + 100] * PIXEL_SCALE, 7);
    expect(subjectImage(dataset, { kind: 'test', index: 9 })).toBeNull();
    const view = (await computeSaliency(source, image)) as SaliencyView;
    const local = new CpuInputGradients(description, 16);
    local.setParameters(await backend.getParameters());
    const probe = await backend.probe(image, 1);
    const target = S.argmax(probe.outputs.at(-1)!);
    expect(view.target).toBe(target);
    expect(view.probability).toBeCloseTo(probe.probabilities[target], 6);
    expect(view.maps.map((m) => m.method)).toEqual(['gradient x input', 'SmoothGrad', 'occlusion']);
    const gxi = await S.gradientTimesInput(local, image, target, 10);
    const smooth = await S.smoothGrad(local, image, target, 10);
    const occluded = await S.occlusion(
      (x, n) => backend.probe(x, n),
      image,
      [1, 28, 28],
      target,
      APP_OCCLUSION,
    );
    expect(view.maps[0].values).toEqual(gxi.values);
    expect(view.maps[1].values).toEqual(smooth.values);
    for (let i = 0; i < 784; i += 37) expect(view.maps[2].values[i]).toBeCloseTo(occluded.values[i], 4);
    expect(maxAbsOf(view.maps[2].values)).toBeGreaterThan(0);
    source.release();
  });
});

describe('DreamsFeed', () => {
  it('runs DREAM_STEPS on demand in slices while shown, then restarts from noise', async () => {
    const { source, ports } = setup();
    const views: DreamsView[] = [];
    let shown = true;
    const feed = new DreamsFeed(
      source,
      () => 42,
      (view) => views.push(view),
      () => shown,
      { minIntervalMs: 0, restFactor: 0 },
    );
    feed.poke();
    await until(() => views.length >= 3);
    expect(views[0].classes).toBe(10);
    expect(views[0].trainingStep).toBe(42);
    expect(views[0].images).toHaveLength(10 * 784);
    expect(views[1].steps).toBeGreaterThan(views[0].steps);
    expect(views[2].images).not.toEqual(views[0].images);
    shown = false; // hidden: the run pauses after the slice in flight
    await until(() => !feed.busy);
    const paused = views.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(views.length).toBe(paused);
    shown = true;
    feed.poke();
    await until(() => views.at(-1)!.steps === DREAM_STEPS, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const done = views.length;
    feed.poke(); // nothing left of the run
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(views.length).toBe(done);
    expect(feed.working).toBe(false); // no steps left and not following: draws on no budget
    feed.restart('noise');
    expect(feed.working).toBe(true);
    await until(() => views.length > done);
    expect(views.at(-1)!.steps).toBeLessThan(DREAM_STEPS);
    expect(ports).toHaveLength(1);
    expect(ports[0].methods.filter((m) => m === 'setImages')).toHaveLength(2);
    feed.stop();
    source.release();
    await until(() => ports[0].terminated);
  }, 60_000);

  it('following: a finished chunk asks one more slice, at the newest training step; hidden, none', async () => {
    const { source } = setup();
    const views: DreamsView[] = [];
    let step = 0;
    let shown = true;
    const feed = new DreamsFeed(
      source,
      () => step,
      (view) => views.push(view),
      () => shown,
      { minIntervalMs: 0, restFactor: 0 },
    );
    feed.following = true;
    for (step = 10; step <= 30; step += 10) {
      feed.afterChunk();
      await until(() => views.at(-1)?.trainingStep === step);
    }
    // The first run on demand goes on beside the chunks; every slice shows the step it was taken at.
    const steps = views.map((v) => v.trainingStep!);
    expect(steps.slice().sort((a, b) => a - b)).toEqual(steps);
    expect(steps.at(-1)).toBe(30);
    shown = false;
    await until(() => !feed.busy);
    const hidden = views.length;
    feed.afterChunk();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(views.length).toBe(hidden);
    feed.stop();
    source.release();
  });
});

describe('dreaming conv filters', () => {
  it('targetObjective climbs the first filters of a conv layer; other layers fall back', () => {
    const { description } = setup();
    const chosen = targetObjective({ kind: 'filters', layerIndex: 0 }, description, 10, 10)!;
    expect(chosen.rows).toBe(3); // c5x3: three filters, fewer than the 10 rows
    expect(chosen.objective).toEqual({ kind: 'unit', layerIndex: 0, units: [0, 1, 2] });
    expect(chosen.layerLabel).toBe(description.layers[0].label);
    expect(targetObjective({ kind: 'filters', layerIndex: 1 }, description, 10, 10)).toBeNull(); // a pool
    expect(targetObjective({ kind: 'classes' }, description, 10, 10)!.rows).toBe(10);
  });

  it('the feed dreams the chosen layer: one image per filter, as CpuAscent with that objective', async () => {
    const { description, backend, source } = setup();
    const views: DreamsView[] = [];
    const feed = new DreamsFeed(
      source,
      () => 0,
      (view) => views.push(view),
      () => true,
      {
        minIntervalMs: 0,
        restFactor: 0,
      },
    );
    feed.setTarget({ kind: 'filters', layerIndex: 0 });
    await until(() => views.length >= 1);
    feed.stop();
    const view = views[0];
    expect(view.filters).toEqual({ layerLabel: description.layers[0].label });
    expect(view.classes).toBe(3);
    const local = new CpuAscent(description, 10, 0);
    local.setParameters(await backend.getParameters());
    local.setObjective({ kind: 'unit', layerIndex: 0, units: [0, 1, 2] });
    local.setImages(startImages(10, description.input, 'noise', 0));
    local.step(DEFAULT_ASCENT, view.steps);
    expect(view.images).toEqual(local.read().images.slice(0, 3 * 784));
    source.release();
  });
});

describe('DreamsFeed rests between slices', () => {
  it('starts a slice no sooner than restFactor times the last one after it ended', async () => {
    const stepCalls: number[] = [];
    const engines = {
      classes: 10,
      backend: { description: { input: [1, 28, 28] } },
      refresh: async () => undefined,
      ascent: {
        batch: 10,
        setObjective: () => undefined,
        setImages: () => undefined,
        step: () => void stepCalls.push(performance.now()),
        // Each slice takes ~40 ms (its read), as a slow device would.
        read: () =>
          new Promise((resolve) =>
            setTimeout(
              () =>
                resolve({ steps: 1, images: new Float32Array(7840), probabilities: new Float32Array(100) }),
              40,
            ),
          ),
      },
    };
    const source = { engines: async () => engines } as unknown as InsightSource;
    const views: DreamsView[] = [];
    const feed = new DreamsFeed(
      source,
      () => 0,
      (view) => views.push(view),
      () => true,
      {
        minIntervalMs: 0,
        restFactor: 3,
      },
    );
    feed.poke();
    await until(() => views.length >= 5);
    feed.stop();
    const gaps = stepCalls.slice(1).map((t, i) => t - stepCalls[i]);
    // The first slice earns no rest (its time is mostly setup); after the others, 40 ms of slice
    // + 3 x 40 ms of rest (timers may fire a little early or late).
    expect(gaps[0]).toBeLessThan(150);
    for (const gap of gaps.slice(1)) expect(gap).toBeGreaterThanOrEqual(150);
  });
});

describe('SaliencyFeed while training', () => {
  it('refreshes no sooner than TRAINING_REST_FACTOR times the last computations after they ended', async () => {
    const { source } = setup();
    const dataset = smallDataset(20, 9);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // Every computation takes >= 400 ms, so its rest (9 x) is well past the 2 s floor.
    const slow = {
      engines: async () => (await sleep(400), source.engines()),
    } as unknown as InsightSource;
    const views: number[] = [];
    const feed = new SaliencyFeed(
      slow,
      () => dataset,
      () => views.push(performance.now()),
    );
    feed.setSubject({ kind: 'test', index: 3 }, true);
    await until(() => views.length === 1);
    feed.afterChunk(views[0] + 2001); // the first computation earns no rest: the 2 s floor only
    await until(() => views.length === 2);
    const start = performance.now();
    feed.setSubject({ kind: 'test', index: 4 }, true);
    await until(() => views.length === 3);
    const took = views[2] - start; // at least the computation's own duration
    feed.afterChunk(views[2] + 2500); // past the 2 s floor, inside the rest
    await sleep(600);
    expect(views).toHaveLength(3);
    feed.afterChunk(views[2] + TRAINING_REST_FACTOR * took + 1);
    await until(() => views.length === 4);
    feed.stop();
    source.release();
  });

  it("shown again, recomputes the same image only after the rest (the budget's factor of the moment)", async () => {
    const { source } = setup();
    const dataset = smallDataset(20, 9);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let factor = 1000; // many views open: a long rest
    const views: number[] = [];
    const feed = new SaliencyFeed(
      source,
      () => dataset,
      () => views.push(performance.now()),
      {
        restFactor: () => factor,
      },
    );
    feed.setSubject({ kind: 'test', index: 3 }, true); // the first computation earns no rest
    await until(() => views.length === 1);
    feed.setSubject({ kind: 'test', index: 4 }, true);
    await until(() => views.length === 2);
    feed.show(views[1] + 2500); // its maps are shown and the rest is not over
    feed.afterChunk(views[1] + 2500);
    await sleep(300);
    expect(views).toHaveLength(2);
    factor = 0; // not training: only the 2 s floor
    feed.show(views[1] + 2500);
    await until(() => views.length === 3);
    factor = 1000;
    feed.setSubject({ kind: 'test', index: 5 }, true); // a new image: at once, whatever the rest
    await until(() => views.length === 4);
    feed.stop();
    source.release();
  });
});
