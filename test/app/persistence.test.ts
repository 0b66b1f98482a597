// RunPersistence with a fake trainer (snapshots that resolve when the test says) and an in-memory
// store: a snapshot taken ahead of the reports is saved with the curves at its own step, one save
// at a time (a pause during one saves once more afterwards), periodic saves follow the schedule,
// a snapshot with non-finite values is neither kept nor written, a pause with nothing new writes
// nothing, and pointBefore() skips snapshots a NaN makes suspect; snapshotIsFinite finds NaN, +Inf
// and -Inf anywhere in the parameters or any optimizer slot, and passes extreme finite values.
import { describe, expect, it } from 'vitest';
import { RunPersistence, snapshotIsFinite, type PersistenceHost } from '../../src/app/persistence.ts';
import { RunHistory } from '../../src/app/run-history.ts';
import type { SaveStatus } from '../../src/app/session-state.ts';
import { defaultConfig } from '../../src/app/url-state.ts';
import { decodeCheckpoint } from '../../src/model/checkpoint.ts';
import type { Trainer, TrainerSnapshot } from '../../src/model/trainer.ts';
import { sampleCheckpoint } from './sample-checkpoint.ts';
import { MemoryStore } from './session-fakes.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A trainer whose snapshots wait for release(); `totalSteps` is what the test submitted. */
class FakeTrainer {
  totalSteps = 0;
  poison = false;
  readonly pending: { step: number; release: () => void }[] = [];
  snapshot(): Promise<TrainerSnapshot> {
    const step = this.totalSteps;
    const data = { ...sampleCheckpoint(step), epoch: 0, stepInEpoch: step };
    if (this.poison) data.parameters = data.parameters.map((v, i) => (i === 3 ? NaN : v));
    return new Promise((resolve) => this.pending.push({ step, release: () => resolve(data) }));
  }
}

function setup() {
  const trainer = new FakeTrainer();
  const history = new RunHistory({ trainCount: 100, examplesPerPoint: 1 });
  const store = new MemoryStore();
  const status: SaveStatus[] = [];
  let now = 0;
  let training = true;
  const host: PersistenceHost = {
    trainer: () => trainer as unknown as Trainer,
    history: () => history,
    config: () => defaultConfig(),
    training: () => training,
    exclusive: async (work) => work(),
    status: (s) => status.push(s),
    failed: () => undefined,
  };
  const persistence = new RunPersistence(host, store, {
    schedule: { intervalMs: 1000, maxSteps: 1e9 },
    now: () => now,
    wallClock: () => 1_700_000_000_000,
  });
  /** The loop reports `steps` more steps at `at` ms. */
  const report = (steps: number, at: number) => {
    now = at;
    history.addTraining({ steps, examples: steps * 4, lossSum: steps * 2, correct: steps }, at);
    persistence.recorded();
  };
  const stop = () => (training = false);
  return { trainer, history, store, status, persistence, report, stop };
}

describe('RunPersistence', () => {
  it('saves a snapshot with the curves of its own step, one at a time, as the schedule says', async () => {
    const { trainer, store, status, persistence, report } = setup();
    persistence.trainingStarted();
    trainer.totalSteps = 10; // submitted ahead of the reports
    report(4, 999);
    expect(trainer.pending).toHaveLength(0);
    report(2, 1000); // 1 s of training: due
    expect(trainer.pending.map((p) => p.step)).toEqual([10]);
    trainer.pending[0].release();
    await tick();
    expect(store.data.size).toBe(0); // read back, but the curves are at 6 only
    trainer.totalSteps = 14;
    report(4, 2500); // 10: the snapshot gets its curves; a save is due but one is in flight
    expect(trainer.pending).toHaveLength(1);
    await tick();
    await tick();
    const record = store.data.get('current-run') as { history: { steps: number }; checkpoint: Uint8Array };
    expect(record.history.steps).toBe(10);
    expect(decodeCheckpoint(record.checkpoint).step).toBe(10);
    expect(status.at(-1)).toEqual({ enabled: true, savedStep: 10, savedAt: 1_700_000_000_000, error: null });
    expect(persistence.lastPoint?.snapshot.step).toBe(10);
  });

  it('saves once more after the one in flight when training pauses, and not again with nothing new', async () => {
    const { trainer, store, persistence, report, stop } = setup();
    persistence.trainingStarted();
    trainer.totalSteps = 6;
    report(6, 1000);
    expect(trainer.pending).toHaveLength(1);
    trainer.totalSteps = 9;
    report(3, 1100);
    stop();
    persistence.trainingStopped();
    persistence.saveNow();
    persistence.saveNow();
    expect(trainer.pending).toHaveLength(1);
    trainer.pending[0].release();
    await tick();
    await tick();
    expect(trainer.pending.map((p) => p.step)).toEqual([6, 9]);
    trainer.pending[1].release();
    await tick();
    await tick();
    expect(
      decodeCheckpoint((store.data.get('current-run') as { checkpoint: Uint8Array }).checkpoint).step,
    ).toBe(9);
    persistence.saveNow(); // paused at 9, saved at 9: nothing to do
    await tick();
    expect(trainer.pending).toHaveLength(2);
  });

  it('keeps and writes no snapshot with non-finite values, and pointBefore skips suspect ones', async () => {
    const { trainer, store, persistence, report, stop } = setup();
    stop();
    for (const step of [3, 7]) {
      trainer.totalSteps = step;
      report(step - (step === 3 ? 0 : 3), step);
      persistence.saveNow();
      trainer.pending.at(-1)!.release();
      await tick();
      await tick();
    }
    expect([persistence.pointBefore(8)?.snapshot.step, persistence.pointBefore(7)?.snapshot.step]).toEqual([
      7, 3,
    ]);
    expect(persistence.pointBefore(3)).toBeNull();
    trainer.poison = true;
    trainer.totalSteps = 9;
    report(2, 9);
    persistence.saveNow();
    trainer.pending.at(-1)!.release();
    await tick();
    await tick();
    expect(persistence.lastPoint?.snapshot.step).toBe(7);
    expect(
      decodeCheckpoint((store.data.get('current-run') as { checkpoint: Uint8Array }).checkpoint).step,
    ).toBe(7);
  });
});

describe('snapshotIsFinite', () => {
  const snapshot = (): TrainerSnapshot => {
    const data = { ...sampleCheckpoint(5), epoch: 0, stepInEpoch: 5 };
    const [velocity] = data.optimizerState.slots;
    data.optimizerState = { ...data.optimizerState, slots: [velocity, velocity.map((v) => -v)] };
    return data;
  };

  it('passes finite values, extreme ones included', () => {
    const s = snapshot();
    s.parameters[0] = 3.4028234663852886e38; // the largest float32
    s.parameters[1] = -3.4028234663852886e38;
    s.parameters[2] = 1e-45; // a denormal
    s.parameters[3] = -0;
    expect(snapshotIsFinite(s)).toBe(true);
  });

  it('finds NaN, +Inf and -Inf at either end of the parameters and of every slot', () => {
    const length = snapshot().parameters.length;
    expect(length).toBeGreaterThan(2);
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const where of [0, 1, 2]) {
        for (const at of [0, length - 1]) {
          const s = snapshot();
          const values = where === 0 ? s.parameters : s.optimizerState.slots[where - 1];
          values[at] = bad;
          expect(snapshotIsFinite(s), `${bad} at ${at} of array ${where}`).toBe(false);
        }
      }
    }
  });
});
