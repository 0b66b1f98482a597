// conv2d shape maths, FLOP counts and param validation shared by the CPU reference and the GPU
// kernel. Layouts follow PyTorch: input [N, C, H, W], weight [outC, inC, kH, kW], zero padding.
// No loops over data and no GPU objects here.

import type { Shape } from './types.ts';
import { requireNonNegativeInteger, requirePositiveInteger } from './validate.ts';

const OP = 'conv2d';

/** One 2-D convolution; `stride` and `padding` apply to both axes. */
export interface Conv2dParams {
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  outChannels: number;
  kernelH: number;
  kernelW: number;
  stride: number;
  padding: number;
}

export interface Conv2dShapes {
  input: Shape;
  weight: Shape;
  bias: Shape;
  output: Shape;
}

/** Per-pass FLOP counts; one multiply-add counts as 2 FLOPs. */
export interface Conv2dPassFlops {
  forward: number;
  backwardInput: number;
  backwardWeight: number;
  backwardBias: number;
}

/** floor((in + 2*padding - kernel) / stride) + 1 on each axis (PyTorch's rule). Assumes valid params. */
export function conv2dOutputSize(p: Conv2dParams): { outHeight: number; outWidth: number } {
  return {
    outHeight: Math.floor((p.inHeight + 2 * p.padding - p.kernelH) / p.stride) + 1,
    outWidth: Math.floor((p.inWidth + 2 * p.padding - p.kernelW) / p.stride) + 1,
  };
}

export function conv2dShapes(p: Conv2dParams): Conv2dShapes {
  const { outHeight, outWidth } = conv2dOutputSize(p);
  return {
    input: [p.batch, p.inChannels, p.inHeight, p.inWidth],
    weight: [p.outChannels, p.inChannels, p.kernelH, p.kernelW],
    bias: [p.outChannels],
    output: [p.batch, p.outChannels, outHeight, outWidth],
  };
}

/** Multiply-adds of the forward pass, counting taps that land in the padding (what a GPU does). */
function conv2dMacs(p: Conv2dParams): number {
  const { outHeight, outWidth } = conv2dOutputSize(p);
  return p.batch * p.outChannels * outHeight * outWidth * p.inChannels * p.kernelH * p.kernelW;
}

/** Forward FLOPs: 2 per multiply-add; the bias add is ignored (it is one add per output). */
export function conv2dFlops(p: Conv2dParams): number {
  return 2 * conv2dMacs(p);
}

/** Both backward passes do the forward's multiply-adds in another order; the bias pass only adds. */
export function conv2dPassFlops(p: Conv2dParams): Conv2dPassFlops {
  const { outHeight, outWidth } = conv2dOutputSize(p);
  const flops = conv2dFlops(p);
  return {
    forward: flops,
    backwardInput: flops,
    backwardWeight: flops,
    backwardBias: p.batch * p.outChannels * outHeight * outWidth,
  };
}

/** Throws an Error naming the bad field and the fix; returns quietly when `p` is usable. */
export function validateConv2d(p: Conv2dParams): void {
  for (const field of ['batch', 'inChannels', 'inHeight', 'inWidth', 'outChannels'] as const) {
    requirePositiveInteger(OP, field, p[field]);
  }
  requirePositiveInteger(OP, 'kernelH', p.kernelH);
  requirePositiveInteger(OP, 'kernelW', p.kernelW);
  requirePositiveInteger(OP, 'stride', p.stride);
  requireNonNegativeInteger(OP, 'padding', p.padding);
  const paddedHeight = p.inHeight + 2 * p.padding;
  if (p.kernelH > paddedHeight) {
    throw new Error(
      `${OP}: kernelH ${p.kernelH} is larger than the padded input height ${paddedHeight} ` +
        `(inHeight ${p.inHeight} + 2*padding ${p.padding}); use a smaller kernel or more padding`,
    );
  }
  const paddedWidth = p.inWidth + 2 * p.padding;
  if (p.kernelW > paddedWidth) {
    throw new Error(
      `${OP}: kernelW ${p.kernelW} is larger than the padded input width ${paddedWidth} ` +
        `(inWidth ${p.inWidth} + 2*padding ${p.padding}); use a smaller kernel or more padding`,
    );
  }
}
