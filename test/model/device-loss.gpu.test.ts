// A GPU device destroyed in the middle of training (Node/Dawn): ResilientTrainer reports the loss,
// ReopeningGpuFactory opens a new device, training resumes from the last snapshot (the step
// counter goes back to it), and the run ends exactly where an uninterrupted GPU run ends (the
// kernels are deterministic) and within the CPU-vs-GPU tolerance of a CPU run from that snapshot.

import { afterAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/model/cpu-backend.ts';
import { FALLBACK_ADAPTER_TUNING } from '../../src/model/kernel-tuning.ts';
import { ReopeningGpuFactory } from '../../src/model/resilient-gpu.ts';
import { ResilientTrainer, type ResilienceEvent } from '../../src/model/resilient-trainer.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { Trainer, type TrainerOptions, type TrainerSnapshot } from '../../src/model/trainer.ts';
import { compareClose } from '../helpers/allclose.ts';
import { getNodeGpu } from '../helpers/node-gpu.ts';
import { tinyDataset } from './tiny-data.ts';

const NET: NetworkSpec = {
  input: { channels: 1, height: 10, width: 10 },
  layers: [
    { kind: 'conv', filters: 3, kernel: 3, activation: 'relu' },
    { kind: 'pool', mode: 'max', size: 2 },
    { kind: 'fc', units: 6, activation: 'tanh' },
    { kind: 'classify', classes: 4 },
  ],
};
const data = tinyDataset({ height: 10, width: 10, classes: 4, train: 29, test: 6, seed: 12 });
const SEED = 8;
const STEPS = 36; // 7 steps per epoch at batch 4: five epoch boundaries
const base: Omit<TrainerOptions, 'createBackend'> = {
  spec: NET,
  dataset: data,
  seed: SEED,
  batch: 4,
  optimizer: { kind: 'adam', learningRate: 0.01, weightDecay: 1e-3 },
};
// Measured: a CPU run of the remaining ~23 Adam steps from the same snapshot ends within 8.9e-7 of
// the GPU's (f32 summation order). Adam moves each parameter by up to lr = 1e-2 a step, so a
// step trained twice, skipped or on the wrong batch shows as ~1e-3 or more.
const CPU_TOLERANCE = { atol: 5e-5, rtol: 1e-4 };

const factories: ReopeningGpuFactory[] = [];
afterAll(() => factories.forEach((f) => f.destroy()));

function gpuFactory(): ReopeningGpuFactory {
  const factory = new ReopeningGpuFactory({
    openGpu: async () => (await getNodeGpu()).gpu,
    spec: NET,
    seed: SEED,
    tuning: FALLBACK_ADAPTER_TUNING,
  });
  factories.push(factory);
  return factory;
}

describe('a lost GPU device', () => {
  it('is reported, and training resumes from the last snapshot on a new device with nothing lost', async () => {
    const factory = gpuFactory();
    const trainer = await Trainer.create({ ...base, createBackend: factory.create });
    const events: ResilienceEvent[] = [];
    let resumedFrom: TrainerSnapshot | null = null;
    const resilient = new ResilientTrainer(trainer, {
      snapshotEvery: 5,
      onEvent: (event) => {
        events.push(event);
        if (event.kind === 'device-lost') resumedFrom = resilient.lastSnapshot;
      },
    });
    const reports: number[] = [];
    const firstGpu = () => factory.gpu!;
    const lostFirst = firstGpu().lost;
    await resilient.trainSteps(
      STEPS,
      (p) => {
        reports.push(p.totalSteps);
        if (p.totalSteps >= 17 && factory.devicesOpened === 1 && !resumedFrom) firstGpu().device.destroy();
      },
      3,
    );
    console.log(
      `[device-loss] events: ${events.map((e) => ('message' in e ? e.message : `${e.kind} ${e.step}`)).join(' | ')}`,
    );
    expect((await lostFirst).reason).toBe('destroyed');
    expect(factory.devicesOpened).toBe(2);
    const lost = events.find((e) => e.kind === 'device-lost');
    const resumed = events.find((e) => e.kind === 'resumed');
    expect(lost?.kind === 'device-lost' && lost.message).toMatch(
      /^The GPU device was lost \(destroyed: .*\) after step \d+; resuming from the snapshot at step \d+ on a new device$/,
    );
    expect(resumedFrom).not.toBeNull();
    const from = resumedFrom!.step;
    expect(from).toBeGreaterThanOrEqual(5);
    expect(resumed).toMatchObject({ step: from });
    // The step counter went back to the snapshot: the report after the loss counts from there.
    const back = reports.findIndex((step, i) => i > 0 && step <= reports[i - 1]);
    expect(back).toBeGreaterThan(0);
    expect(reports[back]).toBeGreaterThan(from);
    expect(reports[back]).toBeLessThanOrEqual(from + 3);
    expect(trainer.totalSteps).toBe(STEPS);
    const final = await trainer.getParameters();

    // An uninterrupted GPU run from the start (on the new device) ends bit-identical.
    const again = await Trainer.create({ ...base, createBackend: factory.create });
    again.step(STEPS);
    expect(await again.getParameters()).toEqual(final);
    again.destroy();

    // A CPU run from the snapshot the resume used ends within the backends' tolerance.
    const cpu = await Trainer.create({ ...base, createBackend: (d) => CpuBackend.create(d) });
    await cpu.restore(resumedFrom!);
    cpu.step(STEPS - from);
    const report = compareClose(final, await cpu.getParameters(), CPU_TOLERANCE);
    console.log(
      `[device-loss] resumed GPU run vs CPU from step ${from}: max |diff| ${report.maxAbsError.toExponential(2)}`,
    );
    expect(report.ok, report.table).toBe(true);
    trainer.destroy();
  });
});
