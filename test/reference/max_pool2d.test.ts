// max_pool2d reference: hand-computed cases (ties, NaN, dropped edges, overlapping windows),
// gradchecks on inputs with no ties, shape maths and validation messages.

import { describe, expect, it } from 'vitest';
import {
  maxPool2dFlops,
  pool2dOutputSize,
  pool2dShapes,
  validateMaxPool2d,
} from '../../src/ops/max_pool2d.ts';
import type { Pool2dParams } from '../../src/ops/pool2d.ts';
import { numel } from '../../src/ops/types.ts';
import { maxPool2dBackward, maxPool2dForward } from '../../src/reference/max_pool2d.ts';
import { Random } from '../../src/util/random.ts';
import { gradcheck, nanFilled, randomFloat64, weightedSum, wellSeparated } from '../helpers/gradcheck.ts';

function pool(overrides: Partial<Pool2dParams>): Pool2dParams {
  return { batch: 1, channels: 1, inHeight: 4, inWidth: 4, kernel: 2, stride: 2, ...overrides };
}

function runForward(input: number[], p: Pool2dParams): { out: number[]; argmax: number[] } {
  const size = numel(pool2dShapes(p).output);
  const out = new Float64Array(size);
  const argmax = new Int32Array(size);
  maxPool2dForward(out, argmax, Float64Array.from(input), p);
  return { out: Array.from(out), argmax: Array.from(argmax) };
}

describe('maxPool2dForward by hand', () => {
  it('picks each window maximum; ties go to the first in row-major window order', () => {
    // prettier-ignore
    const input = [
      1, 3, 2, 2,
      3, 0, 2, 2,
      5, 4, 7, 9,
      4, 5, 8, 6,
    ];
    // window (0,0): 3 at flat 1 beats the later 3 at flat 4; window (0,1): four 2s, flat 2 first;
    // window (1,0): 5 at flat 8 beats the later 5 at flat 13; window (1,1): 9 at flat 11
    expect(runForward(input, pool({}))).toEqual({ out: [3, 2, 5, 9], argmax: [1, 2, 8, 11] });
  });

  it('drops the row and column no full window covers; argmax indexes the whole tensor', () => {
    const p = pool({ batch: 2, inHeight: 3, inWidth: 3 }); // one 2x2 window per plane
    const input = [1, 2, 9, 3, 4, 9, 9, 9, 9, -8, -7, 0, -6, -5, 0, 0, 0, 0];
    expect(runForward(input, p)).toEqual({ out: [4, -5], argmax: [4, 13] });
  });

  it('finds the maximum of an all-negative window', () => {
    expect(runForward([-5, -2, -3, -4], pool({ inHeight: 2, inWidth: 2 }))).toEqual({
      out: [-2],
      argmax: [1],
    });
  });

  it('propagates NaN: the first NaN in the window is chosen', () => {
    const { out, argmax } = runForward([1, NaN, 5, NaN], pool({ inHeight: 2, inWidth: 2 }));
    expect(out[0]).toBeNaN();
    expect(argmax).toEqual([1]);
  });
});

describe('maxPool2dBackward by hand', () => {
  it('routes dOut to the argmax, adding where overlapping windows chose the same element', () => {
    const p = pool({ inHeight: 3, inWidth: 3, kernel: 2, stride: 1 });
    const input = Float64Array.from([0, 1, 0, 2, 9, 3, 0, 4, 0]); // the centre wins all four windows
    const out = new Float64Array(4);
    const argmax = new Int32Array(4);
    maxPool2dForward(out, argmax, input, p);
    const dInput = nanFilled(9);
    maxPool2dBackward(dInput, Float64Array.from([1, 2, 3, 4]), argmax, p);
    expect(Array.from(dInput)).toEqual([0, 0, 0, 0, 10, 0, 0, 0, 0]);
  });

  it('rejects an argmax outside the input with a clear message', () => {
    const p = pool({ inHeight: 2, inWidth: 2 });
    expect(() =>
      maxPool2dBackward(new Float64Array(4), new Float64Array(1), Int32Array.from([4]), p),
    ).toThrow('max_pool2d: argmax[0] is 4, outside the input');
  });
});

// prettier-ignore
const GRADCHECK_CASES: Array<[string, Pool2dParams]> = [
  ['kernel 2 stride 2 on odd 7x9 (edges dropped), batch 3, 5 channels', pool({ batch: 3, channels: 5, inHeight: 7, inWidth: 9 })],
  ['kernel 3 stride 2 (overlapping) on 9x7, batch 1, 3 channels', pool({ channels: 3, inHeight: 9, inWidth: 7, kernel: 3 })],
  ['kernel 3 stride 1 on 6x5, batch 3, 3 channels', pool({ batch: 3, channels: 3, inHeight: 6, inWidth: 5, kernel: 3, stride: 1 })],
  ['kernel 1 stride 1 (identity), batch 1, 5 channels', pool({ channels: 5, inHeight: 4, inWidth: 5, kernel: 1, stride: 1 })],
  ['kernel 2 stride 3 (gaps), batch 3, 3 channels', pool({ batch: 3, channels: 3, inHeight: 8, inWidth: 7, stride: 3 })],
  ['kernel 5 over a whole 5x5 plane, batch 3, 5 channels', pool({ batch: 3, channels: 5, inHeight: 5, inWidth: 5, kernel: 5, stride: 1 })],
];

describe('max_pool2d gradcheck (Float64, distinct well-separated inputs so no eps step changes an argmax)', () => {
  it.each(GRADCHECK_CASES)('%s', (_name, p) => {
    const rng = new Random(0x9001 + numel(pool2dShapes(p).input));
    const shapes = pool2dShapes(p);
    const input = wellSeparated(rng, numel(shapes.input));
    const lossWeights = randomFloat64(rng, numel(shapes.output));
    const out = new Float64Array(numel(shapes.output));
    const argmax = new Int32Array(out.length);
    const loss = () => {
      maxPool2dForward(out, argmax, input, p);
      return weightedSum(out, lossWeights);
    };
    loss(); // argmax at the unperturbed input, for the analytic gradient
    const dInput = nanFilled(input.length);
    maxPool2dBackward(dInput, lossWeights, argmax, p);
    const result = gradcheck(loss, [{ name: 'input', values: input, analytic: dInput }]);
    expect(result.ok, result.report).toBe(true);
  });
});

describe('max_pool2d shape maths and validation', () => {
  it('follows floor((in - k) / stride) + 1', () => {
    const p = pool({ batch: 3, channels: 5, inHeight: 7, inWidth: 9, kernel: 3, stride: 2 });
    expect(pool2dOutputSize(p)).toEqual({ outHeight: 3, outWidth: 4 });
    expect(pool2dShapes(p)).toEqual({ input: [3, 5, 7, 9], output: [3, 5, 3, 4] });
    expect(maxPool2dFlops(p)).toBe(3 * 5 * 3 * 4 * 9);
  });

  it.each([
    [
      'kernel vs inHeight',
      pool({ inHeight: 2, kernel: 3 }),
      'max_pool2d: kernel 3 is larger than inHeight 2; use a kernel no larger than the input (pooling has no padding)',
    ],
    ['kernel vs inWidth', pool({ inWidth: 1 }), 'max_pool2d: kernel 2 is larger than inWidth 1'],
    ['channels', pool({ channels: 0 }), 'max_pool2d: channels must be a positive integer, got 0'],
    ['stride', pool({ stride: 1.5 }), 'max_pool2d: stride must be a positive integer, got 1.5'],
    ['batch', pool({ batch: -1 }), 'max_pool2d: batch must be a positive integer, got -1'],
  ])('rejects a bad %s with a message naming it', (_field, p, message) => {
    expect(() => validateMaxPool2d(p)).toThrow(message);
    expect(() => maxPool2dForward(new Float64Array(1), new Int32Array(1), new Float64Array(16), p)).toThrow(
      message,
    );
  });

  it('checks array lengths, naming the array', () => {
    const p = pool({}); // input 16, output 4
    expect(() => maxPool2dForward(new Float64Array(4), new Int32Array(3), new Float64Array(16), p)).toThrow(
      'max_pool2d: argmax has length 3 but shape [1, 1, 2, 2] needs 4',
    );
    expect(() => maxPool2dForward(new Float64Array(4), new Int32Array(4), new Float64Array(15), p)).toThrow(
      'max_pool2d: input has length 15',
    );
    expect(() => maxPool2dBackward(new Float64Array(16), new Float64Array(5), new Int32Array(4), p)).toThrow(
      'max_pool2d: dOut has length 5',
    );
  });
});
