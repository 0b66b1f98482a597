// adam reference: steps computed by hand with PyTorch's Adam semantics (L2 decay added to the
// gradient, bias-corrected moments), and validation messages.

import { describe, expect, it } from 'vitest';
import { adamBiasCorrections, adamFlops, validateAdam } from '../../src/ops/adam.ts';
import type { AdamParams } from '../../src/ops/adam.ts';
import { adamUpdate } from '../../src/reference/adam.ts';
import { assertClose } from '../helpers/allclose.ts';

const f64 = (values: number[]) => Float64Array.from(values);
const TIGHT = { atol: 1e-15, rtol: 1e-14 }; // a few double roundings of short expressions
const DEFAULTS: AdamParams = {
  learningRate: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0,
  step: 1,
};

describe('adamUpdate by hand', () => {
  it('step 1 from zero moments moves each param by about lr against its gradient sign', () => {
    const params = f64([1, -1]);
    const m = f64([0, 0]);
    const v = f64([0, 0]);
    adamUpdate(params, m, v, f64([0.5, -0.25]), DEFAULTS);
    // m = 0.1*g, v = 0.001*g^2; the corrections 0.1 and 0.001 give mHat = g, sqrt(vHat) = |g|
    assertClose(m, [0.05, -0.025], TIGHT, 'm');
    assertClose(v, [0.00025, 0.0000625], TIGHT, 'v');
    assertClose(
      params,
      [1 - (0.01 * 0.5) / (0.5 + 1e-8), -1 + (0.01 * 0.25) / (0.25 + 1e-8)],
      TIGHT,
      'params',
    );
  });

  it('step 2 with weight decay and existing moments', () => {
    const p: AdamParams = {
      learningRate: 0.1,
      beta1: 0.5,
      beta2: 0.75,
      epsilon: 1e-8,
      weightDecay: 0.25,
      step: 2,
    };
    expect(adamBiasCorrections(p)).toEqual({ correction1: 0.75, correction2: 0.4375 });
    const params = f64([2]);
    const m = f64([0.4]);
    const v = f64([0.25]);
    adamUpdate(params, m, v, f64([0.5]), p);
    // g = 0.5 + 0.25*2 = 1; m = 0.5*0.4 + 0.5*1 = 0.7; v = 0.75*0.25 + 0.25*1 = 0.4375
    // mHat = 0.7 / 0.75 = 14/15; vHat = 0.4375 / 0.4375 = 1; param = 2 - 0.1 * (14/15) / (1 + eps)
    assertClose(m, [0.7], TIGHT, 'm');
    assertClose(v, [0.4375], TIGHT, 'v');
    assertClose(params, [2 - (0.1 * (14 / 15)) / (1 + 1e-8)], TIGHT, 'params');
  });

  it('a zero gradient leaves a param with zero moments unchanged (epsilon keeps 0/0 away)', () => {
    const params = f64([0.3]);
    adamUpdate(params, f64([0]), f64([0]), f64([0]), DEFAULTS);
    expect(Array.from(params)).toEqual([0.3]);
  });
});

describe('adam validation', () => {
  it.each([
    [
      'learningRate',
      { ...DEFAULTS, learningRate: -1 },
      'adam: learningRate must be a finite number >= 0, got -1; try 0.001',
    ],
    ['beta1', { ...DEFAULTS, beta1: 1 }, 'adam: beta1 must be in [0, 1), got 1; try 0.9'],
    ['beta2', { ...DEFAULTS, beta2: -0.1 }, 'adam: beta2 must be in [0, 1), got -0.1; try 0.999'],
    ['epsilon', { ...DEFAULTS, epsilon: 0 }, 'adam: epsilon must be a finite number > 0, got 0; try 1e-8'],
    [
      'weightDecay',
      { ...DEFAULTS, weightDecay: -0.01 },
      'adam: weightDecay must be a finite number >= 0, got -0.01',
    ],
    [
      'step',
      { ...DEFAULTS, step: 0 },
      'adam: step must be a positive integer, got 0; use a whole number >= 1',
    ],
    ['step', { ...DEFAULTS, step: 1.5 }, 'adam: step must be a positive integer, got 1.5'],
  ])('rejects a bad %s with a message naming it', (_field, p, message) => {
    expect(() => validateAdam(p)).toThrow(message);
    expect(() => adamUpdate(f64([1]), f64([0]), f64([0]), f64([1]), p)).toThrow(message);
  });

  it('checks array lengths, naming the array', () => {
    const two = () => f64([0, 0]);
    expect(() => adamUpdate(two(), f64([0]), two(), two(), DEFAULTS)).toThrow(
      'adam: m has length 1 but shape [2] needs 2',
    );
    expect(() => adamUpdate(two(), two(), f64([0, 0, 0]), two(), DEFAULTS)).toThrow('adam: v has length 3');
    expect(() => adamUpdate(two(), two(), two(), f64([1]), DEFAULTS)).toThrow('adam: grads has length 1');
  });

  it('counts 16 FLOPs per element', () => {
    expect(adamFlops(3)).toBe(48);
  });
});
