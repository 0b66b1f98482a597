// dense reference: a hand-computed forward and backward, gradchecks of input, weight and bias
// across awkward shapes, FLOP counts and validation messages.

import { describe, expect, it } from 'vitest';
import { denseFlops, densePassFlops, denseShapes, validateDense } from '../../src/ops/dense.ts';
import type { DenseParams } from '../../src/ops/dense.ts';
import { numel } from '../../src/ops/types.ts';
import {
  denseBackwardBias,
  denseBackwardInput,
  denseBackwardWeight,
  denseForward,
} from '../../src/reference/dense.ts';
import { Random } from '../../src/util/random.ts';
import { gradcheck, nanFilled, randomFloat64, weightedSum } from '../helpers/gradcheck.ts';

const f64 = (values: number[]) => Float64Array.from(values);

describe('dense by hand (batch 2, 3 -> 2 features)', () => {
  const p: DenseParams = { batch: 2, inFeatures: 3, outFeatures: 2 };
  const input = f64([1, 2, 3, -1, 0, 2]); // rows [1, 2, 3] and [-1, 0, 2]
  const weight = f64([1, 0, -1, 0.5, 2, 1]); // [out, in]: rows [1, 0, -1] and [0.5, 2, 1]
  const dOut = f64([1, 0, 0, 2]);

  it('forward: out[b,o] = input[b] . weight[o] + bias[o]', () => {
    const out = nanFilled(4);
    denseForward(out, input, weight, f64([10, -1]), p);
    // [1-3+10, 0.5+4+3-1, -1-2+10, -0.5+0+2-1]
    expect(Array.from(out)).toEqual([8, 6.5, 7, 0.5]);
  });

  it('backward: dInput = dOut W, dWeight = dOut^T input, dBias = column sums of dOut', () => {
    const dInput = nanFilled(6);
    const dWeight = nanFilled(6);
    const dBias = nanFilled(2);
    denseBackwardInput(dInput, dOut, weight, p);
    denseBackwardWeight(dWeight, dOut, input, p);
    denseBackwardBias(dBias, dOut, p);
    expect(Array.from(dInput)).toEqual([1, 0, -1, 1, 4, 2]); // 1*W[0]; 2*W[1]
    expect(Array.from(dWeight)).toEqual([1, 2, 3, -2, 0, 4]); // 1*input[0]; 2*input[1]
    expect(Array.from(dBias)).toEqual([1, 2]);
  });
});

const GRADCHECK_CASES: Array<[string, DenseParams]> = [
  ['batch 1, 1 -> 1', { batch: 1, inFeatures: 1, outFeatures: 1 }],
  ['batch 3, 7 -> 5', { batch: 3, inFeatures: 7, outFeatures: 5 }],
  ['batch 2, 13 -> 10 (a classify layer)', { batch: 2, inFeatures: 13, outFeatures: 10 }],
  ['batch 1, 45 -> 3 (a flattened feature map)', { batch: 1, inFeatures: 45, outFeatures: 3 }],
];

describe('dense gradcheck (Float64 central differences, loss = sum(out * randomWeights))', () => {
  it.each(GRADCHECK_CASES)('%s', (_name, p) => {
    const rng = new Random(0xde45e + p.inFeatures * 31 + p.outFeatures);
    const shapes = denseShapes(p);
    const input = randomFloat64(rng, numel(shapes.input));
    const weight = randomFloat64(rng, numel(shapes.weight));
    const bias = randomFloat64(rng, numel(shapes.bias));
    const lossWeights = randomFloat64(rng, numel(shapes.output));
    const out = new Float64Array(numel(shapes.output));
    const loss = () => {
      denseForward(out, input, weight, bias, p);
      return weightedSum(out, lossWeights);
    };
    const dInput = nanFilled(input.length);
    const dWeight = nanFilled(weight.length);
    const dBias = nanFilled(bias.length);
    denseBackwardInput(dInput, lossWeights, weight, p);
    denseBackwardWeight(dWeight, lossWeights, input, p);
    denseBackwardBias(dBias, lossWeights, p);
    const result = gradcheck(loss, [
      { name: 'input', values: input, analytic: dInput },
      { name: 'weight', values: weight, analytic: dWeight },
      { name: 'bias', values: bias, analytic: dBias },
    ]);
    expect(result.ok, result.report).toBe(true);
  });
});

describe('dense shapes, FLOPs and validation', () => {
  it('uses nn.Linear layouts and 2 FLOPs per multiply-add', () => {
    const p = { batch: 3, inFeatures: 7, outFeatures: 5 };
    expect(denseShapes(p)).toEqual({ input: [3, 7], weight: [5, 7], bias: [5], output: [3, 5] });
    expect(denseFlops(p)).toBe(210);
    expect(densePassFlops(p)).toEqual({
      forward: 210,
      backwardInput: 210,
      backwardWeight: 210,
      backwardBias: 15,
    });
  });

  it.each([
    ['batch', { batch: 0, inFeatures: 3, outFeatures: 2 }, 'dense: batch must be a positive integer, got 0'],
    [
      'inFeatures',
      { batch: 1, inFeatures: 1.5, outFeatures: 2 },
      'dense: inFeatures must be a positive integer, got 1.5',
    ],
    [
      'outFeatures',
      { batch: 1, inFeatures: 3, outFeatures: -2 },
      'dense: outFeatures must be a positive integer, got -2',
    ],
  ])('rejects a bad %s with a message naming it', (_field, p, message) => {
    expect(() => validateDense(p)).toThrow(message);
    expect(() => denseBackwardBias(new Float64Array(2), new Float64Array(2), p)).toThrow(message);
  });

  it('checks array lengths, naming the array', () => {
    const p = { batch: 2, inFeatures: 3, outFeatures: 2 };
    const a6 = new Float64Array(6);
    expect(() => denseForward(new Float64Array(4), a6, new Float64Array(5), new Float64Array(2), p)).toThrow(
      'dense: weight has length 5 but shape [2, 3] needs 6',
    );
    expect(() => denseBackwardInput(a6, new Float64Array(3), a6, p)).toThrow('dense: dOut has length 3');
    expect(() => denseBackwardWeight(a6, new Float64Array(4), new Float64Array(7), p)).toThrow(
      'dense: input has length 7',
    );
  });
});
