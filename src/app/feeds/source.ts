// What the feeds read from: the parts of a Trainer (src/model/trainer.ts) the live views need, as
// an interface so a Trainer fits it as it is and tests can hand in a small fake. The feeds take a
// getter, so one feed outlives a Reset (a new Trainer) or a batch-size change (a new backend).

import type { Dataset, SplitName } from '../../data/dataset.ts';
import type { Backend, EvaluationResult, OptimizerSettings } from '../../model/backend.ts';

/** The backend's view methods (backend.ts) and its network. */
export type ViewBackend = Pick<Backend, 'description' | 'probe' | 'readParameters' | 'parameterStats'>;

export interface WatchedTrainer {
  readonly backend: ViewBackend;
  readonly dataset: Dataset;
  /** Steps submitted so far: what a read issued now reflects (the backend runs calls in order). */
  readonly totalSteps: number;
  readonly epoch: number;
  readonly optimizer: OptimizerSettings;
  /** With a schedule, the rate of the next step; the last update's rate is taken to be the same. */
  readonly nextLearningRate: number;
  evaluate(split: SplitName, limit?: number): Promise<EvaluationResult>;
}

/** The trainer to read now, or null when there is none (nothing is delivered then). */
export type TrainerSource = () => WatchedTrainer | null;

/**
 * Runs `read` on the current trainer. null (nothing to deliver) when there is none, or when the
 * source moved to another trainer before the read finished: its result belongs to the old run.
 */
export async function readCurrent<T>(
  source: TrainerSource,
  read: (trainer: WatchedTrainer) => Promise<T>,
): Promise<T | null> {
  const trainer = source();
  if (!trainer) return null;
  const value = await read(trainer);
  return source() === trainer ? value : null;
}
