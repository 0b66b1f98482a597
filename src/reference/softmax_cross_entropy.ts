// CPU reference for softmax_cross_entropy over [batch, classes] logits with integer labels.
// Numerically stable: each row subtracts its max before exp and uses log-sum-exp for the loss.
// The backward pass is the gradient of the MEAN loss over the batch, as the trainer minimises.

import {
  softmaxCrossEntropyShapes,
  validateSoftmaxCrossEntropy,
  type SoftmaxCrossEntropyParams,
} from '../ops/softmax_cross_entropy.ts';
import type { FloatArray } from '../ops/types.ts';
import { checkLength } from './check.ts';

const OP = 'softmax_cross_entropy';

/** Throws unless every label is a whole number in [0, classes). */
function checkLabels(labels: ArrayLike<number>, p: SoftmaxCrossEntropyParams): void {
  checkLength(OP, 'labels', labels, softmaxCrossEntropyShapes(p).labels);
  for (let b = 0; b < p.batch; b++) {
    const label = labels[b];
    if (!Number.isInteger(label) || label < 0 || label >= p.classes) {
      throw new Error(
        `${OP}: labels[${b}] is ${label}, not a class index in [0, ${p.classes}); ` +
          'check the dataset labels match the classes of the final layer',
      );
    }
  }
}

/**
 * probs = softmax(logits) per row; lossPerRow[b] = -log probs[b, labels[b]];
 * correct[b] = 1 when the row's argmax (first maximum wins) equals its label, else 0.
 */
export function softmaxCrossEntropyForward(
  lossPerRow: FloatArray,
  probs: FloatArray,
  correct: Uint8Array | Uint32Array,
  logits: FloatArray,
  labels: ArrayLike<number>,
  p: SoftmaxCrossEntropyParams,
): void {
  validateSoftmaxCrossEntropy(p);
  const shapes = softmaxCrossEntropyShapes(p);
  checkLength(OP, 'lossPerRow', lossPerRow, shapes.lossPerRow);
  checkLength(OP, 'probs', probs, shapes.probs);
  checkLength(OP, 'correct', correct, shapes.correct);
  checkLength(OP, 'logits', logits, shapes.logits);
  checkLabels(labels, p);
  const { classes } = p;
  for (let b = 0; b < p.batch; b++) {
    const row = b * classes;
    let argmax = 0;
    for (let c = 1; c < classes; c++) if (logits[row + c] > logits[row + argmax]) argmax = c;
    const max = logits[row + argmax];
    let sumExp = 0;
    for (let c = 0; c < classes; c++) sumExp += Math.exp(logits[row + c] - max);
    for (let c = 0; c < classes; c++) probs[row + c] = Math.exp(logits[row + c] - max) / sumExp;
    // -log softmax[label] = log(sumExp) - (logit[label] - max). Shifting first keeps huge logits
    // (say 1000) from swallowing the low bits of log(sumExp).
    lossPerRow[b] = Math.log(sumExp) - (logits[row + labels[b]] - max);
    correct[b] = argmax === labels[b] ? 1 : 0;
  }
}

/** dLogits[b, c] = (probs[b, c] - (c == labels[b] ? 1 : 0)) / batch: the gradient of the mean loss. */
export function softmaxCrossEntropyBackward(
  dLogits: FloatArray,
  probs: FloatArray,
  labels: ArrayLike<number>,
  p: SoftmaxCrossEntropyParams,
): void {
  validateSoftmaxCrossEntropy(p);
  const shapes = softmaxCrossEntropyShapes(p);
  checkLength(OP, 'dLogits', dLogits, shapes.logits);
  checkLength(OP, 'probs', probs, shapes.probs);
  checkLabels(labels, p);
  for (let b = 0; b < p.batch; b++) {
    for (let c = 0; c < p.classes; c++) {
      const oneHot = c === labels[b] ? 1 : 0;
      dLogits[b * p.classes + c] = (probs[b * p.classes + c] - oneHot) / p.batch;
    }
  }
}

/** The mean of lossPerRow: the scalar the backward pass differentiates. */
export function meanLoss(lossPerRow: ArrayLike<number>): number {
  let sum = 0;
  for (let b = 0; b < lossPerRow.length; b++) sum += lossPerRow[b];
  return sum / lossPerRow.length;
}
