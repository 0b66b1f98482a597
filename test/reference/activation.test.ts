// activation reference: known values of relu/sigmoid/tanh/none and their slopes written in terms
// of the forward output, gradchecks for each, and the name validator.

import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, activationFlops, validateActivation } from '../../src/ops/activation.ts';
import type { Activation } from '../../src/ops/activation.ts';
import { activationBackward, activationForward } from '../../src/reference/activation.ts';
import { Random } from '../../src/util/random.ts';
import { assertClose } from '../helpers/allclose.ts';
import { gradcheck, nanFilled, randomFloat64, weightedSum } from '../helpers/gradcheck.ts';

const LN2 = Math.log(2);
const LN3 = Math.log(3);
// Known points: sigmoid(+-ln 3) = 3/4 and 1/4; tanh(+-ln 2) = (2 - 1/2) / (2 + 1/2) = +-3/5.
const X = Float64Array.from([-LN3, -LN2, 0, LN2, LN3, -1000, 1000]);
const EXPECTED: Record<Activation, number[]> = {
  none: Array.from(X),
  relu: [0, 0, 0, LN2, LN3, 0, 1000],
  sigmoid: [0.25, 1 / (1 + 2), 0.5, 2 / 3, 0.75, 0, 1],
  tanh: [-0.8, -0.6, 0, 0.6, 0.8, -1, 1], // tanh(ln 3) = (3 - 1/3) / (3 + 1/3)
};
const EXACT = { atol: 1e-15, rtol: 1e-15 }; // only exp/log rounding separates these

describe('activationForward by hand', () => {
  it.each(ACTIVATIONS)('%s at known points, saturating without NaN at +-1000', (activation) => {
    const out = nanFilled(X.length);
    activationForward(out, X, activation);
    assertClose(out, EXPECTED[activation], EXACT, activation);
  });
});

describe('activationBackward by hand (slope from the forward output y)', () => {
  const y = Float64Array.from([-0.6, 0, 0.25, 0.75, 2]);
  const dOut = Float64Array.from([1, 2, 3, 4, 5]);
  it.each([
    ['none', [1, 2, 3, 4, 5]],
    ['relu', [0, 0, 3, 4, 5]], // y = 0 gets slope 0, like PyTorch
    ['sigmoid', [-0.96, 0, 3 * 0.1875, 4 * 0.1875, -10]], // y(1 - y)
    ['tanh', [0.64, 2, 3 * 0.9375, 4 * 0.4375, -15]], // 1 - y^2
  ] as Array<[Activation, number[]]>)('%s', (activation, expected) => {
    const dInput = nanFilled(y.length);
    activationBackward(dInput, dOut, y, activation);
    assertClose(dInput, expected, EXACT, activation);
  });
});

describe('activation gradcheck (Float64, 3x5x7 inputs in [-3, 3], none within 0.01 of relu kink)', () => {
  it.each(ACTIVATIONS)('%s', (activation) => {
    const rng = new Random(0xac7 + activation.length);
    const input = randomFloat64(rng, 3 * 5 * 7, -3, 3).map((x) => (Math.abs(x) < 0.01 ? x + 0.05 : x));
    const lossWeights = randomFloat64(rng, input.length);
    const out = new Float64Array(input.length);
    const loss = () => {
      activationForward(out, input, activation);
      return weightedSum(out, lossWeights);
    };
    loss(); // the forward output y the backward pass needs
    const dInput = nanFilled(input.length);
    activationBackward(dInput, lossWeights, out, activation);
    const result = gradcheck(loss, [{ name: 'input', values: input, analytic: dInput }]);
    expect(result.ok, result.report).toBe(true);
  });
});

describe('activation validation', () => {
  it('rejects an unknown name, listing the valid ones', () => {
    expect(() => validateActivation('gelu')).toThrow(
      'activation: activation must be one of none, relu, sigmoid, tanh, got "gelu"; pick one of those names',
    );
    const a = new Float64Array(2);
    expect(() => activationForward(a, a, 'Relu' as Activation)).toThrow('got "Relu"');
    expect(() => activationBackward(a, a, a, '' as Activation)).toThrow('got ""');
  });

  it('checks array lengths, naming the array', () => {
    expect(() => activationForward(new Float64Array(3), new Float64Array(4), 'relu')).toThrow(
      'activation: out has length 3 but shape [4] needs 4',
    );
    expect(() =>
      activationBackward(new Float64Array(4), new Float64Array(5), new Float64Array(4), 'tanh'),
    ).toThrow('activation: dOut has length 5');
  });

  it('counts rough FLOPs per element', () => {
    expect(activationFlops(10, 'none')).toBe(0);
    expect(activationFlops(10, 'relu')).toBe(10);
  });
});
