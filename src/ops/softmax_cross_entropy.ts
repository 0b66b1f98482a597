// softmax_cross_entropy shape maths, FLOP counts and validation shared by the CPU reference and
// the GPU kernel. Logits are [batch, classes]; labels are class indices, one per row.
// No loops over data (labels are checked where they are read) and no GPU objects here.

import type { Shape } from './types.ts';
import { requirePositiveInteger } from './validate.ts';

const OP = 'softmax_cross_entropy';

export interface SoftmaxCrossEntropyParams {
  batch: number;
  classes: number;
}

export interface SoftmaxCrossEntropyShapes {
  logits: Shape;
  probs: Shape;
  labels: Shape;
  lossPerRow: Shape;
  correct: Shape;
}

export function softmaxCrossEntropyShapes(p: SoftmaxCrossEntropyParams): SoftmaxCrossEntropyShapes {
  return {
    logits: [p.batch, p.classes],
    probs: [p.batch, p.classes],
    labels: [p.batch],
    lossPerRow: [p.batch],
    correct: [p.batch],
  };
}

/** Rough forward FLOPs: max, subtract, exp, sum and divide per logit (exp counted as one op). */
export function softmaxCrossEntropyFlops(p: SoftmaxCrossEntropyParams): number {
  return 5 * p.batch * p.classes;
}

/** Throws an Error naming the bad field and the fix; returns quietly when `p` is usable. */
export function validateSoftmaxCrossEntropy(p: SoftmaxCrossEntropyParams): void {
  requirePositiveInteger(OP, 'batch', p.batch);
  requirePositiveInteger(OP, 'classes', p.classes);
  if (p.classes < 2) {
    throw new Error(
      `${OP}: classes must be at least 2, got ${p.classes}; a classifier needs two or more classes`,
    );
  }
}
