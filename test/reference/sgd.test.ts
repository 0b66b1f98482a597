// sgd reference: single and repeated steps computed by hand with PyTorch's SGD semantics
// (coupled weight decay, dampening 0, no Nesterov), and validation messages.

import { describe, expect, it } from 'vitest';
import { sgdFlops, validateSgd } from '../../src/ops/sgd.ts';
import type { SgdParams } from '../../src/ops/sgd.ts';
import { sgdUpdate } from '../../src/reference/sgd.ts';
import { assertClose } from '../helpers/allclose.ts';

const f64 = (values: number[]) => Float64Array.from(values);
const TIGHT = { atol: 1e-15, rtol: 1e-15 }; // a few double roundings of short expressions

describe('sgdUpdate by hand', () => {
  it('one step with momentum and weight decay', () => {
    const p: SgdParams = { learningRate: 0.1, momentum: 0.9, weightDecay: 0.1 };
    const params = f64([1, -2]);
    const velocity = f64([0.2, 0]);
    sgdUpdate(params, velocity, f64([0.5, 1]), p);
    // [0]: g = 0.5 + 0.1*1 = 0.6, v = 0.9*0.2 + 0.6 = 0.78, param = 1 - 0.1*0.78
    // [1]: g = 1 + 0.1*-2 = 0.8, v = 0 + 0.8, param = -2 - 0.1*0.8
    assertClose(velocity, [0.78, 0.8], TIGHT, 'velocity');
    assertClose(params, [0.922, -2.08], TIGHT, 'params');
  });

  it('momentum 0 ignores the old velocity: v = g, param -= lr*g', () => {
    const params = f64([3]);
    const velocity = f64([123]);
    sgdUpdate(params, velocity, f64([2]), { learningRate: 0.5, momentum: 0, weightDecay: 0 });
    expect(Array.from(velocity)).toEqual([2]);
    expect(Array.from(params)).toEqual([2]);
  });

  it('two steps from zero velocity: the first velocity is the gradient, as in PyTorch', () => {
    const p: SgdParams = { learningRate: 0.1, momentum: 0.5, weightDecay: 0 };
    const params = f64([1]);
    const velocity = f64([0]);
    sgdUpdate(params, velocity, f64([1]), p); // v = 1, param = 0.9
    sgdUpdate(params, velocity, f64([1]), p); // v = 0.5 + 1 = 1.5, param = 0.9 - 0.15
    assertClose(velocity, [1.5], TIGHT, 'velocity');
    assertClose(params, [0.75], TIGHT, 'params');
  });
});

describe('sgd validation', () => {
  const good: SgdParams = { learningRate: 0.01, momentum: 0.9, weightDecay: 0 };
  it.each([
    [
      'learningRate',
      { ...good, learningRate: -0.1 },
      'sgd: learningRate must be a finite number >= 0, got -0.1; try 0.01',
    ],
    [
      'learningRate',
      { ...good, learningRate: Infinity },
      'sgd: learningRate must be a finite number >= 0, got Infinity',
    ],
    ['momentum', { ...good, momentum: 1 }, 'sgd: momentum must be in [0, 1), got 1; use 0 or e.g. 0.9'],
    ['momentum', { ...good, momentum: -0.5 }, 'sgd: momentum must be in [0, 1), got -0.5'],
    ['weightDecay', { ...good, weightDecay: NaN }, 'sgd: weightDecay must be a finite number >= 0, got NaN'],
  ])('rejects a bad %s with a message naming it', (_field, p, message) => {
    expect(() => validateSgd(p)).toThrow(message);
    expect(() => sgdUpdate(f64([1]), f64([0]), f64([1]), p)).toThrow(message);
  });

  it('checks array lengths, naming the array', () => {
    expect(() => sgdUpdate(f64([1, 2]), f64([0]), f64([1, 1]), good)).toThrow(
      'sgd: velocity has length 1 but shape [2] needs 2',
    );
    expect(() => sgdUpdate(f64([1, 2]), f64([0, 0]), f64([1]), good)).toThrow('sgd: grads has length 1');
  });

  it('counts 6 FLOPs per element', () => {
    expect(sgdFlops(7)).toBe(42);
  });
});
