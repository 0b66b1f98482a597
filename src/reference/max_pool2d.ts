// CPU reference for max_pool2d: naive loops over NCHW arrays. The forward records, for each
// output, the flat index into the whole input tensor of the element it chose, so the backward
// pass is a scatter that needs no second look at the input.
// Ties: the first maximum in row-major window order wins. NaN: the first NaN in the window wins,
// so a NaN in the input always reaches the output (as in PyTorch) instead of vanishing.

import { pool2dOutputSize, pool2dShapes, validateMaxPool2d, type Pool2dParams } from '../ops/max_pool2d.ts';
import type { FloatArray } from '../ops/types.ts';
import { checkLength } from './check.ts';

const OP = 'max_pool2d';

/** out = max over each kernel x kernel window; argmax = flat input index of the chosen element. */
export function maxPool2dForward(
  out: FloatArray,
  argmax: Int32Array,
  input: FloatArray,
  p: Pool2dParams,
): void {
  validateMaxPool2d(p);
  const shapes = pool2dShapes(p);
  checkLength(OP, 'out', out, shapes.output);
  checkLength(OP, 'argmax', argmax, shapes.output);
  checkLength(OP, 'input', input, shapes.input);
  const { outHeight, outWidth } = pool2dOutputSize(p);
  const { inHeight, inWidth, kernel, stride } = p;
  for (let plane = 0; plane < p.batch * p.channels; plane++) {
    const planeStart = plane * inHeight * inWidth;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        let best = planeStart + oy * stride * inWidth + ox * stride; // the window's first element
        for (let ky = 0; ky < kernel; ky++) {
          for (let kx = 0; kx < kernel; kx++) {
            const i = planeStart + (oy * stride + ky) * inWidth + (ox * stride + kx);
            // Strict '>' keeps the first of equal maxima; once `best` is NaN nothing replaces it.
            if (input[i] > input[best] || (Number.isNaN(input[i]) && !Number.isNaN(input[best]))) best = i;
          }
        }
        const o = (plane * outHeight + oy) * outWidth + ox;
        out[o] = input[best];
        argmax[o] = best;
      }
    }
  }
}

/**
 * dInput = 0, then dInput[argmax[o]] += dOut[o] for every output o (overlapping windows that
 * chose the same element add). Sums are kept in doubles and stored once.
 */
export function maxPool2dBackward(
  dInput: FloatArray,
  dOut: FloatArray,
  argmax: Int32Array,
  p: Pool2dParams,
): void {
  validateMaxPool2d(p);
  const shapes = pool2dShapes(p);
  checkLength(OP, 'dInput', dInput, shapes.input);
  checkLength(OP, 'dOut', dOut, shapes.output);
  checkLength(OP, 'argmax', argmax, shapes.output);
  const sums = new Float64Array(dInput.length);
  for (let o = 0; o < dOut.length; o++) {
    const i = argmax[o];
    if (i < 0 || i >= sums.length) {
      throw new Error(
        `${OP}: argmax[${o}] is ${i}, outside the input's ${sums.length} elements; ` +
          'pass the argmax written by maxPool2dForward with the same params',
      );
    }
    sums[i] += dOut[o];
  }
  dInput.set(sums);
}
