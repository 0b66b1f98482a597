// conv_transpose2d shape maths and param validation shared by the CPU reference and the GPU
// kernel (which runs conv2d's kernels with roles swapped). Layouts follow PyTorch: input
// [N, inC, H, W], weight [inC, outC, kH, kW], zero padding, no output_padding, no groups.
// No loops over data and no GPU objects here.

import type { Conv2dParams } from './conv2d.ts';
import type { Shape } from './types.ts';
import { requireNonNegativeInteger, requirePositiveInteger } from './validate.ts';

const OP = 'conv_transpose2d';

/** One 2-D transposed convolution; `stride` and `padding` apply to both axes. */
export interface ConvTranspose2dParams {
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

export interface ConvTranspose2dShapes {
  input: Shape;
  weight: Shape;
  bias: Shape;
  output: Shape;
}

/** (in - 1)*stride - 2*padding + kernel on each axis (PyTorch's rule with output_padding 0). */
export function convTranspose2dOutputSize(p: ConvTranspose2dParams): { outHeight: number; outWidth: number } {
  return {
    outHeight: (p.inHeight - 1) * p.stride - 2 * p.padding + p.kernelH,
    outWidth: (p.inWidth - 1) * p.stride - 2 * p.padding + p.kernelW,
  };
}

export function convTranspose2dShapes(p: ConvTranspose2dParams): ConvTranspose2dShapes {
  const { outHeight, outWidth } = convTranspose2dOutputSize(p);
  return {
    input: [p.batch, p.inChannels, p.inHeight, p.inWidth],
    weight: [p.inChannels, p.outChannels, p.kernelH, p.kernelW],
    bias: [p.outChannels],
    output: [p.batch, p.outChannels, outHeight, outWidth],
  };
}

/** Forward FLOPs: every input element times every weight of its channel, 2 per multiply-add. */
export function convTranspose2dFlops(p: ConvTranspose2dParams): number {
  return 2 * p.batch * p.inChannels * p.inHeight * p.inWidth * p.outChannels * p.kernelH * p.kernelW;
}

/**
 * The conv2d whose backward_input is this transposed conv's forward: conv2d maps the convT's
 * output [N, outC, Ho, Wo] back to its input [N, inC, H, W]. Its weight [outC=inC, inC=outC, k, k]
 * has the same memory layout as the convT weight [inC, outC, k, k], so no transpose is needed.
 * floor((Ho + 2p - k)/s) + 1 = H exactly, because Ho + 2p - k = (H - 1)*s.
 */
export function convTranspose2dAsConv2d(p: ConvTranspose2dParams): Conv2dParams {
  const { outHeight, outWidth } = convTranspose2dOutputSize(p);
  return {
    batch: p.batch,
    inChannels: p.outChannels,
    inHeight: outHeight,
    inWidth: outWidth,
    outChannels: p.inChannels,
    kernelH: p.kernelH,
    kernelW: p.kernelW,
    stride: p.stride,
    padding: p.padding,
  };
}

/** Throws an Error naming the bad field and the fix; returns quietly when `p` is usable. */
export function validateConvTranspose2d(p: ConvTranspose2dParams): void {
  for (const field of ['batch', 'inChannels', 'inHeight', 'inWidth', 'outChannels'] as const) {
    requirePositiveInteger(OP, field, p[field]);
  }
  requirePositiveInteger(OP, 'kernelH', p.kernelH);
  requirePositiveInteger(OP, 'kernelW', p.kernelW);
  requirePositiveInteger(OP, 'stride', p.stride);
  requireNonNegativeInteger(OP, 'padding', p.padding);
  const { outHeight, outWidth } = convTranspose2dOutputSize(p);
  if (outHeight < 1 || outWidth < 1) {
    throw new Error(
      `${OP}: output would be ${outHeight}x${outWidth} ((in - 1)*stride - 2*padding + kernel with ` +
        `in ${p.inHeight}x${p.inWidth}, stride ${p.stride}, padding ${p.padding}, ` +
        `kernel ${p.kernelH}x${p.kernelW}); use less padding or a larger kernel`,
    );
  }
}
