// bce_logits (binary cross-entropy on logits, summed per row) shape checks shared by the CPU
// reference and the GPU kernel. Logits and targets are [rows, cols]; the loss is one value per row.
// No loops over data and no GPU objects here.

import { requireFiniteNumber, requirePositiveInteger } from './validate.ts';

const OP = 'bce_logits';

/** Throws naming the bad size and the fix. */
export function validateBceLogits(rows: number, cols: number): void {
  requirePositiveInteger(OP, 'rows', rows);
  requirePositiveInteger(OP, 'cols', cols);
}

/** The backward `scale` (1/N for a batch mean) must be finite, or every gradient is NaN/Inf. */
export function validateBceLogitsScale(scale: number): void {
  requireFiniteNumber(OP, 'scale', scale, () => true, 'a finite number', 'pass 1/batch for a mean loss');
}

/** Forward FLOPs, roughly: max, multiply-subtract, exp, log1p and the sum per element. */
export function bceLogitsFlops(rows: number, cols: number): number {
  return 6 * rows * cols;
}
