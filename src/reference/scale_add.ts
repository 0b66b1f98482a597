// CPU reference for scale_add: a naive loop in float64, rounded once to float32 on store.
// Independent of the WGSL; the kernel is checked against this.

import { scaleAddLength, type ScaleAddParams } from '../ops/scale_add.ts';

export function scaleAddForward(
  output: Float32Array,
  x: Float32Array,
  y: Float32Array,
  params: ScaleAddParams,
): void {
  const length = scaleAddLength(output.length, x.length, y.length);
  const scale = Math.fround(params.scale); // the kernel receives scale as an f32 uniform
  for (let i = 0; i < length; i++) output[i] = scale * x[i] + y[i];
}
