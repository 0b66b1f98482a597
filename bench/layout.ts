// Reordering a row-major tensor's axes on the CPU, for converting between our NCHW / OIHW layouts
// and TensorFlow.js's NHWC / HWIO ones outside any timed region. Pure, unit-tested.

import type { Shape } from '../src/ops/types.ts';

/** Reorders a row-major tensor of `shape` by `perm` (out dim i = in dim perm[i]); CPU, untimed. */
export function permute(values: Float32Array, shape: Shape, perm: readonly number[]): Float32Array {
  const outShape = perm.map((d) => shape[d]);
  const inStrides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const strides = perm.map((d) => inStrides[d]);
  const out = new Float32Array(values.length);
  const index = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let source = 0;
    for (let d = 0; d < index.length; d++) source += index[d] * strides[d];
    out[o] = values[source];
    for (let d = index.length - 1; d >= 0 && ++index[d] === outShape[d]; d--) index[d] = 0;
  }
  return out;
}
