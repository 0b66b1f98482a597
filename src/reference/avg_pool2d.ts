// CPU reference for avg_pool2d: naive loops over NCHW arrays. Each output is the mean of its
// kernel x kernel window (always full: pooling has no padding, so the divisor is kernel^2).

import { pool2dOutputSize, pool2dShapes, validateAvgPool2d, type Pool2dParams } from '../ops/avg_pool2d.ts';
import type { FloatArray } from '../ops/types.ts';
import { checkLength } from './check.ts';

const OP = 'avg_pool2d';

/** out[n,c,oy,ox] = mean of input[n,c,oy*s+ky,ox*s+kx] over ky,kx < kernel. */
export function avgPool2dForward(out: FloatArray, input: FloatArray, p: Pool2dParams): void {
  validateAvgPool2d(p);
  const shapes = pool2dShapes(p);
  checkLength(OP, 'out', out, shapes.output);
  checkLength(OP, 'input', input, shapes.input);
  const { outHeight, outWidth } = pool2dOutputSize(p);
  const { inHeight, inWidth, kernel, stride } = p;
  for (let plane = 0; plane < p.batch * p.channels; plane++) {
    const planeStart = plane * inHeight * inWidth;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        let sum = 0;
        for (let ky = 0; ky < kernel; ky++) {
          for (let kx = 0; kx < kernel; kx++) {
            sum += input[planeStart + (oy * stride + ky) * inWidth + (ox * stride + kx)];
          }
        }
        out[(plane * outHeight + oy) * outWidth + ox] = sum / (kernel * kernel);
      }
    }
  }
}

/**
 * dInput = 0, then each dOut[o] / kernel^2 is added to every element of its window (overlapping
 * windows add; inputs no window covers get 0). Sums are kept in doubles and stored once.
 */
export function avgPool2dBackward(dInput: FloatArray, dOut: FloatArray, p: Pool2dParams): void {
  validateAvgPool2d(p);
  const shapes = pool2dShapes(p);
  checkLength(OP, 'dInput', dInput, shapes.input);
  checkLength(OP, 'dOut', dOut, shapes.output);
  const { outHeight, outWidth } = pool2dOutputSize(p);
  const { inHeight, inWidth, kernel, stride } = p;
  const sums = new Float64Array(dInput.length);
  for (let plane = 0; plane < p.batch * p.channels; plane++) {
    const planeStart = plane * inHeight * inWidth;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const share = dOut[(plane * outHeight + oy) * outWidth + ox] / (kernel * kernel);
        for (let ky = 0; ky < kernel; ky++) {
          for (let kx = 0; kx < kernel; kx++) {
            sums[planeStart + (oy * stride + ky) * inWidth + (ox * stride + kx)] += share;
          }
        }
      }
    }
  }
  dInput.set(sums);
}
