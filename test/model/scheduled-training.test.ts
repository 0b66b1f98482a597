// Per-step learning rates on the CPU backend and the Trainer's schedule: several steps with
// `learningRates` equal the same steps one at a time with each rate as settings.learningRate (SGD
// and Adam, bit for bit); bad rates change nothing; the Trainer hands the backend the schedule's
// rates indexed by the run's step (across epochs and step() calls) and a schedule changes the run.

import { describe, expect, it } from 'vitest';
import { epochPermutation } from '../../src/data/batching.ts';
import { DEFAULT_OPTIMIZER, type Backend, type OptimizerSettings } from '../../src/model/backend.ts';
import { CpuBackend, createCpuBackend } from '../../src/model/cpu-backend.ts';
import { CONSTANT_SCHEDULE, learningRateAt, type LearningRateSchedule } from '../../src/model/schedule.ts';
import type { NetworkDescription } from '../../src/model/shapes.ts';
import { Trainer } from '../../src/model/trainer.ts';
import { tinyDataset, tinySpec } from './tiny-data.ts';

const data = tinyDataset({ height: 8, width: 8, classes: 3, train: 17, test: 5, seed: 6 });
const SGD: OptimizerSettings = { ...DEFAULT_OPTIMIZER, learningRate: 0.5, momentum: 0.9, weightDecay: 1e-3 };
const ADAM: OptimizerSettings = { ...DEFAULT_OPTIMIZER, kind: 'adam', learningRate: 0.5, weightDecay: 1e-3 };
const RATES = new Float32Array([0.07, 0.013, 0, 0.031]);

async function backend(): Promise<CpuBackend> {
  const b = createCpuBackend(tinySpec('relu', 'relu'), { batch: 4, seed: 9 });
  await b.setData(data);
  b.setEpochOrder(epochPermutation(data.train.count, 9, 0));
  return b;
}

describe('CpuBackend.train with per-step learning rates', () => {
  it.each([
    ['sgd', SGD],
    ['adam', ADAM],
  ] as const)('%s: one call with rates = one call per step with each rate', async (_, settings) => {
    const [batched, single] = await Promise.all([backend(), backend()]);
    batched.train(0, 4, settings, RATES);
    RATES.forEach((rate, i) => single.train(i, 1, { ...settings, learningRate: rate }));
    expect(await batched.getParameters()).toEqual(await single.getParameters());
    expect(await batched.getOptimizerState()).toEqual(await single.getOptimizerState());
    expect(await batched.takeMetrics()).toEqual(await single.takeMetrics());
    // The rates matter: settings.learningRate (0.5) for every step gives other parameters.
    const constant = await backend();
    constant.train(0, 4, settings);
    expect(await constant.getParameters()).not.toEqual(await batched.getParameters());
  });

  it('a zero rate leaves the parameters as they were (SGD, Adam)', async () => {
    for (const settings of [SGD, ADAM]) {
      const b = await backend();
      const before = await b.getParameters();
      b.train(0, 2, settings, new Float32Array(2));
      expect(await b.getParameters()).toEqual(before);
    }
  });

  it('bad rates throw before anything changes', async () => {
    const b = await backend();
    const before = await b.getParameters();
    expect(() => b.train(0, 3, SGD, RATES)).toThrow(/4 entries for 3 steps/);
    expect(() => b.train(0, 2, ADAM, new Float32Array([0.1, NaN]))).toThrow(/learningRates\[1\]/);
    expect(await b.getParameters()).toEqual(before);
    expect((await b.takeMetrics()).steps).toBe(0);
    expect((await b.getOptimizerState()).step).toBe(0);
  });
});

function trainerWith(factory: (d: NetworkDescription) => Backend): Promise<Trainer> {
  return Trainer.create({
    spec: tinySpec('relu', 'relu'),
    dataset: data,
    createBackend: factory,
    seed: 9,
    batch: 4, // 4 steps per epoch
    optimizer: { ...SGD, learningRate: 0.2 },
  });
}

describe('Trainer schedule', () => {
  const cosine: LearningRateSchedule = { kind: 'cosine', warmupSteps: 2, totalSteps: 11 };

  it('passes each step the rate of its index in the run, across epochs and step() calls', async () => {
    const train: Parameters<Backend['train']>[] = [];
    const trainer = await trainerWith((d) => {
      const b = CpuBackend.create(d);
      const original = b.train.bind(b);
      b.train = (...args) => {
        train.push(args);
        original(...args);
      };
      return b;
    });
    expect(trainer.schedule).toEqual(CONSTANT_SCHEDULE);
    trainer.step(1);
    expect(train[0][3]).toBeUndefined(); // constant: no per-step rates
    trainer.setSchedule(cosine);
    expect(trainer.nextLearningRate).toBe(Math.fround(learningRateAt(0.2, cosine, 1)));
    trainer.step(6); // steps 1..6: 1..3 end epoch 0, 4..6 start epoch 1
    trainer.step(5); // steps 7..11: 11 is past the schedule's end, rate 0
    const calls = train.slice(1).map((call) => [call[0], call[1], Array.from(call[3] as Float32Array)]);
    const rates = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => Math.fround(learningRateAt(0.2, cosine, from + i)));
    expect(calls).toEqual([
      [1, 3, rates(1, 4)],
      [0, 3, rates(4, 7)],
      [3, 1, rates(7, 8)],
      [0, 4, rates(8, 12)],
    ]);
    expect(rates(11, 12)).toEqual([0]);
    expect(trainer.nextLearningRate).toBe(0);
  });

  it('a schedule gives the same run however the steps are split, and another run than without', async () => {
    const make = () => trainerWith((d) => CpuBackend.create(d));
    const [whole, split, plain] = await Promise.all([make(), make(), make()]);
    whole.setSchedule(cosine);
    split.setSchedule(cosine);
    whole.step(9);
    [2, 5, 2].forEach((n) => split.step(n));
    plain.step(9);
    const [a, b, c] = await Promise.all([whole, split, plain].map((t) => t.getParameters()));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('setSchedule validates and leaves the schedule unchanged on error', async () => {
    const trainer = await trainerWith((d) => CpuBackend.create(d));
    trainer.setSchedule(cosine);
    expect(() => trainer.setSchedule({ kind: 'linear', warmupSteps: 4, totalSteps: 4 })).toThrow(
      /below totalSteps/,
    );
    expect(trainer.schedule).toEqual(cosine);
    trainer.setSchedule(CONSTANT_SCHEDULE);
    expect(trainer.nextLearningRate).toBe(0.2);
  });
});
