// CPU reference for conv_transpose2d, written from its definition (each input pixel scatters
// input*weight into the output window it covers), NOT through conv2d's reference, so that the
// GPU path (conv2d kernels with roles swapped) is checked against an independent computation.
// Naive loops over NCHW arrays; sums kept in JS doubles; backward passes overwrite their outputs.

import {
  convTranspose2dOutputSize,
  convTranspose2dShapes,
  validateConvTranspose2d,
  type ConvTranspose2dParams,
} from '../ops/conv_transpose2d.ts';
import type { FloatArray } from '../ops/types.ts';
import { checkLength } from './check.ts';

const OP = 'conv_transpose2d';

/**
 * out[n,oc,iy*s-pad+ky,ix*s-pad+kx] += input[n,ic,iy,ix] * weight[ic,oc,ky,kx], starting from bias[oc];
 * taps landing outside the output (in the cropped padding) are dropped. The scatter runs into a
 * Float64 scratch so a Float32 `out` is rounded once.
 */
export function convTranspose2dForward(
  out: FloatArray,
  input: FloatArray,
  weight: FloatArray,
  bias: FloatArray,
  p: ConvTranspose2dParams,
): void {
  validateConvTranspose2d(p);
  const shapes = convTranspose2dShapes(p);
  checkLength(OP, 'out', out, shapes.output);
  checkLength(OP, 'input', input, shapes.input);
  checkLength(OP, 'weight', weight, shapes.weight);
  checkLength(OP, 'bias', bias, shapes.bias);
  const { outHeight, outWidth } = convTranspose2dOutputSize(p);
  const { inChannels, inHeight, inWidth, outChannels, kernelH, kernelW, stride, padding } = p;
  const plane = outHeight * outWidth;
  const sums = new Float64Array(out.length);
  for (let n = 0; n < p.batch; n++) {
    for (let oc = 0; oc < outChannels; oc++)
      sums.fill(bias[oc], (n * outChannels + oc) * plane, (n * outChannels + oc + 1) * plane);
    for (let ic = 0; ic < inChannels; ic++) {
      for (let iy = 0; iy < inHeight; iy++) {
        for (let ix = 0; ix < inWidth; ix++) {
          const x = input[((n * inChannels + ic) * inHeight + iy) * inWidth + ix];
          for (let oc = 0; oc < outChannels; oc++) {
            for (let ky = 0; ky < kernelH; ky++) {
              const oy = iy * stride - padding + ky;
              if (oy < 0 || oy >= outHeight) continue; // cropped by padding
              for (let kx = 0; kx < kernelW; kx++) {
                const ox = ix * stride - padding + kx;
                if (ox < 0 || ox >= outWidth) continue;
                const w = weight[((ic * outChannels + oc) * kernelH + ky) * kernelW + kx];
                sums[((n * outChannels + oc) * outHeight + oy) * outWidth + ox] += x * w;
              }
            }
          }
        }
      }
    }
  }
  out.set(sums);
}

/** dInput[n,ic,iy,ix] = sum over oc,ky,kx of dOut[n,oc,iy*s-pad+ky,ix*s-pad+kx] * weight[ic,oc,ky,kx]. */
export function convTranspose2dBackwardInput(
  dInput: FloatArray,
  dOut: FloatArray,
  weight: FloatArray,
  p: ConvTranspose2dParams,
): void {
  validateConvTranspose2d(p);
  const shapes = convTranspose2dShapes(p);
  checkLength(OP, 'dInput', dInput, shapes.input);
  checkLength(OP, 'dOut', dOut, shapes.output);
  checkLength(OP, 'weight', weight, shapes.weight);
  const { outHeight, outWidth } = convTranspose2dOutputSize(p);
  const { inChannels, inHeight, inWidth, outChannels, kernelH, kernelW, stride, padding } = p;
  for (let n = 0; n < p.batch; n++) {
    for (let ic = 0; ic < inChannels; ic++) {
      for (let iy = 0; iy < inHeight; iy++) {
        for (let ix = 0; ix < inWidth; ix++) {
          let sum = 0;
          for (let oc = 0; oc < outChannels; oc++) {
            for (let ky = 0; ky < kernelH; ky++) {
              const oy = iy * stride - padding + ky;
              if (oy < 0 || oy >= outHeight) continue;
              for (let kx = 0; kx < kernelW; kx++) {
                const ox = ix * stride - padding + kx;
                if (ox < 0 || ox >= outWidth) continue;
                const g = dOut[((n * outChannels + oc) * outHeight + oy) * outWidth + ox];
                sum += g * weight[((ic * outChannels + oc) * kernelH + ky) * kernelW + kx];
              }
            }
          }
          dInput[((n * inChannels + ic) * inHeight + iy) * inWidth + ix] = sum;
        }
      }
    }
  }
}

/** dWeight[ic,oc,ky,kx] = sum over n,iy,ix of input[n,ic,iy,ix] * dOut[n,oc,iy*s-pad+ky,ix*s-pad+kx]. */
export function convTranspose2dBackwardWeight(
  dWeight: FloatArray,
  input: FloatArray,
  dOut: FloatArray,
  p: ConvTranspose2dParams,
): void {
  validateConvTranspose2d(p);
  const shapes = convTranspose2dShapes(p);
  checkLength(OP, 'dWeight', dWeight, shapes.weight);
  checkLength(OP, 'input', input, shapes.input);
  checkLength(OP, 'dOut', dOut, shapes.output);
  const { outHeight, outWidth } = convTranspose2dOutputSize(p);
  const { inChannels, inHeight, inWidth, outChannels, kernelH, kernelW, stride, padding } = p;
  for (let ic = 0; ic < inChannels; ic++) {
    for (let oc = 0; oc < outChannels; oc++) {
      for (let ky = 0; ky < kernelH; ky++) {
        for (let kx = 0; kx < kernelW; kx++) {
          let sum = 0;
          for (let n = 0; n < p.batch; n++) {
            for (let iy = 0; iy < inHeight; iy++) {
              const oy = iy * stride - padding + ky;
              if (oy < 0 || oy >= outHeight) continue;
              for (let ix = 0; ix < inWidth; ix++) {
                const ox = ix * stride - padding + kx;
                if (ox < 0 || ox >= outWidth) continue;
                const x = input[((n * inChannels + ic) * inHeight + iy) * inWidth + ix];
                sum += x * dOut[((n * outChannels + oc) * outHeight + oy) * outWidth + ox];
              }
            }
          }
          dWeight[((ic * outChannels + oc) * kernelH + ky) * kernelW + kx] = sum;
        }
      }
    }
  }
}

/** dBias[oc] = sum over n,oy,ox of dOut[n,oc,oy,ox]. */
export function convTranspose2dBackwardBias(
  dBias: FloatArray,
  dOut: FloatArray,
  p: ConvTranspose2dParams,
): void {
  validateConvTranspose2d(p);
  const shapes = convTranspose2dShapes(p);
  checkLength(OP, 'dBias', dBias, shapes.bias);
  checkLength(OP, 'dOut', dOut, shapes.output);
  const { outHeight, outWidth } = convTranspose2dOutputSize(p);
  const plane = outHeight * outWidth;
  for (let oc = 0; oc < p.outChannels; oc++) {
    let sum = 0;
    for (let n = 0; n < p.batch; n++) {
      const start = (n * p.outChannels + oc) * plane;
      for (let i = 0; i < plane; i++) sum += dOut[start + i];
    }
    dBias[oc] = sum;
  }
}
