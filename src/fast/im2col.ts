// im2col and col2im for one NCHW image: the reshuffles that turn a convolution into a GEMM.
// The column matrix is taps x pixels: tap t = (ic*kH + ky)*kW + kx matches the weight's
// [outC, inC, kH, kW] layout, so the weight is the GEMM's [outC, taps] operand; pixel j = oy*outW + ox.
// im2col writes it already packed for the GEMM; col2im reads it plain ([taps, pixels] row-major),
// as the GEMM's output. Not the GEMM and not the batch loop (see conv2d.ts).

import { conv2dOutputSize, type Conv2dParams } from '../ops/conv2d.ts';
import { prepackedLength } from './gemm.ts';

/**
 * The output columns ox whose tap kx lands inside the input row are [firstColumn, endColumn):
 * ix = ox*stride - padding + kx must lie in [0, inWidth); outside that range the tap reads padding.
 * Two number-returning functions rather than one object so the hot path allocates nothing.
 */
function firstColumn(kx: number, p: Conv2dParams, outWidth: number): number {
  const offset = p.padding - kx; // ix = ox*stride - offset
  return Math.min(offset > 0 ? Math.ceil(offset / p.stride) : 0, outWidth);
}

function endColumn(kx: number, p: Conv2dParams, outWidth: number): number {
  const end = Math.floor((p.inWidth - 1 + p.padding - kx) / p.stride) + 1;
  return Math.max(Math.min(end, outWidth), firstColumn(kx, p, outWidth)); // empty range, never negative
}

/**
 * Which dimension of the column matrix (taps x pixels) is cut into TILE-wide slivers. 'pixels':
 * the matrix is the B of a product with depth = taps (forward). 'taps': its transpose is the B of
 * a product with depth = pixels (backward_weight). Either way it is gemm.ts's prepacked layout.
 */
export type SliverAxis = 'pixels' | 'taps';

/** Floats im2colPacked writes (the matrix plus the zero lanes that round a sliver up to TILE). */
export function packedColumnsLength(p: Conv2dParams, axis: SliverAxis): number {
  const { outHeight, outWidth } = conv2dOutputSize(p);
  const taps = p.inChannels * p.kernelH * p.kernelW;
  const plane = outHeight * outWidth;
  return axis === 'pixels' ? prepackedLength(taps, plane) : prepackedLength(plane, taps);
}

/**
 * Column matrix of input[image], written straight into the prepacked GEMM layout so no packing
 * copy follows. Entry (tap t, pixel j) = input[image][ic, oy*s - pad + ky, ox*s - pad + kx]
 * (0 in the padding), with t = (ic*kH + ky)*kW + kx and j = oy*outW + ox, lands at
 * (t>>2)*tHi + (t&3)*tLo + (j>>2)*jHi + (j&3)*jLo; the padding lanes of the last sliver are zeroed.
 * The 4s in these shifts, masks and strides are the GEMM's TILE (gemm_kernel.ts).
 */
export function im2colPacked(
  packed: Float32Array,
  input: Float32Array,
  image: number,
  p: Conv2dParams,
  axis: SliverAxis,
): void {
  const { outHeight, outWidth } = conv2dOutputSize(p);
  const { inChannels, inHeight, inWidth, kernelH, kernelW, stride, padding } = p;
  const taps = inChannels * kernelH * kernelW;
  const plane = outHeight * outWidth;
  const byPixels = axis === 'pixels';
  const tHi = byPixels ? 16 : 4 * plane;
  const tLo = byPixels ? 4 : 1;
  const jHi = byPixels ? 4 * taps : 16;
  const jLo = byPixels ? 1 : 4;
  let t = 0;
  for (let ic = 0; ic < inChannels; ic++) {
    const channelStart = (image * inChannels + ic) * inHeight * inWidth;
    for (let ky = 0; ky < kernelH; ky++) {
      for (let kx = 0; kx < kernelW; kx++, t++) {
        const row = (t >> 2) * tHi + (t & 3) * tLo;
        const first = firstColumn(kx, p, outWidth);
        const end = endColumn(kx, p, outWidth);
        for (let oy = 0; oy < outHeight; oy++) {
          const iy = oy * stride - padding + ky;
          const inside = iy >= 0 && iy < inHeight;
          const j0 = oy * outWidth;
          const src = channelStart + iy * inWidth - padding + kx; // + ox*stride gives ix
          const from = inside ? first : outWidth;
          const to = inside ? end : outWidth;
          let ox = 0;
          for (let j = j0; ox < from; ox++, j++) packed[row + (j >> 2) * jHi + (j & 3) * jLo] = 0;
          for (let j = j0 + ox, s = src + ox * stride; ox < to; ox++, j++, s += stride) {
            packed[row + (j >> 2) * jHi + (j & 3) * jLo] = input[s];
          }
          for (let j = j0 + ox; ox < outWidth; ox++, j++) packed[row + (j >> 2) * jHi + (j & 3) * jLo] = 0;
        }
      }
    }
  }
  // Lanes past the last pixel (pixel slivers) or the last tap (tap slivers) are zeroed.
  const tapsPadded = byPixels ? taps : Math.ceil(taps / 4) * 4;
  const planePadded = byPixels ? Math.ceil(plane / 4) * 4 : plane;
  for (let t = 0; t < tapsPadded; t++) {
    const row = (t >> 2) * tHi + (t & 3) * tLo;
    for (let j = t < taps ? plane : 0; j < planePadded; j++) packed[row + (j >> 2) * jHi + (j & 3) * jLo] = 0;
  }
}

/**
 * The adjoint of im2col: dInput[image] = 0, then every column entry is added back to the input
 * element it was copied from (entries that came from padding are dropped). Sums are float32.
 */
export function col2im(dInput: Float32Array, cols: Float32Array, image: number, p: Conv2dParams): void {
  const { outHeight, outWidth } = conv2dOutputSize(p);
  const { inChannels, inHeight, inWidth, kernelH, kernelW, stride, padding } = p;
  const plane = outHeight * outWidth;
  const imageSize = inChannels * inHeight * inWidth;
  dInput.fill(0, image * imageSize, (image + 1) * imageSize);
  let row = 0;
  for (let ic = 0; ic < inChannels; ic++) {
    const channelStart = (image * inChannels + ic) * inHeight * inWidth;
    for (let ky = 0; ky < kernelH; ky++) {
      for (let kx = 0; kx < kernelW; kx++, row++) {
        const first = firstColumn(kx, p, outWidth);
        const end = endColumn(kx, p, outWidth);
        for (let oy = 0; oy < outHeight; oy++) {
          const iy = oy * stride - padding + ky;
          if (iy < 0 || iy >= inHeight) continue;
          const src = row * plane + oy * outWidth;
          const dst = channelStart + iy * inWidth - padding + kx;
          for (let s = src + first, d = dst + first * stride, sEnd = src + end; s < sEnd; s++, d += stride) {
            dInput[d] += cols[s];
          }
        }
      }
    }
  }
}
