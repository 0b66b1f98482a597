// dense (fully connected) shape maths, FLOP counts and validation shared by the CPU reference and
// the GPU kernel. Weight is [outFeatures, inFeatures] like PyTorch's nn.Linear.
// No loops over data and no GPU objects here.

import type { Shape } from './types.ts';
import { requirePositiveInteger } from './validate.ts';

const OP = 'dense';

/** out[b, o] = sum_i input[b, i] * weight[o, i] + bias[o]. */
export interface DenseParams {
  batch: number;
  inFeatures: number;
  outFeatures: number;
}

export interface DenseShapes {
  input: Shape;
  weight: Shape;
  bias: Shape;
  output: Shape;
}

/** Per-pass FLOP counts; one multiply-add counts as 2 FLOPs. */
export interface DensePassFlops {
  forward: number;
  backwardInput: number;
  backwardWeight: number;
  backwardBias: number;
}

export function denseShapes(p: DenseParams): DenseShapes {
  return {
    input: [p.batch, p.inFeatures],
    weight: [p.outFeatures, p.inFeatures],
    bias: [p.outFeatures],
    output: [p.batch, p.outFeatures],
  };
}

/** Forward FLOPs: 2 per multiply-add; the bias add is ignored. */
export function denseFlops(p: DenseParams): number {
  return 2 * p.batch * p.inFeatures * p.outFeatures;
}

/** Both backward matrix products do the forward's multiply-adds; the bias pass only adds. */
export function densePassFlops(p: DenseParams): DensePassFlops {
  const flops = denseFlops(p);
  return {
    forward: flops,
    backwardInput: flops,
    backwardWeight: flops,
    backwardBias: p.batch * p.outFeatures,
  };
}

/** Throws an Error naming the bad field and the fix; returns quietly when `p` is usable. */
export function validateDense(p: DenseParams): void {
  for (const field of ['batch', 'inFeatures', 'outFeatures'] as const) {
    requirePositiveInteger(OP, field, p[field]);
  }
}
