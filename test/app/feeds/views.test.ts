// The concrete feeds on a real Trainer with the CPU backend (tiny seeded data): filters equal the
// flat parameters' conv slices; the probe view holds the conv and pooling maps of the chosen and
// drawn images; health rows follow their definitions (dead units, ranges, and an update ratio equal
// to ||w_after - w_before|| / ||w|| of a measured step); evaluation turns sums into means. Then,
// under fake timers with a slow backend, every feed keeps at most one backend read in flight.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEvaluationFeed, readEvaluation } from '../../../src/app/feeds/evaluation.ts';
import { createFiltersFeed, readFilters } from '../../../src/app/feeds/filters.ts';
import { createHealthFeed, readHealth } from '../../../src/app/feeds/health.ts';
import { createProbeFeed, readProbe } from '../../../src/app/feeds/probe.ts';
import type { TrainerSource, ViewBackend, WatchedTrainer } from '../../../src/app/feeds/source.ts';
import { gatherBatch } from '../../../src/data/batching.ts';
import { DEFAULT_OPTIMIZER } from '../../../src/model/backend.ts';
import { CpuBackend } from '../../../src/model/cpu-backend.ts';
import { parameterLayout } from '../../../src/model/layout.ts';
import type { NetworkSpec } from '../../../src/model/spec.ts';
import { Trainer } from '../../../src/model/trainer.ts';
import { tinyDataset } from '../../model/tiny-data.ts';

const dataset = tinyDataset({ height: 10, width: 10, classes: 5, train: 37, test: 23, seed: 8 });
const spec: NetworkSpec = {
  input: { channels: 1, height: 10, width: 10 },
  layers: [
    { kind: 'conv', filters: 3, kernel: 3, activation: 'relu' },
    { kind: 'pool', mode: 'max', size: 2 },
    { kind: 'conv', filters: 2, kernel: 2, activation: 'tanh' },
    { kind: 'fc', units: 6, activation: 'relu' },
    { kind: 'classify', classes: 5 },
  ],
};

async function trainer(
  optimizer = { ...DEFAULT_OPTIMIZER, learningRate: 0.2, momentum: 0.5 },
): Promise<Trainer> {
  return Trainer.create({
    spec,
    dataset,
    seed: 3,
    batch: 4,
    optimizer,
    createBackend: (d) => CpuBackend.create(d, { seed: 3 }),
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('filters', () => {
  it('every conv layer: shapes, label, weights and bias from the flat parameters at this step', async () => {
    const t = await trainer();
    t.step(3);
    const snapshot = await readFilters(t);
    const flat = await t.getParameters();
    const layout = parameterLayout(t.backend.description);
    expect(snapshot.step).toBe(3);
    expect(snapshot.epoch).toBe(0);
    expect(
      snapshot.layers.map((l) => [l.layerIndex, l.label, l.outChannels, l.inChannels, l.kernelHeight]),
    ).toEqual([
      [0, t.backend.description.layers[0].label, 3, 1, 3],
      [2, t.backend.description.layers[2].label, 2, 3, 2],
    ]);
    snapshot.layers.forEach((layer, i) => {
      const { weight, bias } = layout.layers[i];
      expect(layer.weights).toEqual(flat.slice(weight.offset, weight.offset + weight.length));
      expect(layer.bias).toEqual(flat.slice(bias.offset, bias.offset + bias.length));
    });
  });
});

describe('probe', () => {
  it('maps of every conv and pooling layer for test images and a drawn one, with their softmax', async () => {
    const t = await trainer();
    t.step(2);
    const drawn = new Float32Array(100).fill(0.5);
    const view = await readProbe(t, { testIndices: [4, 0], drawn });
    expect(view.count).toBe(3);
    expect(view.labels).toEqual([dataset.test.labels[4], dataset.test.labels[0], null]);
    expect(view.testIndices).toEqual([4, 0, null]);
    // Scaled exactly as training batches are.
    expect(view.inputs.subarray(0, 200)).toEqual(
      gatherBatch(dataset, 'test', new Uint32Array([4, 0])).images,
    );
    expect(view.inputs.subarray(200)).toEqual(drawn);
    expect(
      view.maps.map((m) => [m.layerIndex, m.kind, m.channels, m.height, m.width, m.data.length]),
    ).toEqual([
      [0, 'conv', 3, 8, 8, 3 * 3 * 64],
      [1, 'pool', 3, 4, 4, 3 * 3 * 16],
      [2, 'conv', 2, 3, 3, 3 * 2 * 9],
    ]);
    const direct = await t.backend.probe(view.inputs, 3);
    expect(view.maps[2].data).toEqual(direct.outputs[2]);
    expect(view.classes).toBe(5);
    for (let r = 0; r < 3; r++) {
      expect(view.probabilities.subarray(5 * r, 5 * r + 5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
  });

  it('rejects selections it cannot probe, naming the problem', async () => {
    const t = await trainer();
    await expect(readProbe(t, { testIndices: [] })).rejects.toThrow(/choose 1 to 16 images, got 0/);
    await expect(readProbe(t, { testIndices: Array.from({ length: 17 }, () => 0) })).rejects.toThrow(
      /got 17/,
    );
    await expect(readProbe(t, { testIndices: [23] })).rejects.toThrow(/test index 23 is outside the 23/);
    await expect(readProbe(t, { testIndices: [], drawn: new Float32Array(99) })).rejects.toThrow(
      /needs 100 values/,
    );
  });
});

describe('health', () => {
  it('update ratio equals ||w_after - w_before|| / ||w_after|| of the step just taken', async () => {
    const t = await trainer();
    t.step(2);
    const before = await t.getParameters();
    t.step(1);
    const after = await t.getParameters();
    const view = await readHealth(t, 9);
    expect(view.step).toBe(3);
    expect(view.layers.map((l) => l.layerIndex)).toEqual([0, 1, 2, 3, 4]);
    const layout = parameterLayout(t.backend.description);
    for (const slot of layout.layers) {
      const { offset, length } = slot.weight;
      let delta = 0;
      let norm = 0;
      for (let i = offset; i < offset + length; i++) {
        delta += (after[i] - before[i]) ** 2;
        norm += after[i] ** 2;
      }
      const row = view.layers[slot.layerIndex];
      expect(row.updateRatio).toBeCloseTo(Math.sqrt(delta / norm), 5);
      expect(row.weight!.rms).toBeCloseTo(Math.sqrt(norm / length), 6);
      expect(row.gradient!.rms).toBeGreaterThan(0);
    }
    const pool = view.layers[1];
    expect([pool.weight, pool.gradient, pool.updateRatio]).toEqual([null, null, null]);
    expect(view.layers[0].activation.min).toBeGreaterThanOrEqual(0); // relu
    expect(view.layers[2].activation.min).toBeGreaterThanOrEqual(-1); // tanh
  });

  it('before any step: no update ratio, zero gradients', async () => {
    const t = await trainer();
    const view = await readHealth(t);
    expect(view.layers.every((l) => l.updateRatio === null)).toBe(true);
    expect(view.layers[0].gradient).toEqual({ min: 0, max: 0, mean: 0, rms: 0 });
  });
});

describe('evaluation', () => {
  it('mean loss, accuracy, confusion and predictions of the first `limit` test images (clamped)', async () => {
    const t = await trainer();
    t.step(4);
    const full = await t.evaluate('test');
    const view = await readEvaluation(t);
    expect(view).toEqual({
      step: 4,
      examples: 23,
      loss: full.lossSum / 23,
      accuracy: full.correct / 23,
      classes: 5,
      confusion: full.confusion,
      predictions: full.predictions,
    });
    expect((await readEvaluation(t, 7)).predictions).toEqual(full.predictions.subarray(0, 7));
    expect((await readEvaluation(t, 500)).examples).toBe(23);
  });
});

/** A trainer whose backend answers every view call after `delayMs`, counting calls in flight. */
async function slowTrainer(delayMs: number) {
  const real = await trainer();
  let inFlight = 0;
  let maxInFlight = 0;
  const slow =
    <A extends unknown[], T>(call: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return await call(...args);
      } finally {
        inFlight--;
      }
    };
  const b = real.backend;
  const backend: ViewBackend = {
    description: b.description,
    probe: slow(b.probe.bind(b)),
    readParameters: slow(b.readParameters.bind(b)),
    parameterStats: slow(b.parameterStats.bind(b)),
  };
  const watched: WatchedTrainer = {
    backend,
    dataset,
    get totalSteps() {
      return real.totalSteps;
    },
    epoch: 0,
    optimizer: real.optimizer,
    nextLearningRate: real.nextLearningRate,
    evaluate: slow(real.evaluate.bind(real)),
  };
  return { watched, real, maxInFlight: () => maxInFlight };
}

describe('feeds over a slow backend', () => {
  it('each feed keeps at most one backend read in flight and delivers the latest step', async () => {
    const { watched, real, maxInFlight } = await slowTrainer(40);
    vi.useFakeTimers();
    const now = () => Date.now();
    const got: Record<string, number[]> = { filters: [], probe: [], health: [], evaluation: [] };
    const source: TrainerSource = () => watched;
    const feeds = [
      createFiltersFeed(source, (v) => got.filters.push(v.step), { minIntervalMs: 10, now }),
      createProbeFeed(source, (v) => got.probe.push(v.step), { minIntervalMs: 10, now }),
      createHealthFeed(source, (v) => got.health.push(v.step), { minIntervalMs: 10, now, probeCount: 3 }),
      createEvaluationFeed(source, (v) => got.evaluation.push(v.step), { minIntervalMs: 10, now }),
    ] as const;
    for (let round = 0; round < 6; round++) {
      real.step(1);
      feeds[0].request();
      feeds[1].request({ testIndices: [1, 2] });
      feeds[2].request();
      feeds[3].request({ limit: 5 });
      await vi.advanceTimersByTimeAsync(15);
    }
    await vi.advanceTimersByTimeAsync(1000);
    feeds.forEach((feed) => feed.stop());
    // Four feeds, one read each at a time: never more than four backend calls at once.
    expect(maxInFlight()).toBeLessThanOrEqual(4);
    for (const steps of Object.values(got)) {
      expect(steps.at(-1)).toBe(6); // the latest request was served
      expect(steps.length).toBeLessThan(6); // requests made while busy were collapsed
    }
  });

  it('a single feed never overlaps its own reads (health: probe, then stats)', async () => {
    const { watched, real, maxInFlight } = await slowTrainer(30);
    vi.useFakeTimers();
    const steps: number[] = [];
    const feed = createHealthFeed(
      () => watched,
      (v) => steps.push(v.step),
      {
        minIntervalMs: 0,
        now: () => Date.now(),
        probeCount: 2,
      },
    );
    for (let i = 0; i < 10; i++) {
      real.step(1);
      feed.request();
      await vi.advanceTimersByTimeAsync(7);
    }
    await vi.advanceTimersByTimeAsync(500);
    expect(maxInFlight()).toBe(1);
    expect(steps.at(-1)).toBe(10);
  });

  it('drops a read whose trainer was replaced before it finished (a Reset mid-read)', async () => {
    const first = await slowTrainer(20);
    const second = await slowTrainer(20);
    vi.useFakeTimers();
    let current: WatchedTrainer = first.watched;
    const delivered: number[] = [];
    const feed = createFiltersFeed(
      () => current,
      (v) => delivered.push(v.step),
      { minIntervalMs: 0 },
    );
    first.real.step(2);
    feed.request();
    current = second.watched; // replaced while the first read is in flight
    await vi.advanceTimersByTimeAsync(50);
    feed.request();
    await vi.advanceTimersByTimeAsync(50);
    expect(delivered).toEqual([0]); // only the new trainer's snapshot (step 0)
  });

  it('delivers nothing while the source has no trainer', async () => {
    const delivered: unknown[] = [];
    const feed = createFiltersFeed(
      () => null,
      (v) => delivered.push(v),
      { minIntervalMs: 0 },
    );
    feed.request();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(delivered).toEqual([]);
    expect(feed.counts.reads).toBe(1);
  });
});
