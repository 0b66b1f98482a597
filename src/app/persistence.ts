// The run's saves. A snapshot of the trainer (parameters, optimizer state, position) with the
// curves and the configuration at the same step is taken every ~10 s of training
// (autosave-policy.ts) and when training pauses; it is kept in memory as the point a lost device
// or a NaN goes back to, and written to IndexedDB (autosave.ts) so a reload resumes the run.
// Snapshots read back while training goes on (the lock is held only to start one) and at most one
// is in flight. Also the .convscope bytes of the current run for a download. Not which save to
// restore (autosave-policy.ts, session.ts) and no DOM.

import type { Checkpoint } from '../model/checkpoint.ts';
import type { Trainer, TrainerSnapshot } from '../model/trainer.ts';
import { Autosaver, type AutosaveLoad } from './autosave.ts';
import { SaveScheduler, type SaveSchedulerOptions } from './autosave-policy.ts';
import { checkpointEncoder, type EncodeCheckpoint } from './checkpoint-encoder.ts';
import { checkpointFileName } from './checkpoint-files.ts';
import type { KeyValueStore } from './idb-store.ts';
import { RunHistory, type RunHistoryData } from './run-history.ts';
import type { SaveStatus } from './session-state.ts';
import { encodeSpec } from './spec-codec.ts';
import { configToQuery, type RunConfig } from './url-state.ts';

/** A point a run can go back to: where a reload, a lost device or a NaN resumes from. */
export interface RestorePoint {
  /** A checkpoint (from a file or an autosave) or a snapshot. */
  snapshot: TrainerSnapshot;
  /** The curves at the snapshot's step; null when unknown (an opened file). */
  history: RunHistoryData | null;
  config: RunConfig;
  /** When it was written to storage (Date.now()); null when it is only in memory. */
  savedAt: number | null;
}

export interface PersistenceHost {
  trainer(): Trainer | null;
  history(): RunHistory;
  config(): RunConfig;
  training(): boolean;
  /** Runs `work` between training steps (the session's lock); only a snapshot's start waits for it. */
  exclusive<T>(work: () => T): Promise<T>;
  status(status: SaveStatus): void;
  /** A save could not be written (storage full, ...): the run goes on. */
  failed(message: string): void;
}

export interface PersistenceOptions {
  schedule?: SaveSchedulerOptions;
  /** Default: in a worker where there are module workers (no long task for a big network). */
  encode?: EncodeCheckpoint;
  now?: () => number;
  wallClock?: () => number;
}

/** The checkpoint part of a snapshot (the file holds no learning-rate schedule). */
export function checkpointOf(snapshot: TrainerSnapshot): Checkpoint {
  const { schedule: _, ...checkpoint } = snapshot;
  return checkpoint;
}

/** The curves of `point`, or empty curves at its step when it has none that fit. */
export function historyOf(point: RestorePoint, trainCount: number): RunHistory {
  const { step, batch } = point.snapshot;
  try {
    if (point.history?.steps === step) return RunHistory.fromData({ trainCount }, point.history);
  } catch {
    // An older or damaged save: the run resumes without its curves.
  }
  return RunHistory.startingAt({ trainCount }, step, step * batch);
}

/**
 * Whether every parameter and optimizer value of `snapshot` is finite. Three scans by the engine's
 * own `includes` (SameValueZero finds NaN) rather than a loop in JS: this runs on the page once
 * per snapshot (lenet5 with momentum: ~185k values), too rarely for V8 to have optimised a loop,
 * which then took 6-18 ms there against ~1.2 ms for the scans (Node 20, this machine).
 */
export function snapshotIsFinite(snapshot: TrainerSnapshot): boolean {
  return [snapshot.parameters, ...snapshot.optimizerState.slots].every(
    (values) => !values.includes(NaN) && !values.includes(Infinity) && !values.includes(-Infinity),
  );
}

/** Starts `trainer.snapshot()` between steps; its read-back does not hold the lock. */
async function snapshotOf(host: PersistenceHost, trainer: Trainer): Promise<TrainerSnapshot> {
  const { pending } = await host.exclusive(() => ({ pending: trainer.snapshot() }));
  return pending;
}

export class RunPersistence {
  private readonly saver: Autosaver<RunConfig, RunHistoryData> | null;
  private readonly scheduler: SaveScheduler;
  private readonly now: () => number;
  private readonly wallClock: () => number;
  private readonly encode: EncodeCheckpoint;
  /** The latest good snapshots by step, newest last (a NaN may make the newest one suspect). */
  private points: RestorePoint[] = [];
  private again = false;
  /** Snapshots waiting for the curves to reach their step. */
  private waiting: { step: number; resolve: (data: RunHistoryData | null) => void }[] = [];
  /** What the last written save holds, so a pause with nothing new writes nothing. */
  private written: { trainer: Trainer; step: number; query: string } | null = null;
  private state: SaveStatus;

  constructor(
    private readonly host: PersistenceHost,
    store: KeyValueStore | null,
    options: PersistenceOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.wallClock = options.wallClock ?? Date.now;
    this.encode = options.encode ?? checkpointEncoder();
    this.scheduler = new SaveScheduler(options.schedule);
    this.saver = store ? new Autosaver(store, { now: this.wallClock }) : null;
    this.state = { enabled: store !== null, savedStep: null, savedAt: null, error: null };
    host.status(this.state);
  }

  /** The latest good snapshot (finite parameters), saved or not. */
  get lastPoint(): RestorePoint | null {
    return this.points.at(-1) ?? null;
  }

  /**
   * The latest snapshot before `step`. After a NaN, with `step` the last step whose loss was
   * finite: a snapshot at or after it has finite parameters that already give a non-finite loss.
   */
  pointBefore(step: number): RestorePoint | null {
    return [...this.points].reverse().find((p) => p.snapshot.step < step) ?? null;
  }

  /** True while a snapshot is being taken or written. */
  get busy(): boolean {
    return this.scheduler.inFlight;
  }

  /** The saved run (never throws; 'empty' without storage). */
  load(): Promise<AutosaveLoad<RunConfig, RunHistoryData>> {
    return this.saver ? this.saver.load() : Promise.resolve({ status: 'empty' });
  }

  /** Forgets the saved run (Start fresh, Reset, a new configuration). */
  async clear(): Promise<void> {
    this.written = null;
    this.update({ savedStep: null, savedAt: null });
    await this.saver?.clear();
  }

  /** The run now starts from `point` (a fresh run's first snapshot, or a restore); `written`: it is the saved one. */
  begin(point: RestorePoint, written: boolean): void {
    this.points = [point];
    this.settle(() => true);
    this.scheduler.reset(point.snapshot.step);
    const trainer = this.host.trainer();
    if (written && trainer && point.savedAt !== null) {
      this.written = { trainer, step: point.snapshot.step, query: configToQuery(point.config) };
      this.update({ savedStep: point.snapshot.step, savedAt: point.savedAt, error: null });
    }
  }

  trainingStarted(): void {
    this.scheduler.resume(this.now(), this.host.trainer()?.totalSteps ?? 0);
  }

  /** Training stopped with every report in: a snapshot whose step the curves never reached is dropped. */
  trainingStopped(): void {
    const steps = this.host.history().totalSteps;
    this.settle((step) => step !== steps);
  }

  /** After the curves recorded a chunk: hands a waiting snapshot its curves, starts one when due. */
  recorded(): void {
    const steps = this.host.history().totalSteps;
    // Past a step without stopping on it (merged metrics after a batch change): skip that one.
    const past = this.waiting.filter((w) => w.step < steps);
    const now = this.waiting.filter((w) => w.step === steps);
    this.waiting = this.waiting.filter((w) => w.step > steps);
    past.forEach((w) => w.resolve(null));
    if (now.length > 0) {
      const data = this.host.history().toData();
      now.forEach((w) => w.resolve(data));
    }
    const trainer = this.host.trainer();
    if (trainer && this.host.training() && this.scheduler.due(this.now(), trainer.totalSteps)) this.start();
  }

  /** Saves now (pause, a step, a restore), after the save in flight if there is one. */
  saveNow(): void {
    if (this.scheduler.inFlight) this.again = true;
    else this.start();
  }

  /** The current run as .convscope bytes and a file name saying what and how far. */
  async checkpointFile(datasetName: string): Promise<{ bytes: Uint8Array; fileName: string }> {
    const trainer = this.host.trainer();
    if (!trainer) throw new Error('there is no run to download yet');
    const checkpoint = checkpointOf(await snapshotOf(this.host, trainer));
    const { spec, step } = checkpoint;
    const named = { spec: { ...spec, name: spec.name ?? encodeSpec(spec) }, step }; // "c5x3r.m2.k10"
    return { bytes: await this.encode(checkpoint), fileName: checkpointFileName(named, datasetName) };
  }

  private start(): void {
    const trainer = this.host.trainer();
    if (!trainer) return;
    this.scheduler.begin(this.now(), trainer.totalSteps, this.host.training());
    void this.save(trainer).finally(() => {
      this.scheduler.end();
      if (this.again) {
        this.again = false;
        this.saveNow();
      }
    });
  }

  private async save(trainer: Trainer): Promise<void> {
    const query = configToQuery(this.host.config());
    const w = this.written;
    if (w && w.trainer === trainer && w.step === trainer.totalSteps && w.query === query) return;
    let snapshot: TrainerSnapshot;
    try {
      snapshot = await snapshotOf(this.host, trainer);
    } catch {
      return; // its device was lost or the run replaced meanwhile: the session deals with that
    }
    const point = await this.keep(trainer, snapshot);
    if (!point || !this.saver) return;
    const { config, history } = point as RestorePoint & { history: RunHistoryData };
    let bytes: Uint8Array;
    try {
      bytes = await this.encode(checkpointOf(snapshot));
    } catch (error) {
      this.update({ error: `Autosave failed: ${(error as Error).message}` });
      return;
    }
    const outcome = await this.saver.save(() => ({ checkpoint: bytes, config, history }));
    if (outcome.status === 'saved') {
      point.savedAt = this.wallClock();
      this.written = { trainer, step: snapshot.step, query: configToQuery(config) };
      this.update({ savedStep: snapshot.step, savedAt: point.savedAt, error: null });
    } else if (outcome.status === 'failed') {
      this.update({ error: outcome.message });
      this.host.failed(outcome.message);
    }
  }

  /**
   * Keeps a snapshot taken right now (`trainer.snapshot()`, e.g. as the settings change, before a
   * step trains with them) as a point to go back to, in memory only.
   */
  remember(trainer: Trainer, taking: Promise<TrainerSnapshot>): void {
    void taking.then(
      (snapshot) => this.keep(trainer, snapshot),
      () => undefined,
    );
  }

  /** `snapshot` with the curves at its step among the points, if it is good (finite) and current. */
  private async keep(trainer: Trainer, snapshot: TrainerSnapshot): Promise<RestorePoint | null> {
    const history = await this.historyAt(snapshot.step);
    if (!history || this.host.trainer() !== trainer || !snapshotIsFinite(snapshot)) return null;
    const point: RestorePoint = {
      snapshot,
      history,
      config: structuredClone(this.host.config()),
      savedAt: null,
    };
    const byStep = [...this.points.filter((p) => p.snapshot.step !== snapshot.step), point];
    this.points = byStep.sort((a, b) => a.snapshot.step - b.snapshot.step).slice(-3);
    return point;
  }

  private settle(drop: (step: number) => boolean): void {
    const dropped = this.waiting.filter((w) => drop(w.step));
    this.waiting = this.waiting.filter((w) => !drop(w.step));
    dropped.forEach((w) => w.resolve(null));
  }

  /** The curves once they count exactly `step` steps (the snapshot was taken ahead of the reports). */
  private historyAt(step: number): Promise<RunHistoryData | null> {
    const history = this.host.history();
    if (history.totalSteps === step) return Promise.resolve(history.toData());
    if (history.totalSteps > step) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.push({ step, resolve }));
  }

  private update(changes: Partial<SaveStatus>): void {
    this.state = { ...this.state, ...changes };
    this.host.status(this.state);
  }
}
