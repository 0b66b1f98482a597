// avg_pool2d reference: hand-computed forward and backward cases, gradchecks across awkward
// shapes, and validation messages that name avg_pool2d.

import { describe, expect, it } from 'vitest';
import { avgPool2dFlops, pool2dShapes, validateAvgPool2d } from '../../src/ops/avg_pool2d.ts';
import type { Pool2dParams } from '../../src/ops/pool2d.ts';
import { numel } from '../../src/ops/types.ts';
import { avgPool2dBackward, avgPool2dForward } from '../../src/reference/avg_pool2d.ts';
import { Random } from '../../src/util/random.ts';
import { gradcheck, nanFilled, randomFloat64, weightedSum } from '../helpers/gradcheck.ts';

function pool(overrides: Partial<Pool2dParams>): Pool2dParams {
  return { batch: 1, channels: 1, inHeight: 3, inWidth: 3, kernel: 2, stride: 1, ...overrides };
}

const INPUT_1_TO_9 = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);

describe('avg_pool2d by hand', () => {
  it('forward: each output is the mean of its window', () => {
    const out = new Float64Array(4);
    avgPool2dForward(out, INPUT_1_TO_9, pool({}));
    // (1+2+4+5)/4, (2+3+5+6)/4, (4+5+7+8)/4, (5+6+8+9)/4
    expect(Array.from(out)).toEqual([3, 4, 6, 7]);
  });

  it('forward: keeps batch and channel planes apart', () => {
    const out = new Float64Array(2);
    avgPool2dForward(
      out,
      Float64Array.from([1, 2, 3, 4, -1, -2, -3, -6]),
      pool({ channels: 2, inHeight: 2, inWidth: 2 }),
    );
    expect(Array.from(out)).toEqual([2.5, -3]);
  });

  it('backward: overlapping windows add their share dOut / kernel^2', () => {
    const dInput = nanFilled(9);
    avgPool2dBackward(dInput, Float64Array.from([1, 1, 1, 1]), pool({}));
    expect(Array.from(dInput)).toEqual([0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25]);
  });

  it('backward: inputs in the dropped row and column get exactly 0', () => {
    const dInput = nanFilled(9);
    avgPool2dBackward(dInput, Float64Array.from([4]), pool({ stride: 2 }));
    expect(Array.from(dInput)).toEqual([1, 1, 0, 1, 1, 0, 0, 0, 0]);
  });
});

// prettier-ignore
const GRADCHECK_CASES: Array<[string, Pool2dParams]> = [
  ['kernel 2 stride 2 on odd 7x9, batch 3, 5 channels', pool({ batch: 3, channels: 5, inHeight: 7, inWidth: 9, stride: 2 })],
  ['kernel 3 stride 2 (overlapping) on 9x7, batch 1, 3 channels', pool({ channels: 3, inHeight: 9, inWidth: 7, kernel: 3, stride: 2 })],
  ['kernel 3 stride 1 on 6x5, batch 3, 3 channels', pool({ batch: 3, channels: 3, inHeight: 6, inWidth: 5, kernel: 3 })],
  ['kernel 1 stride 1 (identity), batch 1, 5 channels', pool({ channels: 5, inHeight: 4, inWidth: 5, kernel: 1 })],
  ['kernel 2 stride 3 (gaps), batch 3, 3 channels', pool({ batch: 3, channels: 3, inHeight: 8, inWidth: 7, stride: 3 })],
  ['kernel 7 over a whole 7x7 plane, batch 3, 5 channels', pool({ batch: 3, channels: 5, inHeight: 7, inWidth: 7, kernel: 7 })],
];

describe('avg_pool2d gradcheck (Float64 central differences)', () => {
  it.each(GRADCHECK_CASES)('%s', (_name, p) => {
    const rng = new Random(0xa76 + numel(pool2dShapes(p).input));
    const shapes = pool2dShapes(p);
    const input = randomFloat64(rng, numel(shapes.input));
    const lossWeights = randomFloat64(rng, numel(shapes.output));
    const out = new Float64Array(numel(shapes.output));
    const loss = () => {
      avgPool2dForward(out, input, p);
      return weightedSum(out, lossWeights);
    };
    const dInput = nanFilled(input.length);
    avgPool2dBackward(dInput, lossWeights, p);
    const result = gradcheck(loss, [{ name: 'input', values: input, analytic: dInput }]);
    expect(result.ok, result.report).toBe(true);
  });
});

describe('avg_pool2d shapes and validation', () => {
  it('counts one add per window tap', () => {
    expect(avgPool2dFlops(pool({ batch: 3, channels: 5, inHeight: 7, inWidth: 9, stride: 2 }))).toBe(
      3 * 5 * 3 * 4 * 4,
    );
  });

  it('names avg_pool2d and the bad field', () => {
    expect(() => validateAvgPool2d(pool({ kernel: 4 }))).toThrow(
      'avg_pool2d: kernel 4 is larger than inHeight 3',
    );
    expect(() => validateAvgPool2d(pool({ inWidth: 0 }))).toThrow(
      'avg_pool2d: inWidth must be a positive integer, got 0',
    );
    expect(() => avgPool2dForward(new Float64Array(4), new Float64Array(9), pool({ kernel: 0 }))).toThrow(
      'avg_pool2d: kernel must be a positive integer, got 0',
    );
  });

  it('checks array lengths, naming the array', () => {
    expect(() => avgPool2dForward(new Float64Array(3), INPUT_1_TO_9, pool({}))).toThrow(
      'avg_pool2d: out has length 3 but shape [1, 1, 2, 2] needs 4',
    );
    expect(() => avgPool2dBackward(new Float64Array(8), new Float64Array(4), pool({}))).toThrow(
      'avg_pool2d: dInput has length 8',
    );
  });
});
