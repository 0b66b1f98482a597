// ResilientTrainer on CPU backends whose "device" a test can lose (the lost promise resolves and
// reads fail with AbortError, as Dawn does): the loss is reported, training resumes from the last
// snapshot on a new backend from the factory, and the run ends bit-identical to one that was never
// interrupted. Snapshots are periodic and read back one at a time. The GPU version of this test,
// with a real device destroyed mid-run, is test/model/device-loss.gpu.test.ts.

import { describe, expect, it } from 'vitest';
import type { BackendLostInfo } from '../../src/model/backend.ts';
import { CpuBackend } from '../../src/model/cpu-backend.ts';
import type { NetworkDescription } from '../../src/model/shapes.ts';
import {
  DeviceLostError,
  ResilientTrainer,
  type ResilienceEvent,
} from '../../src/model/resilient-trainer.ts';
import { Trainer } from '../../src/model/trainer.ts';
import { tinyDataset, tinySpec } from './tiny-data.ts';

const data = tinyDataset({ height: 8, width: 8, classes: 3, train: 26, test: 4, seed: 2 });

/** CPU backends whose device can be lost: lose(i) resolves backend i's `lost` and fails its reads. */
function factory() {
  const made: CpuBackend[] = [];
  const losers: (() => void)[] = [];
  const create = (description: NetworkDescription): CpuBackend => {
    const backend = CpuBackend.create(description);
    let gone = false;
    let resolveLost!: (info: BackendLostInfo) => void;
    const lost = new Promise<BackendLostInfo>((resolve) => (resolveLost = resolve));
    Object.defineProperty(backend, 'lost', { value: lost });
    const failWhenGone =
      <T>(read: () => Promise<T>) =>
      () =>
        gone ? Promise.reject(new DOMException('Device is lost', 'AbortError')) : read();
    backend.takeMetrics = failWhenGone(backend.takeMetrics.bind(backend));
    backend.getParameters = failWhenGone(backend.getParameters.bind(backend));
    losers.push(() => {
      gone = true;
      resolveLost({ reason: 'unknown', message: 'test: device removed' });
    });
    made.push(backend);
    return backend;
  };
  return { made, create, lose: (i: number) => losers[i]() };
}

const options = { seed: 4, batch: 3, optimizer: { kind: 'adam' as const, learningRate: 0.01 } };

async function uninterrupted(steps: number): Promise<Float32Array> {
  const trainer = await Trainer.create({
    spec: tinySpec(),
    dataset: data,
    createBackend: (d) => CpuBackend.create(d),
    ...options,
  });
  trainer.step(steps);
  return trainer.getParameters();
}

describe('ResilientTrainer', () => {
  it('reports a lost device, resumes from the last snapshot and ends as an uninterrupted run', async () => {
    const { made, create, lose } = factory();
    const trainer = await Trainer.create({
      spec: tinySpec(),
      dataset: data,
      createBackend: create,
      ...options,
    });
    const events: ResilienceEvent[] = [];
    const resilient = new ResilientTrainer(trainer, { snapshotEvery: 10, onEvent: (e) => events.push(e) });
    const reports: number[] = [];
    // 8 steps per epoch, reports every 4. Snapshots start after the reports at 12 and 24; the
    // device goes at the report of step 28, so the chunk to 32 is lost and 24..32 are trained again.
    const total = await resilient.trainSteps(
      40,
      (p) => {
        reports.push(p.totalSteps);
        if (p.totalSteps === 28 && made.length === 1) lose(0);
      },
      4,
    );
    expect(events.map((e) => [e.kind, e.step])).toEqual([
      ['snapshot', 12],
      ['snapshot', 24],
      ['device-lost', 32],
      ['resumed', 24],
      ['snapshot', 36],
    ]);
    expect(events[2]).toMatchObject({ resumeFrom: 24, reason: 'unknown' });
    expect(events[2].kind === 'device-lost' && events[2].message).toMatch(
      /^The GPU device was lost \(unknown: test: device removed\) after step 32; resuming from the snapshot at step 24 on a new device$/,
    );
    expect(events[3]).toMatchObject({ redo: 8 });
    expect(reports).toEqual([4, 8, 12, 16, 20, 24, 28, 28, 32, 36, 40]);
    expect(total.steps).toBe(28 + 16); // every report: steps 25..28 were reported twice
    expect(made).toHaveLength(2);
    expect(trainer.backend).toBe(made[1]);
    expect(trainer.totalSteps).toBe(40);
    expect(await trainer.getParameters()).toEqual(await uninterrupted(40));
  });

  it('gives up with DeviceLostError (carrying the last snapshot) when no new backend can be made', async () => {
    const { made, create, lose } = factory();
    let failing = false;
    const trainer = await Trainer.create({
      spec: tinySpec(),
      dataset: data,
      createBackend: (d) => {
        if (failing) throw new Error('no adapter');
        return create(d);
      },
      ...options,
    });
    const resilient = new ResilientTrainer(trainer, { snapshotEvery: 5 });
    const run = resilient.trainSteps(
      20,
      (p) => {
        if (p.totalSteps === 12) {
          failing = true;
          lose(0);
        }
      },
      4,
    );
    await expect(run).rejects.toThrow(
      /after step 16, and no new backend could be made \(no adapter\); restore the last snapshot \(step 8\) on the CPU backend/,
    );
    await expect(run).rejects.toBeInstanceOf(DeviceLostError);
    const error = (await run.catch((e: unknown) => e)) as DeviceLostError;
    expect(error.snapshot?.step).toBe(8);
    expect(made).toHaveLength(1);
  });

  it('stops after maxRecoveries losses, and passes other errors through', async () => {
    const { made, create, lose } = factory();
    const trainer = await Trainer.create({
      spec: tinySpec(),
      dataset: data,
      createBackend: create,
      ...options,
    });
    const resilient = new ResilientTrainer(trainer, { snapshotEvery: 4, maxRecoveries: 2 });
    const run = resilient.trainSteps(30, () => lose(made.length - 1), 4);
    await expect(run).rejects.toThrow(
      /after step 8: 3 losses in this run, more than maxRecoveries \(2\), so training stops; restore the last snapshot \(step 0\)/,
    );
    expect(made).toHaveLength(3);

    const other = await Trainer.create({
      spec: tinySpec(),
      dataset: data,
      createBackend: create,
      ...options,
    });
    other.backend.takeMetrics = () => Promise.reject(new Error('a bug, not a lost device'));
    await expect(new ResilientTrainer(other).trainSteps(4)).rejects.toThrow('a bug, not a lost device');
  });
});
