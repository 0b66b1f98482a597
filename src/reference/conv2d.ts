// CPU reference for conv2d: naive loops over NCHW float arrays, written to be read and trusted,
// not to be fast (the benchmark's fast CPU path lives elsewhere and is tested against this).
// Every sum is accumulated in a JS double and stored once; backward passes overwrite their output.

import { conv2dOutputSize, conv2dShapes, validateConv2d, type Conv2dParams } from '../ops/conv2d.ts';
import type { FloatArray } from '../ops/types.ts';
import { checkLength } from './check.ts';

const OP = 'conv2d';

/** out[n,oc,oy,ox] = bias[oc] + sum over ic,ky,kx of input[n,ic,oy*s-pad+ky,ox*s-pad+kx] * weight[oc,ic,ky,kx]. */
export function conv2dForward(
  out: FloatArray,
  input: FloatArray,
  weight: FloatArray,
  bias: FloatArray,
  p: Conv2dParams,
): void {
  validateConv2d(p);
  const shapes = conv2dShapes(p);
  checkLength(OP, 'out', out, shapes.output);
  checkLength(OP, 'input', input, shapes.input);
  checkLength(OP, 'weight', weight, shapes.weight);
  checkLength(OP, 'bias', bias, shapes.bias);
  const { outHeight, outWidth } = conv2dOutputSize(p);
  const { inChannels, inHeight, inWidth, kernelH, kernelW, stride, padding } = p;
  for (let n = 0; n < p.batch; n++) {
    for (let oc = 0; oc < p.outChannels; oc++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          let sum = bias[oc];
          for (let ic = 0; ic < inChannels; ic++) {
            for (let ky = 0; ky < kernelH; ky++) {
              const iy = oy * stride - padding + ky;
              if (iy < 0 || iy >= inHeight) continue; // zero padding contributes nothing
              for (let kx = 0; kx < kernelW; kx++) {
                const ix = ox * stride - padding + kx;
                if (ix < 0 || ix >= inWidth) continue;
                const x = input[((n * inChannels + ic) * inHeight + iy) * inWidth + ix];
                sum += x * weight[((oc * inChannels + ic) * kernelH + ky) * kernelW + kx];
              }
            }
          }
          out[((n * p.outChannels + oc) * outHeight + oy) * outWidth + ox] = sum;
        }
      }
    }
  }
}

/**
 * dInput[n,ic,iy,ix] = sum of dOut[n,oc,oy,ox] * weight[oc,ic,ky,kx] over every output that read
 * this input, i.e. where iy = oy*s - pad + ky and ix = ox*s - pad + kx. Written as a gather (one
 * sum per input element) so nothing is accumulated in the output array's precision.
 */
export function conv2dBackwardInput(
  dInput: FloatArray,
  dOut: FloatArray,
  weight: FloatArray,
  p: Conv2dParams,
): void {
  validateConv2d(p);
  const shapes = conv2dShapes(p);
  checkLength(OP, 'dInput', dInput, shapes.input);
  checkLength(OP, 'dOut', dOut, shapes.output);
  checkLength(OP, 'weight', weight, shapes.weight);
  const { outHeight, outWidth } = conv2dOutputSize(p);
  const { inChannels, inHeight, inWidth, outChannels, kernelH, kernelW, stride, padding } = p;
  for (let n = 0; n < p.batch; n++) {
    for (let ic = 0; ic < inChannels; ic++) {
      for (let iy = 0; iy < inHeight; iy++) {
        for (let ix = 0; ix < inWidth; ix++) {
          let sum = 0;
          for (let oc = 0; oc < outChannels; oc++) {
            for (let ky = 0; ky < kernelH; ky++) {
              const oy = outputIndex(iy + padding - ky, stride, outHeight);
              if (oy < 0) continue;
              for (let kx = 0; kx < kernelW; kx++) {
                const ox = outputIndex(ix + padding - kx, stride, outWidth);
                if (ox < 0) continue;
                const g = dOut[((n * outChannels + oc) * outHeight + oy) * outWidth + ox];
                sum += g * weight[((oc * inChannels + ic) * kernelH + ky) * kernelW + kx];
              }
            }
          }
          dInput[((n * inChannels + ic) * inHeight + iy) * inWidth + ix] = sum;
        }
      }
    }
  }
}

/** The output row (or column) whose window starts `offset` before this tap, or -1 when none does. */
function outputIndex(offset: number, stride: number, outSize: number): number {
  if (offset < 0 || offset % stride !== 0) return -1;
  const o = offset / stride;
  return o < outSize ? o : -1;
}

/** dWeight[oc,ic,ky,kx] = sum over n,oy,ox of dOut[n,oc,oy,ox] * input[n,ic,oy*s-pad+ky,ox*s-pad+kx]. */
export function conv2dBackwardWeight(
  dWeight: FloatArray,
  dOut: FloatArray,
  input: FloatArray,
  p: Conv2dParams,
): void {
  validateConv2d(p);
  const shapes = conv2dShapes(p);
  checkLength(OP, 'dWeight', dWeight, shapes.weight);
  checkLength(OP, 'dOut', dOut, shapes.output);
  checkLength(OP, 'input', input, shapes.input);
  const { outHeight, outWidth } = conv2dOutputSize(p);
  const { inChannels, inHeight, inWidth, outChannels, kernelH, kernelW, stride, padding } = p;
  for (let oc = 0; oc < outChannels; oc++) {
    for (let ic = 0; ic < inChannels; ic++) {
      for (let ky = 0; ky < kernelH; ky++) {
        for (let kx = 0; kx < kernelW; kx++) {
          let sum = 0;
          for (let n = 0; n < p.batch; n++) {
            for (let oy = 0; oy < outHeight; oy++) {
              const iy = oy * stride - padding + ky;
              if (iy < 0 || iy >= inHeight) continue;
              for (let ox = 0; ox < outWidth; ox++) {
                const ix = ox * stride - padding + kx;
                if (ix < 0 || ix >= inWidth) continue;
                const g = dOut[((n * outChannels + oc) * outHeight + oy) * outWidth + ox];
                sum += g * input[((n * inChannels + ic) * inHeight + iy) * inWidth + ix];
              }
            }
          }
          dWeight[((oc * inChannels + ic) * kernelH + ky) * kernelW + kx] = sum;
        }
      }
    }
  }
}

/** dBias[oc] = sum over n,oy,ox of dOut[n,oc,oy,ox]. */
export function conv2dBackwardBias(dBias: FloatArray, dOut: FloatArray, p: Conv2dParams): void {
  validateConv2d(p);
  const shapes = conv2dShapes(p);
  checkLength(OP, 'dBias', dBias, shapes.bias);
  checkLength(OP, 'dOut', dOut, shapes.output);
  const { outHeight, outWidth } = conv2dOutputSize(p);
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
