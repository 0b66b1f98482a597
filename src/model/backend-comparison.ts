// Two trainers (typically the CPU and the GPU backend, same seed, spec, data and settings) run side
// by side, compared every few steps: the mean loss of the steps since the last comparison, and the
// largest parameter difference. For the agreement test and scripts/compare-backends.ts; reads every
// parameter back at each comparison, so it is a check, not a way to train.

import type { Trainer } from './trainer.ts';

export interface StepComparison {
  /** Steps done by both (totalSteps). */
  step: number;
  /** Mean loss per example over the steps since the previous comparison. */
  lossA: number;
  lossB: number;
  lossDiff: number;
  /** max |a - b| over all parameters, and max |a| (its scale). */
  maxParamDiff: number;
  maxParam: number;
  /** Where the largest difference is (flat layout index). */
  worstIndex: number;
}

function maxDifference(a: Float32Array, b: Float32Array): { diff: number; scale: number; index: number } {
  let diff = 0;
  let scale = 0;
  let index = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    // A NaN difference counts as the largest (and is reported as NaN).
    if (d > diff || (d !== d && diff === diff)) {
      diff = d;
      index = i;
    }
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { diff, scale, index };
}

/** Runs `steps` steps on both, comparing every `every` steps (and after the last). */
export async function compareRuns(
  a: Trainer,
  b: Trainer,
  steps: number,
  every: number,
  onComparison?: (c: StepComparison) => void,
): Promise<StepComparison[]> {
  if (a.totalSteps !== b.totalSteps) throw new Error('compareRuns: the trainers are at different steps');
  const results: StepComparison[] = [];
  for (let done = 0; done < steps;) {
    const count = Math.min(every, steps - done);
    a.step(count);
    b.step(count);
    done += count;
    const [ma, mb, pa, pb] = await Promise.all([
      a.takeMetrics(),
      b.takeMetrics(),
      a.getParameters(),
      b.getParameters(),
    ]);
    const lossA = ma.lossSum / ma.examples;
    const lossB = mb.lossSum / mb.examples;
    const { diff, scale, index } = maxDifference(pa, pb);
    const c = {
      step: a.totalSteps,
      lossA,
      lossB,
      lossDiff: Math.abs(lossA - lossB),
      maxParamDiff: diff,
      maxParam: scale,
      worstIndex: index,
    };
    results.push(c);
    onComparison?.(c);
  }
  return results;
}
