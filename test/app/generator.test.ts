// The generator panel's controller (generator-controller.ts) with a fake GeneratorModel: trains
// only while shown and Train is on, grows the loss history, samples the 10 x N grid plus the walk in
// one call with the latent points it promises; a new dataset starts over. And the CPU model in the
// generator worker (handlers behind an in-process worker stand-in) follows createCpuCvae exactly.

import { describe, expect, it } from 'vitest';
import { createWorkerCvae } from '../../src/app/generator-backends.ts';
import {
  GRID_COLUMNS,
  GeneratorController,
  latentPoints,
  walkPoint,
  type GeneratorFactory,
} from '../../src/app/generator-controller.ts';
import type { GeneratorView } from '../../src/app/generator-view-types.ts';
import { generatorHandlers } from '../../src/app/generator-worker-handlers.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { createCpuCvae } from '../../src/generator/cpu-cvae.ts';
import type { CvaeConfig, GeneratorModel } from '../../src/generator/types.ts';
import { InProcessRpc } from './in-process-rpc.ts';
import { smallDataset } from './session-fakes.ts';

const CONFIG: CvaeConfig = { latent: 3, seed: 5, batch: 7, learningRate: 1e-3 };

/** Loss falls by 1 per step; sample() gives image i the value (label + z0 / 10) / 10 everywhere. */
class FakeModel implements GeneratorModel {
  readonly config = CONFIG;
  step = 0;
  trains: number[] = [];
  samples: { labels: Int32Array; z: Float32Array }[] = [];
  destroyed = false;
  async train(steps: number) {
    this.trains.push(steps);
    this.step += steps;
    return { step: this.step, loss: 200 - this.step, reconstruction: 190 - this.step, kl: 10 };
  }
  async sample(labels: Int32Array, z: Float32Array) {
    this.samples.push({ labels, z });
    const out = new Float32Array(labels.length * 784);
    labels.forEach((label, i) => out.fill((label + z[i * 3] / 10) / 10, i * 784, (i + 1) * 784));
    return out;
  }
  async parameters() {
    return new Float32Array(4);
  }
  destroy() {
    this.destroyed = true;
  }
}

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

function setup() {
  const models: FakeModel[] = [];
  const views: GeneratorView[] = [];
  const factory: GeneratorFactory = {
    device: 'CPU (worker)',
    create: async () => {
      models.push(new FakeModel());
      return models.at(-1)!;
    },
  };
  const controller = new GeneratorController(
    () => factory,
    (view) => views.push(view),
  );
  return { controller, models, views };
}

describe('GeneratorController', () => {
  it('trains only while shown and Train is on; losses and the grid come out', async () => {
    const { controller, models, views } = setup();
    const dataset = smallDataset(30, 5);
    controller.setDataset(dataset);
    controller.setTraining(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(models).toHaveLength(0); // not shown yet
    controller.setShown(true);
    await until(() => (views.at(-1)?.history.length ?? 0) >= 3 && views.at(-1)!.grid !== null);
    const view = views.at(-1)!;
    expect(view.status).toBe('training');
    expect(view.latent).toBe(3);
    expect(view.history.map((h) => h.loss)).toEqual(view.history.map((h) => 200 - h.step));
    expect(view.grid).toHaveLength(10 * GRID_COLUMNS * 784);
    expect(view.walkImages).toHaveLength(10 * 784);
    // Row c of the grid is class c; column j uses latent point j, the same in every row.
    const model = models[0];
    const { labels, z } = model.samples[0];
    const points = latentPoints(3, GRID_COLUMNS);
    expect(labels[2 * GRID_COLUMNS + 5]).toBe(2);
    expect(Array.from(z.subarray((2 * GRID_COLUMNS + 5) * 3, (2 * GRID_COLUMNS + 6) * 3))).toEqual(
      Array.from(points.columns.subarray(15, 18)),
    );
    expect(view.grid![(3 * GRID_COLUMNS + 1) * 784]).toBeCloseTo((3 + points.columns[3] / 10) / 10, 6);
    controller.setShown(false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const trained = model.step;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(model.step).toBe(trained); // hidden: no more steps
    expect(views.at(-1)!.status).toBe('idle');
    controller.destroy();
  });

  it('a walk change samples at the walk point; a new dataset starts a new model', async () => {
    const { controller, models, views } = setup();
    controller.setDataset(smallDataset(30, 5));
    controller.setShown(true);
    controller.setTraining(true);
    await until(() => models.length === 1 && models[0].samples.length >= 1);
    controller.setTraining(false);
    const walk = { mode: 'dimension' as const, dimension: 1, t: 0.75 };
    const asked = models[0].samples.length;
    controller.setWalk(walk);
    await until(() => models[0].samples.length > asked);
    const z = models[0].samples.at(-1)!.z;
    const walkRow = 10 * GRID_COLUMNS * 3;
    expect(Array.from(z.subarray(walkRow, walkRow + 3))).toEqual([0, 1.5, 0]);
    expect(
      Array.from(
        walkPoint({ mode: 'points', dimension: 0, t: 0.5 }, Float32Array.of(2, 0), Float32Array.of(0, 4)),
      ),
    ).toEqual([1, 2]);
    controller.setDataset(smallDataset(31, 5) as Dataset);
    expect(models[0].destroyed).toBe(true);
    expect(views.at(-1)!.history).toEqual([]);
    expect(views.at(-1)!.step).toBe(0);
    controller.destroy();
  });
});

describe('GeneratorController and a dataset change while its model is being made', () => {
  it('destroys the model made for the old dataset and trains one made for the new', async () => {
    const made: { dataset: Dataset; model: FakeModel }[] = [];
    const factory: GeneratorFactory = {
      device: 'CPU (worker)',
      create: async (dataset) => {
        await new Promise((resolve) => setTimeout(resolve, 30)); // as posting a dataset takes a while
        made.push({ dataset, model: new FakeModel() });
        return made.at(-1)!.model;
      },
    };
    const views: GeneratorView[] = [];
    const controller = new GeneratorController(
      () => factory,
      (view) => views.push(view),
    );
    const [first, second] = [smallDataset(30, 5), smallDataset(33, 5)];
    controller.setDataset(first);
    controller.setShown(true);
    controller.setTraining(true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.setDataset(second);
    await until(() => (views.at(-1)?.history.length ?? 0) >= 2);
    controller.destroy();
    expect(made.map((m) => m.dataset)).toEqual([first, second]);
    expect(made[0].model.destroyed).toBe(true);
    expect(made[0].model.trains).toEqual([]);
    expect(made[1].model.trains.length).toBeGreaterThanOrEqual(2);
  });

  it('a model that cannot be made shows why, and the next Train tries again', async () => {
    let tries = 0;
    const factory: GeneratorFactory = {
      device: 'GPU',
      create: async () => {
        tries++;
        if (tries === 1) throw new Error('cvae: the device is lost');
        return new FakeModel();
      },
    };
    const views: GeneratorView[] = [];
    const controller = new GeneratorController(
      () => factory,
      (view) => views.push(view),
    );
    controller.setDataset(smallDataset(30, 5));
    controller.setShown(true);
    controller.setTraining(true);
    await until(() => views.at(-1)?.error !== null && views.at(-1)?.error !== undefined);
    expect(views.at(-1)!.error).toBe('cvae: the device is lost');
    expect(views.at(-1)!.status).toBe('idle');
    controller.setTraining(true);
    await until(() => (views.at(-1)?.history.length ?? 0) >= 1);
    expect(tries).toBe(2);
    expect(views.at(-1)!.error).toBeNull();
    controller.destroy();
  });
});

describe('the CPU generator in its worker', () => {
  it('trains and samples exactly as createCpuCvae does in-process', async () => {
    const dataset = smallDataset(40, 3);
    const worker = await createWorkerCvae(dataset, CONFIG, new InProcessRpc(generatorHandlers()));
    const local = createCpuCvae(dataset, CONFIG);
    const [a, b] = [await worker.train(2), await local.train(2)];
    expect(a).toEqual(b);
    expect(Number.isFinite(a.loss)).toBe(true);
    const labels = Int32Array.of(0, 7, 3);
    const z = Float32Array.from({ length: 9 }, (_, i) => (i - 4) / 3);
    expect(await worker.sample(labels, z)).toEqual(await local.sample(labels, z));
    expect(await worker.parameters()).toEqual(await local.parameters());
    worker.destroy();
    local.destroy();
  });
});
