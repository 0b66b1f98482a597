// CPU reference for bce_logits: binary cross-entropy between sigmoid(logits) and targets in [0,1],
// computed on the logits in the numerically stable form max(l,0) - l*t + log1p(exp(-|l|)) (what
// torch.nn.functional.binary_cross_entropy_with_logits does), summed over each row's columns.

import { validateBceLogits, validateBceLogitsScale } from '../ops/bce_logits.ts';
import type { FloatArray } from '../ops/types.ts';
import { checkLength } from './check.ts';

const OP = 'bce_logits';

/** 1/(1+exp(-l)) without overflow: exp is only taken of a non-positive number. */
export function stableSigmoid(l: number): number {
  if (l >= 0) return 1 / (1 + Math.exp(-l));
  const e = Math.exp(l);
  return e / (1 + e);
}

/** lossPerRow[r] = sum over c of max(l,0) - l*t + log1p(exp(-|l|)), l = logits[r,c], t = targets[r,c]. */
export function bceLogitsForward(
  lossPerRow: FloatArray,
  logits: FloatArray,
  targets: FloatArray,
  rows: number,
  cols: number,
): void {
  validateBceLogits(rows, cols);
  checkLength(OP, 'lossPerRow', lossPerRow, [rows]);
  checkLength(OP, 'logits', logits, [rows, cols]);
  checkLength(OP, 'targets', targets, [rows, cols]);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const l = logits[r * cols + c];
      sum += Math.max(l, 0) - l * targets[r * cols + c] + Math.log1p(Math.exp(-Math.abs(l)));
    }
    lossPerRow[r] = sum;
  }
}

/** dLogits = (sigmoid(l) - t) * scale; scale = 1/N makes it the gradient of the batch-mean loss. */
export function bceLogitsBackward(
  dLogits: FloatArray,
  logits: FloatArray,
  targets: FloatArray,
  rows: number,
  cols: number,
  scale: number,
): void {
  validateBceLogits(rows, cols);
  validateBceLogitsScale(scale);
  checkLength(OP, 'dLogits', dLogits, [rows, cols]);
  checkLength(OP, 'logits', logits, [rows, cols]);
  checkLength(OP, 'targets', targets, [rows, cols]);
  for (let i = 0; i < rows * cols; i++) dLogits[i] = (stableSigmoid(logits[i]) - targets[i]) * scale;
}
