// Tests of test/helpers/gradcheck.ts itself: a gradient checker that cannot fail proves nothing,
// so these show it passes a right gradient, fails a wrong one, and fails a tensor the loss ignores.

import { describe, expect, it } from 'vitest';
import { conv2dBackwardInput, conv2dForward } from '../../src/reference/conv2d.ts';
import { Random } from '../../src/util/random.ts';
import {
  gradcheck,
  numericGradient,
  randomFloat64,
  weightedSum,
  wellSeparated,
} from '../helpers/gradcheck.ts';

describe('gradcheck helper', () => {
  const x = Float64Array.from([-1.5, 0.25, 2]);
  const cubeSum = () => x.reduce((sum, xi) => sum + xi ** 3, 0);

  it('numericGradient matches 3x^2 for sum(x^3) and restores the values', () => {
    const grad = numericGradient(cubeSum, x);
    expect(Array.from(x)).toEqual([-1.5, 0.25, 2]);
    grad.forEach((g, i) => expect(g).toBeCloseTo(3 * x[i] ** 2, 8));
  });

  it('passes the right gradient and fails one off by 1%, naming the tensor', () => {
    const right = Array.from(x, (xi) => 3 * xi ** 2);
    expect(gradcheck(cubeSum, [{ name: 'x', values: x, analytic: right }]).ok).toBe(true);
    const wrong = right.map((g) => g * 1.01);
    const result = gradcheck(cubeSum, [{ name: 'x', values: x, analytic: wrong }]);
    expect(result.ok).toBe(false);
    expect(result.report).toMatch(/^x: 3 of 3 outside atol=1e-7 rtol=0.00001/);
  });

  it('fails a tensor the loss does not read, even when the analytic gradient is also zero', () => {
    const unused = Float64Array.from([1, 2]);
    const result = gradcheck(cubeSum, [{ name: 'unused', values: unused, analytic: [0, 0] }]);
    expect(result.ok).toBe(false);
    expect(result.report).toContain('unused (numeric gradient is all zero');
  });

  it('catches a conv2d input gradient computed with the kernel flipped wrongly', () => {
    const p = {
      batch: 1,
      inChannels: 2,
      inHeight: 5,
      inWidth: 4,
      outChannels: 3,
      kernelH: 3,
      kernelW: 2,
      stride: 1,
      padding: 1,
    };
    const rng = new Random(7);
    const input = randomFloat64(rng, 40);
    const weight = randomFloat64(rng, 36);
    const lossWeights = randomFloat64(rng, 75); // output 1 x 3 x 5 x 5
    const out = new Float64Array(75);
    const loss = () => {
      conv2dForward(out, input, weight, new Float64Array(3), p);
      return weightedSum(out, lossWeights);
    };
    const flipped = weight.slice().reverse(); // a kernel flipped end to end: a classic transposed-conv slip
    const dInput = new Float64Array(40);
    conv2dBackwardInput(dInput, lossWeights, flipped, p);
    expect(gradcheck(loss, [{ name: 'input', values: input, analytic: dInput }]).ok).toBe(false);
  });

  it('wellSeparated gives distinct values in [-1, 1] at least 1.5/length apart', () => {
    const values = Array.from(wellSeparated(new Random(3), 200)).sort((a, b) => a - b);
    expect(values[0]).toBeGreaterThanOrEqual(-1);
    expect(values[199]).toBeLessThanOrEqual(1);
    for (let i = 1; i < values.length; i++)
      expect(values[i] - values[i - 1]).toBeGreaterThanOrEqual(1.5 / 200);
  });
});
