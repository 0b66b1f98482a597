// The evaluation feed: loss, accuracy, confusion matrix and every example's predicted class on
// the test set or its first `limit` examples (EvaluationView, view-types.ts), from
// Trainer.evaluate. Rate-limited by Feed; on the GPU the whole test set is a few dispatches per
// batch plus two small readbacks, on SwiftShader or the CPU keep `limit` small.

import type { EvaluationResult } from '../../model/backend.ts';
import type { EvaluationView } from '../view-types.ts';
import { Feed, type FeedOptions } from './feed.ts';
import { readCurrent, type TrainerSource, type WatchedTrainer } from './source.ts';

export const EVALUATION_INTERVAL_MS = 2000;

export interface EvaluationRequest {
  /** Evaluate the first `limit` test examples; undefined: all of them. */
  limit?: number;
}

/** An EvaluationResult (sums) as the view shows it (means), e.g. for results the app already has. */
export function toEvaluationView(result: EvaluationResult, step: number, classes: number): EvaluationView {
  const examples = result.examples;
  return {
    step,
    examples,
    loss: examples > 0 ? result.lossSum / examples : NaN,
    accuracy: examples > 0 ? result.correct / examples : NaN,
    classes,
    confusion: result.confusion,
    predictions: result.predictions,
  };
}

/** Evaluates at the trainer's current step (`limit` is clamped to the test split). */
export async function readEvaluation(trainer: WatchedTrainer, limit?: number): Promise<EvaluationView> {
  const step = trainer.totalSteps;
  const available = trainer.dataset.test.count;
  const result = await trainer.evaluate('test', limit === undefined ? undefined : Math.min(limit, available));
  return toEvaluationView(result, step, trainer.dataset.classNames.length);
}

/** A feed of EvaluationViews; request({ limit }) after chunks or when the user asks. */
export function createEvaluationFeed(
  source: TrainerSource,
  onView: (view: EvaluationView) => void,
  options: Partial<FeedOptions> = {},
): Feed<EvaluationRequest, EvaluationView> {
  return new Feed<EvaluationRequest, EvaluationView>(
    (request) => readCurrent(source, (trainer) => readEvaluation(trainer, request.limit)),
    onView,
    { minIntervalMs: EVALUATION_INTERVAL_MS, ...options },
  );
}
