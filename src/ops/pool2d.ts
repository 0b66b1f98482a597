// Shape maths, FLOP counts and validation shared by max_pool2d and avg_pool2d (see those files
// for the op-named exports). Square window, same stride on both axes, no padding: windows that
// would run past the edge are dropped, as PyTorch does with ceil_mode=False.
// No loops over data and no GPU objects here.

import type { Shape } from './types.ts';
import { requirePositiveInteger } from './validate.ts';

export type Pool2dOp = 'max_pool2d' | 'avg_pool2d';

/** One 2-D pooling over a `kernel` x `kernel` window; input and output are [N, C, H, W]. */
export interface Pool2dParams {
  batch: number;
  channels: number;
  inHeight: number;
  inWidth: number;
  kernel: number;
  stride: number;
}

export interface Pool2dShapes {
  input: Shape;
  output: Shape;
}

/** floor((in - kernel) / stride) + 1 on each axis. Assumes valid params. */
export function pool2dOutputSize(p: Pool2dParams): { outHeight: number; outWidth: number } {
  return {
    outHeight: Math.floor((p.inHeight - p.kernel) / p.stride) + 1,
    outWidth: Math.floor((p.inWidth - p.kernel) / p.stride) + 1,
  };
}

export function pool2dShapes(p: Pool2dParams): Pool2dShapes {
  const { outHeight, outWidth } = pool2dOutputSize(p);
  return {
    input: [p.batch, p.channels, p.inHeight, p.inWidth],
    output: [p.batch, p.channels, outHeight, outWidth],
  };
}

/** Forward FLOPs: one compare (max) or one add (avg) per window tap. */
export function pool2dFlops(p: Pool2dParams): number {
  const { outHeight, outWidth } = pool2dOutputSize(p);
  return p.batch * p.channels * outHeight * outWidth * p.kernel * p.kernel;
}

/** Throws an Error naming `op`, the bad field and the fix; returns quietly when `p` is usable. */
export function validatePool2d(p: Pool2dParams, op: Pool2dOp): void {
  for (const field of ['batch', 'channels', 'inHeight', 'inWidth', 'kernel', 'stride'] as const) {
    requirePositiveInteger(op, field, p[field]);
  }
  if (p.kernel > p.inHeight) {
    throw new Error(
      `${op}: kernel ${p.kernel} is larger than inHeight ${p.inHeight}; ` +
        'use a kernel no larger than the input (pooling has no padding)',
    );
  }
  if (p.kernel > p.inWidth) {
    throw new Error(
      `${op}: kernel ${p.kernel} is larger than inWidth ${p.inWidth}; ` +
        'use a kernel no larger than the input (pooling has no padding)',
    );
  }
}
