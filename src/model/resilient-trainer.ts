// Training that survives a lost GPU device: a Trainer driven in reports (trainer-loop.ts) with a
// snapshot started every `snapshotEvery` steps after a finite report (read back while training
// goes on, at most one in flight), and, when the backend's device is lost, a report of it and a
// restore of the last snapshot onto a new backend from the trainer's factory (which must open a
// new device: resilient-gpu.ts). The steps after that snapshot are trained again, so the run is
// the one it would have been. Not the stepping (trainer.ts) and not device creation.

import type { Backend, BackendLostInfo, StepMetrics } from './backend.ts';
import type { Trainer, TrainerProgress, TrainerSnapshot } from './trainer.ts';
import { trainInReports, untilEpochs, type ReportEvery, type ReportLoop } from './trainer-loop.ts';

export type ResilienceEvent =
  | { kind: 'snapshot'; step: number }
  | { kind: 'device-lost'; step: number; resumeFrom: number; reason: string; message: string }
  | { kind: 'resumed'; step: number; redo: number; message: string };

export interface ResilientTrainerOptions {
  /** Steps between snapshots (default 200). */
  snapshotEvery?: number;
  /** Lost devices to recover from before giving up (default 3). */
  maxRecoveries?: number;
  onEvent?: (event: ResilienceEvent) => void;
}

/** The device was lost and training could not go on; `snapshot` is the last one taken, if any. */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
  constructor(
    message: string,
    readonly snapshot: TrainerSnapshot | null,
  ) {
    super(message);
  }
}

/** How long an error from a backend call may come before `lost` resolves and still count as the loss. */
export const LOSS_GRACE_MS = 2000;

/**
 * The loss of `backend`'s device if it is reported within `ms` (default LOSS_GRACE_MS), else null.
 * A failed read often comes before WebGPU resolves `lost`: ask this before calling it a bug.
 */
export function lostWithin(backend: Backend, ms = LOSS_GRACE_MS): Promise<BackendLostInfo | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  return Promise.race([backend.lost, late]).finally(() => clearTimeout(timer));
}

export class ResilientTrainer {
  private last: TrainerSnapshot | null = null;
  /** The snapshot reading back, if any (at most one). */
  private inFlight: Promise<void> | null = null;
  private recoveries = 0;
  private readonly snapshotEvery: number;
  private readonly maxRecoveries: number;

  constructor(
    readonly trainer: Trainer,
    private readonly options: ResilientTrainerOptions = {},
  ) {
    this.snapshotEvery = options.snapshotEvery ?? 200;
    this.maxRecoveries = options.maxRecoveries ?? 3;
    if (!Number.isInteger(this.snapshotEvery) || this.snapshotEvery < 1) {
      throw new Error(`snapshotEvery must be a whole number >= 1, got ${this.snapshotEvery}`);
    }
  }

  /** The latest snapshot read back (the point a lost device resumes from). */
  get lastSnapshot(): TrainerSnapshot | null {
    return this.last;
  }

  /** Resolves once no snapshot is reading back (its staging buffers are gone then). */
  async snapshotSettled(): Promise<void> {
    await this.inFlight;
  }

  /**
   * Trains until trainer.totalSteps is `count` past where it is now (steps trained again after a
   * lost device do not count towards it). Returns the sum of every report, where they count twice.
   */
  trainSteps(
    count: number,
    onProgress?: (p: TrainerProgress) => void,
    reportEvery: ReportEvery = 50,
  ): Promise<StepMetrics> {
    const target = this.trainer.totalSteps + count;
    return this.run({ stepsLeft: () => target - this.trainer.totalSteps, onProgress, reportEvery });
  }

  /** As Trainer.trainEpochs, surviving lost devices. */
  trainEpochs(
    epochs: number,
    onProgress?: (p: TrainerProgress) => void,
    reportEvery: ReportEvery = 50,
  ): Promise<StepMetrics> {
    return this.run({ stepsLeft: untilEpochs(this.trainer, epochs), onProgress, reportEvery });
  }

  private async run(loop: ReportLoop): Promise<StepMetrics> {
    // Somewhere to resume from, taken now: the trainer may have been restored since the last run.
    await this.inFlight;
    this.last = await this.trainer.snapshot();
    return trainInReports(this.trainer, {
      ...loop,
      runChunk: (count) => this.runChunk(count),
      afterReport: () => this.maybeSnapshot(),
    });
  }

  /**
   * Steps and takes the metrics; null after recovering from a lost device (the loop goes on).
   * No race against `lost` per chunk (each would stay attached to it until the device goes):
   * a lost device rejects the metrics read (AbortError, as WebGPU's mapAsync does), and that
   * error is checked here. A read that never settles would hang here.
   */
  private async runChunk(count: number): Promise<StepMetrics | null> {
    const trainer = this.trainer;
    const backend = trainer.backend;
    try {
      if (trainer.backendLost) throw new Error('the device is already lost');
      trainer.step(count);
      return await trainer.takeMetrics();
    } catch (error) {
      const info = await lostWithin(backend);
      if (!info) throw error;
      await this.recover(info);
      return null;
    }
  }

  private async recover(info: BackendLostInfo): Promise<void> {
    const trainer = this.trainer;
    const snapshot = this.last!;
    const step = trainer.totalSteps;
    const what = `The GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''}) after step ${step}`;
    this.recoveries++;
    if (this.recoveries > this.maxRecoveries) {
      throw new DeviceLostError(
        `${what}: ${this.recoveries} losses in this run, more than maxRecoveries (${this.maxRecoveries}), so training stops; restore the last snapshot ` +
          `(step ${snapshot.step}) on the CPU backend or after restarting the browser`,
        snapshot,
      );
    }
    this.emit({
      kind: 'device-lost',
      step,
      resumeFrom: snapshot.step,
      reason: info.reason,
      message: `${what}; resuming from the snapshot at step ${snapshot.step} on a new device`,
    });
    this.inFlight = null; // a snapshot reading from the lost device never arrives
    try {
      await trainer.restore(snapshot);
    } catch (error) {
      throw new DeviceLostError(
        `${what}, and no new backend could be made (${(error as Error).message}); ` +
          `restore the last snapshot (step ${snapshot.step}) on the CPU backend`,
        snapshot,
      );
    }
    const redo = step - snapshot.step;
    const message = `Resumed at step ${snapshot.step} on a new ${trainer.backend.kind} backend; ${redo} steps are trained again`;
    this.emit({ kind: 'resumed', step: snapshot.step, redo, message });
  }

  /** Starts a snapshot when one is due and none is reading back; training does not wait for it. */
  private maybeSnapshot(): void {
    const trainer = this.trainer;
    if (this.inFlight || trainer.totalSteps - (this.last?.step ?? 0) < this.snapshotEvery) return;
    const backend = trainer.backend;
    const reading: Promise<void> = trainer
      .snapshot()
      .then(
        (snapshot) => {
          if (trainer.backend !== backend) return; // from before a recovery
          this.last = snapshot;
          this.emit({ kind: 'snapshot', step: snapshot.step });
        },
        () => undefined, // lost while reading: keep the last one
      )
      .finally(() => {
        if (this.inFlight === reading) this.inFlight = null;
      });
    this.inFlight = reading;
  }

  private emit(event: ResilienceEvent): void {
    this.options.onEvent?.(event);
  }
}
