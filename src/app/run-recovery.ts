// The run's safety net, between the run (run-control.ts) and the session (session.ts): it owns the
// page's GPU device (gpu-keeper.ts) and the run's snapshots and autosave (persistence.ts), and
// puts a run back at a snapshot with its curves. When the GPU device in use is lost it says so and
// resumes from the last snapshot on a new device (the steps after it are trained again, so nothing
// else is lost), or on the CPU backend when no device can be opened; a CPU worker that dies is
// replaced the same way. When the loss stops being
// finite it names the first layer that went bad (Trainer.nonFiniteLossError, a replay from the
// last snapshot) and offers to restore that snapshot. No DOM.

import { diagnoseNonFiniteLoss } from '../model/diagnose.ts';
import type { BackendLostInfo } from '../model/backend.ts';
import { lostWithin } from '../model/resilient-trainer.ts';
import type { BackendFactory, Trainer, TrainerSnapshot } from '../model/trainer.ts';
import { createGpu } from '../runtime/device.ts';
import type { Gpu, GpuLostInfo } from '../runtime/gpu.ts';
import { adapterName, backendFactory, isSoftwareAdapter } from './backends.ts';
import { GpuKeeper } from './gpu-keeper.ts';
import { indexedDbStore } from './idb-store.ts';
import { historyOf, RunPersistence, type RestorePoint } from './persistence.ts';
import { message, RunControl } from './run-control.ts';
import type { GpuStatus, SessionOptions } from './session-state.ts';
import type { RunConfig } from './url-state.ts';

/** Whether `trainer`'s device is reported lost soon after a failed read (which often comes first). */
async function deviceWasLost(trainer: Trainer): Promise<boolean> {
  return (await lostWithin(trainer.backend)) !== null;
}

/** What resuming at snapshot step `from` after reaching step `reached` costs, for a notice. */
function redone(reached: number, from: number): string {
  return reached > from ? `the ${reached - from} steps after it are trained again` : 'nothing is lost';
}

export function readyStatus(gpu: Gpu): GpuStatus {
  return { state: 'ready', adapter: adapterName(gpu), software: isSoftwareAdapter(gpu) };
}

export abstract class RecoveringRun extends RunControl {
  protected readonly gpus: GpuKeeper;
  protected readonly persistence: RunPersistence;
  /** The snapshot the NaN notice offers to restore. */
  private beforeNaN: RestorePoint | null = null;

  constructor(config: RunConfig, options: SessionOptions = {}) {
    super(config, options);
    this.gpus = new GpuKeeper(options.createGpu ?? createGpu, (info) => void this.deviceLost(info));
    const store =
      options.autosaveStore !== undefined
        ? options.autosaveStore
        : typeof indexedDB === 'undefined'
          ? null
          : indexedDbStore();
    this.persistence = new RunPersistence(
      {
        trainer: () => this.trainerNow,
        history: () => this.history,
        config: () => this.current.config,
        training: () => this.current.phase === 'training',
        exclusive: (work) => this.exclusive(work),
        status: (saves) => this.set({ saves }),
        failed: (text) => this.notice(text, { tone: 'error', key: 'autosave' }),
      },
      store,
      { schedule: options.saveSchedule, now: this.now, wallClock: options.wallClock },
    );
  }

  get gpu(): Gpu | null {
    return this.gpus.current;
  }
  /** GPU devices opened so far (1 after start, +1 per lost device replaced). */
  get gpuDevicesOpened(): number {
    return this.gpus.opened;
  }

  protected backends(config: RunConfig): BackendFactory {
    const make = this.options.makeBackends ?? backendFactory;
    // The device is looked up as each backend is made: after a lost device, the new one.
    return (description) => make(config.backend, this.gpus.current, config.spec, config.seed)(description);
  }

  /** A fresh run's start is the first point a lost device or a NaN can go back to. */
  protected override async onRunBuilt(trainer: Trainer): Promise<void> {
    const snapshot = await trainer.snapshot();
    this.persistence.begin({ snapshot, history: null, config: this.current.config, savedAt: null }, false);
  }
  protected override onTrainingStarted(): void {
    this.persistence.trainingStarted();
  }
  protected override onRecorded(): void {
    this.persistence.recorded();
  }
  protected override onSettingsChanged(trainer: Trainer, snapshot: Promise<TrainerSnapshot>): void {
    this.persistence.remember(trainer, snapshot);
  }
  protected override onSettled(): void {
    this.persistence.trainingStopped();
    this.persistence.saveNow();
  }

  protected override async evaluationFailed(text: string): Promise<void> {
    const trainer = this.trainerNow;
    if (!trainer || !(await deviceWasLost(trainer))) super.evaluationFailed(text);
  }

  protected override async onLoopError(error: unknown): Promise<void> {
    const trainer = this.trainerNow;
    // A lost backend fails the metrics read, often before `lost` resolves. A lost GPU device is
    // reported by the keeper (deviceLost() resumes then); a CPU worker that died has no keeper.
    const lost = trainer ? await lostWithin(trainer.backend) : null;
    if (!trainer || !lost) return super.onLoopError(error);
    if (trainer.backend.kind === 'cpu') await this.workerLost(trainer, lost);
  }

  /** The CPU worker died (a crash, out of memory): the run resumes from the last snapshot in a new one. */
  private async workerLost(trainer: Trainer, info: BackendLostInfo): Promise<void> {
    const point = this.persistence.lastPoint;
    const reached = this.history.totalSteps;
    const stopped = `Training stopped at step ${reached}: ${info.message}`;
    this.loop = null;
    if (!point) {
      this.set({ phase: 'ready' });
      this.notice(`${stopped}; there is no snapshot to resume from: press Reset.`, {
        key: 'device',
        tone: 'error',
      });
      return;
    }
    const from = point.snapshot.step;
    this.set({ phase: 'stopping' });
    this.notice(`${stopped}; resuming from the snapshot at step ${from} in a new worker…`, { key: 'device' });
    try {
      await this.restoreRun(trainer, point); // the backend is lost, so restore() makes a new worker
    } catch (error) {
      this.set({ phase: 'ready' });
      const text = `${stopped}, and a new worker could not take the run over (${message(error)}); reload the page to resume from the last autosave.`;
      this.notice(text, { key: 'device', tone: 'error' });
      return;
    }
    this.persistence.begin(point, false);
    this.notice(
      `${stopped}. Resumed from the snapshot at step ${from} in a new worker; ${redone(reached, from)}.`,
      {
        key: 'device',
      },
    );
    this.train();
  }

  /**
   * Puts `trainer` (the current one) back at `point` with its curves; the optimizer settings and
   * batch shown now apply from there. Throws CheckpointError, changing nothing, when it does not fit.
   */
  protected async restoreRun(trainer: Trainer, point: RestorePoint): Promise<void> {
    const generation = ++this.generation;
    await this.exclusive(async () => {
      await trainer.restore(point.snapshot);
      const config = this.current.config;
      trainer.setOptimizer(config.optimizer);
      if (trainer.batch !== config.batch) {
        await trainer.setBatchSize(config.batch).catch(() => this.updateConfig({ batch: trainer.batch }));
      }
    });
    if (generation !== this.generation || trainer !== this.trainerNow) return;
    this.history = historyOf(point, trainer.dataset.train.count);
    this.evaluator.reset();
    this.publishRun(trainer);
  }

  /** Names the first layer that went bad (a replay from the last snapshot) and offers to go back to it. */
  protected async onNonFinite(lastFinite: number, loss: number): Promise<void> {
    const trainer = this.trainerNow as Trainer;
    const generation = this.generation;
    const step = trainer.totalSteps;
    const head = `The loss became ${loss} by step ${step}: training paused`;
    this.notice(`${head}; looking for the first layer that went bad…`, { tone: 'error', key: 'nan' });
    let text: string;
    try {
      // As Trainer.nonFiniteLossError, but replaying from the session's newest good snapshot at or
      // before the last finite step: the trainer's own latest one may have been taken ahead of the
      // reports, after the loss went bad.
      const from = this.persistence.pointBefore(lastFinite + 1)?.snapshot ?? null;
      const diagnosis = await this.exclusive(() => diagnoseNonFiniteLoss(trainer, from, lastFinite));
      text = `The loss became ${loss} by step ${step} (epoch ${trainer.epoch + 1}): ${diagnosis.message}`;
    } catch (error) {
      text = `${head} (the layer could not be found: ${message(error)}); lower the learning rate or restore the last snapshot`;
    }
    if (generation !== this.generation) return;
    const point = this.persistence.pointBefore(lastFinite);
    this.beforeNaN = point;
    const label = `Restore step ${point?.snapshot.step}`;
    const actions = point ? [{ action: 'restore-snapshot' as const, label }] : [];
    this.notice(`${text}.`, { tone: 'error', key: 'nan', actions });
    this.set({ phase: 'ready' });
  }

  /** Back to the last good snapshot (after a NaN): its parameters, position and curves. */
  protected async restoreLastSnapshot(): Promise<void> {
    const trainer = this.trainerNow;
    const point = this.beforeNaN;
    if (!trainer || !point || this.current.phase !== 'ready') return;
    await this.restoreRun(trainer, point);
    this.dropNotices(['nan']);
    this.persistence.begin(point, point.savedAt !== null);
    this.persistence.saveNow(); // a reload now comes back here, with the settings shown
  }

  /** The GPU device in use was lost: a run on it resumes from the last snapshot, training again if it was. */
  private async deviceLost(info: GpuLostInfo): Promise<void> {
    const trainer = this.trainerNow;
    const why = info.message ? `${info.reason}: ${info.message}` : info.reason;
    const point = this.persistence.lastPoint;
    if (!trainer || trainer.backend.kind !== 'gpu' || !point) return this.reopenQuietly(why);
    const wasTraining = this.current.phase === 'training' || this.current.phase === 'stopping';
    const reached = this.history.totalSteps;
    const lost = `The GPU device was lost (${why}) at step ${reached}`;
    const from = point.snapshot.step;
    this.generation++;
    void this.loop?.stop(); // its reads fail with the device; nothing of it is reported
    this.loop = null;
    this.set({ phase: 'stopping' });
    this.notice(`${lost}; resuming from the snapshot at step ${from} on a new device…`, { key: 'device' });
    try {
      this.set({ gpu: readyStatus(await this.gpus.reopen()) });
      await trainer.backend.lost; // the trainer has seen it: restore() makes a backend on the new device
      await this.restoreRun(trainer, point);
    } catch (error) {
      return this.continueOnCpu(lost, point, message(error));
    }
    this.persistence.begin(point, false);
    this.notice(
      `${lost}. Resumed from the snapshot at step ${from} on a new device; ${redone(reached, from)}.`,
      {
        key: 'device',
      },
    );
    if (wasTraining) this.train();
  }

  private async continueOnCpu(lost: string, point: RestorePoint, why: string): Promise<void> {
    const failed = `${lost}, and no new device could be opened (${why})`;
    this.set({ gpu: { state: 'lost', message: `${failed}.` } });
    this.updateConfig({ backend: 'cpu' });
    const trainer = await this.rebuild();
    const restored =
      trainer &&
      (await this.restoreRun(trainer, point).then(
        () => true,
        () => false,
      ));
    if (restored) this.persistence.begin(point, false);
    const at = `step ${trainer?.totalSteps ?? 0}`;
    this.notice(`${failed}: the run goes on from ${at} on the CPU backend.`, {
      key: 'device',
      tone: 'error',
    });
  }

  private async reopenQuietly(why: string): Promise<void> {
    try {
      this.set({ gpu: readyStatus(await this.gpus.reopen()) });
    } catch (error) {
      this.set({ gpu: { state: 'lost', message: `The GPU device was lost (${why}): ${message(error)}` } });
    }
  }
}
