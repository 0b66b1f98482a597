// Training in reports: steps in chunks of at most `reportEvery` that never cross the end of an
// epoch, the metrics taken after each chunk (which waits for the GPU) and reported, and a stop with
// NonFiniteLossError (naming the layer, diagnose.ts) at the first report whose loss is not finite.
// Shared by Trainer.trainEpochs and ResilientTrainer, which runs its chunks through a hook that
// survives a lost device. Not the stepping itself (Trainer.step).

import type { StepMetrics } from './backend.ts';
import type { Trainer } from './trainer.ts';
import { addMetrics, emptyMetrics } from './trainer-state.ts';

export interface TrainerProgress {
  /** 0-based epoch the last step belonged to. */
  epoch: number;
  /** Steps done in that epoch. */
  stepInEpoch: number;
  stepsPerEpoch: number;
  totalSteps: number;
  /** Metrics of the steps since the previous report. */
  metrics: StepMetrics;
}

export type ReportEvery = number | (() => number);

export interface ReportLoop {
  /** Steps still to train (Infinity: until `done`); the loop ends at 0. */
  stepsLeft(): number;
  onProgress?: (progress: TrainerProgress) => void;
  /** Steps per report: a number, or asked before each chunk (the CLI sizes chunks by time). */
  reportEvery: ReportEvery;
  /**
   * Trains `count` steps and returns their metrics (default: step, then takeMetrics). null: the
   * chunk was lost and the trainer moved back (ResilientTrainer); the loop goes on from there.
   */
  runChunk?: (count: number) => Promise<StepMetrics | null>;
  /** After each finite report (the resilient trainer starts a snapshot here). */
  afterReport?: () => void;
}

/** Counts the steps until `epochs` more epochs are complete (a partly done one counts as the first). */
export function untilEpochs(trainer: Trainer, epochs: number): () => number {
  const target = trainer.completedEpochs + epochs;
  return () => (trainer.completedEpochs < target ? Infinity : 0);
}

/** Runs the loop; returns the metrics of every report (the first also counts steps not taken before). */
export async function trainInReports(trainer: Trainer, loop: ReportLoop): Promise<StepMetrics> {
  const reportEvery = () => {
    const every = typeof loop.reportEvery === 'number' ? loop.reportEvery : loop.reportEvery();
    if (!Number.isInteger(every) || every < 1) {
      throw new Error(`reportEvery must be a whole number >= 1, got ${every}`);
    }
    return every;
  };
  reportEvery(); // a bad number fails before any step
  const runChunk =
    loop.runChunk ??
    ((count: number) => {
      trainer.step(count);
      return trainer.takeMetrics();
    });
  const total = emptyMetrics();
  for (let left = loop.stepsLeft(); left > 0; left = loop.stepsLeft()) {
    const inEpoch = trainer.stepInEpoch === trainer.stepsPerEpoch ? 0 : trainer.stepInEpoch;
    const metrics = await runChunk(Math.min(reportEvery(), trainer.stepsPerEpoch - inEpoch, left));
    if (!metrics) continue;
    addMetrics(total, metrics);
    const { epoch, stepInEpoch, stepsPerEpoch, totalSteps } = trainer;
    loop.onProgress?.({ epoch, stepInEpoch, stepsPerEpoch, totalSteps, metrics });
    if (!Number.isFinite(metrics.lossSum)) throw await trainer.nonFiniteLossError(metrics);
    loop.afterReport?.();
  }
  return total;
}
