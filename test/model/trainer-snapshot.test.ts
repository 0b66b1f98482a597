// Trainer.snapshot / restore on CPU backends: a run restored from a snapshot (also through the
// .convscope file and restoreCheckpoint) continues with exactly the same batches, learning rates
// and updates: bit-identical parameters to the run that never stopped, across epoch boundaries and
// a batch-size change. A snapshot is taken at the call; a bad one changes nothing.

import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/model/checkpoint.ts';
import { CheckpointError } from '../../src/model/checkpoint-checks.ts';
import { captureCheckpoint, restoreCheckpoint } from '../../src/model/checkpoint-restore.ts';
import { CpuBackend } from '../../src/model/cpu-backend.ts';
import { Trainer, type TrainerOptions } from '../../src/model/trainer.ts';
import { tinyDataset, tinySpec } from './tiny-data.ts';

// 23 examples at batch 4: 5 steps per epoch (3 examples dropped), so runs cross epochs often.
const data = tinyDataset({ height: 8, width: 8, classes: 3, train: 23, test: 5, seed: 11 });

function trainer(overrides: Partial<TrainerOptions> = {}): Promise<Trainer> {
  return Trainer.create({
    spec: tinySpec('relu', 'sigmoid'),
    dataset: data,
    createBackend: (d) => CpuBackend.create(d),
    seed: 7,
    batch: 4,
    optimizer: { kind: 'adam', learningRate: 0.01, weightDecay: 1e-3 },
    ...overrides,
  });
}

function position(t: Trainer): number[] {
  return [t.epoch, t.stepInEpoch, t.totalSteps, t.batch, t.seed];
}

describe('Trainer snapshot and restore', () => {
  it('train N, snapshot, train M == restore on a fresh trainer and train M (exact, across epochs)', async () => {
    const original = await trainer();
    original.setSchedule({ kind: 'cosine', warmupSteps: 3, totalSteps: 40 });
    original.step(7); // epoch 1, step 2 of 5
    const snapshot = await original.snapshot();
    expect([snapshot.epoch, snapshot.stepInEpoch, snapshot.step]).toEqual([1, 2, 7]);
    original.step(11); // into epoch 3
    const expected = await original.getParameters();
    const expectedState = await original.backend.getOptimizerState();

    // Another seed, batch, optimizer and schedule: restore must replace all of them.
    const resumed = await trainer({ seed: 99, batch: 3, optimizer: { kind: 'sgd', learningRate: 0.5 } });
    resumed.step(2);
    await resumed.restore(snapshot);
    expect(position(resumed)).toEqual([1, 2, 7, 4, 7]);
    expect(resumed.optimizer).toEqual(original.optimizer);
    expect(resumed.schedule).toEqual(original.schedule);
    expect((await resumed.takeMetrics()).steps).toBe(0); // the fresh trainer's 2 steps are dropped
    resumed.step(11);
    expect(position(resumed)).toEqual(position(original));
    expect(await resumed.getParameters()).toEqual(expected);
    expect(await resumed.backend.getOptimizerState()).toEqual(expectedState);
  });

  it('restoring into the same trainer rewinds it, and a later restore goes forward again', async () => {
    const t = await trainer();
    const start = await t.snapshot();
    t.step(6);
    const six = await t.snapshot();
    t.step(4);
    const ten = await t.getParameters();
    await t.restore(start);
    expect(position(t)).toEqual([0, 0, 0, 4, 7]);
    t.step(10);
    expect(await t.getParameters()).toEqual(ten);
    await t.restore(six);
    t.step(4);
    expect(await t.getParameters()).toEqual(ten);
  });

  it('restoreCheckpoint through the file restores the position (same batches afterwards)', async () => {
    const original = await trainer({ optimizer: { kind: 'sgd', learningRate: 0.1, momentum: 0.9 } });
    original.step(9);
    const file = encodeCheckpoint(await captureCheckpoint(original));
    original.step(8);
    const resumed = await trainer({ seed: 3, batch: 5 });
    await restoreCheckpoint(resumed, decodeCheckpoint(file));
    expect(position(resumed)).toEqual([1, 4, 9, 4, 7]);
    resumed.step(8);
    expect(await resumed.getParameters()).toEqual(await original.getParameters());
  });

  it('survives a batch-size change between snapshot and restore', async () => {
    const t = await trainer();
    t.step(3);
    const snapshot = await t.snapshot();
    t.step(4);
    const expected = await t.getParameters();
    await t.setBatchSize(6);
    t.step(2);
    await t.restore(snapshot); // back to batch 4 on a new backend
    expect(position(t)).toEqual([0, 3, 3, 4, 7]);
    t.step(4);
    expect(await t.getParameters()).toEqual(expected);
  });

  it('captures the state at the call, not when the read finishes', async () => {
    const t = await trainer();
    t.step(2);
    const pending = t.snapshot();
    const atTwo = await t.getParameters();
    t.step(3);
    const snapshot = await pending;
    expect(snapshot.step).toBe(2);
    expect(snapshot.parameters).toEqual(atTwo);
  });

  it('rejects a snapshot for other data or another network and changes nothing', async () => {
    const t = await trainer();
    t.step(3);
    const good = await t.snapshot();
    const before = await t.getParameters();
    const tooFar = { ...good, stepInEpoch: 6 };
    await expect(t.restore(tooFar)).rejects.toThrow(
      /stepInEpoch 6 is past the 5 steps of an epoch at batch 4/,
    );
    const otherNet = { ...good, spec: tinySpec('tanh', 'relu') };
    await expect(t.restore(otherNet)).rejects.toThrow(CheckpointError);
    const badSchedule = { ...good, schedule: { kind: 'linear' as const, warmupSteps: 5, totalSteps: 5 } };
    await expect(t.restore(badSchedule)).rejects.toThrow(/bad learning-rate schedule/);
    expect(position(t)).toEqual([0, 3, 3, 4, 7]);
    expect(await t.getParameters()).toEqual(before);
  });
});
