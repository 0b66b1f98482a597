// im2colPacked against the column matrix built straight from its definition, in both sliver
// layouts (including the zeroed padding lanes), and col2im as the exact adjoint of im2col.
// Shapes: padding wider than the kernel reach, stride 2 and 3, non-square kernels, odd sizes.

import { describe, expect, it } from 'vitest';
import { col2im, im2colPacked, packedColumnsLength, type SliverAxis } from '../../src/fast/im2col.ts';
import { conv2dOutputSize, type Conv2dParams } from '../../src/ops/conv2d.ts';
import { Random } from '../../src/util/random.ts';
import { assertClose } from '../helpers/allclose.ts';

function params(
  inC: number,
  [h, w]: [number, number],
  [kh, kw]: [number, number],
  stride: number,
  padding: number,
) {
  const p: Conv2dParams = {
    batch: 2,
    inChannels: inC,
    inHeight: h,
    inWidth: w,
    outChannels: 1,
    kernelH: kh,
    kernelW: kw,
    stride,
    padding,
  };
  return p;
}

const CASES: Conv2dParams[] = [
  params(3, [5, 6], [3, 3], 1, 0),
  params(2, [7, 9], [7, 7], 2, 3),
  params(3, [3, 4], [7, 7], 1, 3), // some taps never land inside the input
  params(1, [11, 10], [2, 3], 3, 1),
  params(5, [6, 5], [1, 1], 2, 1),
];

/** Plain column matrix [taps, pixels] of one image, straight from the definition. */
function naiveColumns(
  input: Float32Array,
  image: number,
  p: Conv2dParams,
): { cols: Float64Array; taps: number; plane: number } {
  const { outHeight, outWidth } = conv2dOutputSize(p);
  const taps = p.inChannels * p.kernelH * p.kernelW;
  const plane = outHeight * outWidth;
  const cols = new Float64Array(taps * plane);
  for (let ic = 0; ic < p.inChannels; ic++) {
    for (let ky = 0; ky < p.kernelH; ky++) {
      for (let kx = 0; kx < p.kernelW; kx++) {
        const t = (ic * p.kernelH + ky) * p.kernelW + kx;
        for (let oy = 0; oy < outHeight; oy++) {
          for (let ox = 0; ox < outWidth; ox++) {
            const iy = oy * p.stride - p.padding + ky;
            const ix = ox * p.stride - p.padding + kx;
            const inside = iy >= 0 && iy < p.inHeight && ix >= 0 && ix < p.inWidth;
            const at = ((image * p.inChannels + ic) * p.inHeight + iy) * p.inWidth + ix;
            cols[t * plane + oy * outWidth + ox] = inside ? input[at] : 0;
          }
        }
      }
    }
  }
  return { cols, taps, plane };
}

const random = new Random(5);

describe('im2colPacked', () => {
  for (const p of CASES) {
    for (const axis of ['pixels', 'taps'] as SliverAxis[]) {
      it(`writes the ${axis}-sliver layout for ${JSON.stringify(p)}`, () => {
        const input = random.fillUniform(new Float32Array(p.batch * p.inChannels * p.inHeight * p.inWidth));
        const { cols, taps, plane } = naiveColumns(input, 1, p);
        const length = packedColumnsLength(p, axis);
        const packed = new Float32Array(length + 3).fill(NaN); // 3 guard elements past the end
        im2colPacked(packed, input, 1, p, axis);
        // Sliver layout of the GEMM's B: the sliver axis is the GEMM's n, the other its depth k.
        const [n, k] = axis === 'pixels' ? [plane, taps] : [taps, plane];
        const expected = new Float64Array(length); // padding lanes stay 0
        for (let t = 0; t < taps; t++) {
          for (let j = 0; j < plane; j++) {
            const [depth, lane] = axis === 'pixels' ? [t, j] : [j, t];
            expected[Math.floor(lane / 4) * k * 4 + depth * 4 + (lane % 4)] = cols[t * plane + j];
          }
        }
        expect(length).toBe(Math.ceil(n / 4) * 4 * k);
        expect(Array.from(packed.subarray(0, length))).toEqual(Array.from(expected));
        expect(Array.from(packed.subarray(length))).toEqual([NaN, NaN, NaN]);
      });
    }
  }
});

describe('col2im', () => {
  for (const p of CASES) {
    it(`is the adjoint of im2col, <im2col(x), y> = <x, col2im(y)>, for ${JSON.stringify(p)}`, () => {
      const x = random.fillUniform(new Float32Array(p.batch * p.inChannels * p.inHeight * p.inWidth));
      const { cols, taps, plane } = naiveColumns(x, 1, p);
      const y = random.fillUniform(new Float32Array(taps * plane));
      const back = random.fillUniform(new Float32Array(x.length)); // image 1 must be overwritten, image 0 kept
      const image0 = Array.from(back.subarray(0, x.length / 2));
      col2im(back, y, 1, p);
      let left = 0;
      let right = 0;
      for (let i = 0; i < y.length; i++) left += cols[i] * y[i];
      for (let i = x.length / 2; i < x.length; i++) right += x[i] * back[i];
      // Each back[i] is a float32 sum of at most taps terms of size <= 1; |x| <= 1.
      assertClose([right], [left], { atol: 2 ** -22 * taps * x.length, rtol: 0 }, 'adjoint');
      expect(Array.from(back.subarray(0, x.length / 2))).toEqual(image0);
    });
  }
});
