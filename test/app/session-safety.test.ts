// The session's safety net in Node: a non-finite loss pauses training with a notice naming the
// first bad layer and a button back to the last snapshot (which restores it, curves included); a
// lost GPU device (a fake whose reads fail once destroyed, running the CPU math) is reported and
// the run resumes from the last snapshot on a new device, ending exactly where a run that never
// lost its device ends; without a new device it goes on from the snapshot on the CPU backend; a
// CPU worker that dies is replaced by a new one that resumes from the snapshot.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/app/session.ts';
import { WorkerCpuBackend } from '../../src/app/worker-backend.ts';
import { CpuBackend } from '../../src/model/cpu-backend.ts';
import { Trainer } from '../../src/model/trainer.ts';
import {
  fakeBackends,
  fakeGpu,
  MemoryStore,
  smallDataset,
  smallRunConfig,
  until,
  type FakeGpu,
  type SessionOptions,
} from './session-fakes.ts';
import { InProcessWorker } from './in-process-worker.ts';

const dataset = smallDataset(311, 57);

const config = smallRunConfig;

function noticeText(session: Session, key: string): string {
  return session.state.notices.find((n) => n.key === key)?.text ?? '';
}

/** A session on fake GPUs; `openable` devices can be opened, later opens fail. */
async function gpuSession(openable: number, options: SessionOptions = {}) {
  const gpus: FakeGpu[] = [];
  const session = new Session(config({ backend: 'gpu' }), {
    loadDataset: async () => dataset,
    createGpu: async () => {
      if (gpus.length >= openable) throw new Error('no adapter this time');
      gpus.push(fakeGpu(`Fake GPU ${gpus.length + 1}`));
      return gpus[gpus.length - 1];
    },
    makeBackends: fakeBackends,
    backendChosen: true,
    evalSchedule: { minIntervalMs: 0, initialSubset: 40 },
    autosaveStore: new MemoryStore(),
    saveSchedule: { maxSteps: 10 },
    ...options,
  });
  await session.start();
  return { session, gpus };
}

/** The parameters of the same run trained `steps` steps without interruption. */
async function uninterrupted(steps: number): Promise<Float32Array> {
  const c = config();
  const trainer = await Trainer.create({
    spec: c.spec,
    dataset,
    createBackend: (d) => CpuBackend.create(d, { seed: c.seed }),
    seed: c.seed,
    batch: c.batch,
    optimizer: c.optimizer,
  });
  trainer.step(steps);
  return trainer.getParameters();
}

describe('Session: a non-finite loss', () => {
  it('pauses, names the first bad layer, and restores the last snapshot on request', async () => {
    const session = new Session(config(), {
      loadDataset: async () => dataset,
      createGpu: async () => {
        throw new Error('no WebGPU here');
      },
      autosaveStore: null,
    });
    await session.start();
    for (let i = 0; i < 6; i++) await session.stepOnce();
    const curves = session.history.toData();
    expect(session.setOptimizer({ learningRate: 1e30 })).toBeNull();
    session.train();
    await until(session, () => session.state.phase === 'ready' && noticeText(session, 'nan').endsWith('.'));
    const nan = session.state.notices.find((n) => n.key === 'nan')!;
    expect(nan.text).toMatch(
      /^The loss became (NaN|Infinity) by step \d+ \(epoch 1\): layer \d \((conv 3x3 x4 relu|max pool 2x2|fc 12 relu|classify 10)\): .*; lower the learning rate or restore the last snapshot\.$/,
    );
    expect(nan.tone).toBe('error');
    expect(nan.actions).toEqual([{ action: 'restore-snapshot', label: 'Restore step 6' }]);
    expect(session.trainer!.totalSteps).toBe(session.history.totalSteps); // left as it stopped

    expect(session.setOptimizer({ learningRate: 0.02 })).toBeNull();
    await session.noticeAction(session.state.notices.indexOf(nan), 'restore-snapshot');
    expect([session.trainer!.totalSteps, session.state.progress.totalSteps]).toEqual([6, 6]);
    expect(session.history.toData()).toEqual(curves);
    expect((await session.trainer!.getParameters()).every(Number.isFinite)).toBe(true);
    expect(session.trainer!.optimizer.learningRate).toBe(0.02); // the rate shown now applies
    expect(noticeText(session, 'nan')).toBe('');
    await session.stepOnce();
    expect(Number.isFinite(session.history.train.at(-1)!.loss)).toBe(true);
    await session.destroy();
  });
});

describe('Session: a lost GPU device', () => {
  it('reports it and resumes training from the last snapshot on a new device, nothing else lost', async () => {
    const { session, gpus } = await gpuSession(2);
    expect(session.trainer!.backend.kind).toBe('gpu');
    session.train();
    await until(session, () => (session.state.saves.savedStep ?? 0) >= 20);
    gpus[0].destroy();
    await until(session, () => noticeText(session, 'device').includes('Resumed'));
    const [, reached, from, redo] =
      /at step (\d+)\. Resumed from the snapshot at step (\d+) on a new device; the (\d+) steps/
        .exec(noticeText(session, 'device'))!
        .map(Number);
    expect(noticeText(session, 'device')).toMatch(/^The GPU device was lost \(destroyed\) at step \d+\./);
    expect(from).toBeGreaterThanOrEqual(20);
    expect(redo).toBe(reached - from);
    expect([session.gpuDevicesOpened, session.state.gpu]).toEqual([
      2,
      { state: 'ready', adapter: 'Fake GPU 2', software: false },
    ]);
    expect(session.state.phase).toBe('training');
    await until(session, () => session.state.progress.totalSteps >= reached + 15);
    await session.pause();
    const steps = session.trainer!.totalSteps;
    expect(session.history.totalSteps).toBe(steps);
    expect(session.state.notices.filter((n) => n.tone === 'error')).toEqual([]);
    expect(await session.trainer!.getParameters()).toEqual(await uninterrupted(steps));
    await session.destroy();
  });

  it('goes on from the snapshot on the CPU backend when no new device opens', async () => {
    const { session, gpus } = await gpuSession(1);
    for (let i = 0; i < 4; i++) await session.stepOnce();
    await until(session, () => session.state.saves.savedStep === 4);
    gpus[0].device.destroy();
    await until(session, () => noticeText(session, 'device').includes('CPU backend'));
    expect(noticeText(session, 'device')).toBe(
      'The GPU device was lost (destroyed) at step 4, and no new device could be opened (no adapter this time): the run goes on from step 4 on the CPU backend.',
    );
    expect(session.state.gpu.state).toBe('lost');
    expect([
      session.state.config.backend,
      session.trainer!.backend.kind,
      session.trainer!.totalSteps,
    ]).toEqual(['cpu', 'cpu', 4]);
    expect(await session.trainer!.getParameters()).toEqual(await uninterrupted(4));
    await session.destroy();
  });

  it('reopens a device quietly when the run is on the CPU', async () => {
    const { session, gpus } = await gpuSession(2);
    await session.reconfigure({ backend: 'cpu' });
    gpus[0].destroy();
    await until(session, () => session.gpuDevicesOpened === 2);
    expect([session.state.gpu.state, noticeText(session, 'device')]).toEqual(['ready', '']);
    await session.destroy();
  });
});

describe('Session: the CPU worker dies', () => {
  it('reports it and resumes from the last snapshot in a new worker, nothing else lost', async () => {
    const workers: InProcessWorker[] = [];
    const session = new Session(config(), {
      loadDataset: async () => dataset,
      createGpu: async () => {
        throw new Error('no WebGPU here');
      },
      makeBackends: (_kind, _gpu, _spec, seed) => (description) => {
        workers.push(new InProcessWorker());
        return WorkerCpuBackend.create(description, { seed, worker: workers.at(-1) });
      },
      evalSchedule: { minIntervalMs: 0, initialSubset: 40 },
      autosaveStore: new MemoryStore(),
      saveSchedule: { maxSteps: 10 },
    });
    await session.start();
    session.train();
    await until(session, () => (session.state.saves.savedStep ?? 0) >= 20);
    workers[0].crash('out of memory');
    await until(session, () => noticeText(session, 'device').includes('Resumed'));
    const text = noticeText(session, 'device');
    expect(text).toMatch(
      /^Training stopped at step \d+: the CPU worker failed: out of memory\. Resumed from the snapshot at step \d+ in a new worker; (the \d+ steps after it are trained again|nothing is lost)\.$/,
    );
    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);
    expect(session.state.phase).toBe('training');
    const reached = Number(/at step (\d+):/.exec(text)![1]);
    await until(session, () => session.state.progress.totalSteps >= reached + 10);
    await session.pause();
    const steps = session.trainer!.totalSteps;
    expect(session.history.totalSteps).toBe(steps);
    expect(await session.trainer!.getParameters()).toEqual(await uninterrupted(steps));
    await session.destroy();
  });
});
