// CPU reference for concat_onehot: out[r] = [a[r] ; onehot(labels[r])], how the CVAE feeds the class
// to its encoder and decoder. The backward pass returns only dA: labels have no gradient.

import { validateConcatOnehot } from '../ops/concat_onehot.ts';
import type { FloatArray } from '../ops/types.ts';
import { checkLength } from './check.ts';

const OP = 'concat_onehot';

/** Throws unless every label is a whole number in [0, classes). */
function checkLabels(labels: ArrayLike<number>, rows: number, classes: number): void {
  checkLength(OP, 'labels', labels, [rows]);
  for (let r = 0; r < rows; r++) {
    const label = labels[r];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new Error(
        `${OP}: labels[${r}] is ${label}, not a class index in [0, ${classes}); ` +
          'check the dataset labels match the number of classes',
      );
    }
  }
}

/** out[r, 0..width) = a[r, :]; out[r, width + c] = 1 when c == labels[r], else 0. */
export function concatOnehotForward(
  out: FloatArray,
  a: FloatArray,
  labels: ArrayLike<number>,
  rows: number,
  width: number,
  classes: number,
): void {
  validateConcatOnehot(rows, width, classes);
  checkLength(OP, 'out', out, [rows, width + classes]);
  checkLength(OP, 'a', a, [rows, width]);
  checkLabels(labels, rows, classes);
  const outWidth = width + classes;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < width; i++) out[r * outWidth + i] = a[r * width + i];
    for (let c = 0; c < classes; c++) out[r * outWidth + width + c] = c === labels[r] ? 1 : 0;
  }
}

/** dA[r, i] = dOut[r, i] for i < width: the one-hot columns' gradients are dropped. */
export function concatOnehotBackward(
  dA: FloatArray,
  dOut: FloatArray,
  rows: number,
  width: number,
  classes: number,
): void {
  validateConcatOnehot(rows, width, classes);
  checkLength(OP, 'dA', dA, [rows, width]);
  checkLength(OP, 'dOut', dOut, [rows, width + classes]);
  const outWidth = width + classes;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < width; i++) dA[r * width + i] = dOut[r * outWidth + i];
  }
}
