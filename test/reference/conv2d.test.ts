// conv2d reference: hand-computed forward and backward cases, Float64 gradchecks of input,
// weight and bias across awkward shapes, shape/FLOP maths, and validation messages.

import { describe, expect, it } from 'vitest';
import {
  conv2dFlops,
  conv2dOutputSize,
  conv2dPassFlops,
  conv2dShapes,
  validateConv2d,
} from '../../src/ops/conv2d.ts';
import type { Conv2dParams } from '../../src/ops/conv2d.ts';
import { numel } from '../../src/ops/types.ts';
import {
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
} from '../../src/reference/conv2d.ts';
import { Random } from '../../src/util/random.ts';
import { gradcheck, nanFilled, randomFloat64, weightedSum } from '../helpers/gradcheck.ts';

function conv(overrides: Partial<Conv2dParams>): Conv2dParams {
  const base = { batch: 1, inChannels: 1, inHeight: 3, inWidth: 3, outChannels: 1, kernelH: 2, kernelW: 2 };
  return { ...base, stride: 1, padding: 0, ...overrides };
}

const f64 = (values: number[]) => Float64Array.from(values);
const INPUT_1_TO_9 = f64([1, 2, 3, 4, 5, 6, 7, 8, 9]); // 3x3, row-major
const KERNEL_1_TO_4 = f64([1, 2, 3, 4]); // 2x2: [[1, 2], [3, 4]]

describe('conv2dForward by hand', () => {
  it('3x3 input, 2x2 kernel, valid: each output is the window dotted with the kernel plus bias', () => {
    const out = new Float64Array(4);
    conv2dForward(out, INPUT_1_TO_9, KERNEL_1_TO_4, f64([0.5]), conv({}));
    // [0,0]: 1*1 + 2*2 + 4*3 + 5*4 = 37; [0,1]: 2+6+15+24 = 47; [1,0]: 4+10+21+32 = 67; [1,1]: 5+12+24+36 = 77
    expect(Array.from(out)).toEqual([37.5, 47.5, 67.5, 77.5]);
  });

  it('padding 1 and stride 2: taps that land in the padding read zero', () => {
    const out = new Float64Array(4);
    conv2dForward(out, INPUT_1_TO_9, KERNEL_1_TO_4, f64([0]), conv({ padding: 1, stride: 2 }));
    // [0,0]: only w[1][1]*in[0][0] = 4; [0,1]: w[1][0]*in[0][1] + w[1][1]*in[0][2] = 6 + 12;
    // [1,0]: w[0][1]*in[1][0] + w[1][1]*in[2][0] = 8 + 28; [1,1]: the full window at (1,1) = 77
    expect(Array.from(out)).toEqual([4, 18, 36, 77]);
  });

  it('sums over input channels and keeps output channels and batch apart (1x1 kernel)', () => {
    const p = conv({
      batch: 2,
      inChannels: 2,
      inHeight: 1,
      inWidth: 2,
      outChannels: 2,
      kernelH: 1,
      kernelW: 1,
    });
    // input [n][c][x]: n0 = [[1, 2], [3, 4]], n1 = [[5, 6], [7, 8]]; weight [oc][ic] = [[1, 10], [-1, 0]]
    const input = f64([1, 2, 3, 4, 5, 6, 7, 8]);
    const out = new Float64Array(8);
    conv2dForward(out, input, f64([1, 10, -1, 0]), f64([0.25, 100]), p);
    // oc0 = c0 + 10*c1 + 0.25; oc1 = -c0 + 100
    expect(Array.from(out)).toEqual([31.25, 42.25, 99, 98, 75.25, 86.25, 95, 94]);
  });
});

describe('conv2d backward by hand (3x3 input, 2x2 kernel, dOut all ones)', () => {
  const dOut = f64([1, 1, 1, 1]);

  it('dInput[i] is the sum of the kernel taps that read input i', () => {
    const dInput = nanFilled(9);
    conv2dBackwardInput(dInput, dOut, KERNEL_1_TO_4, conv({}));
    expect(Array.from(dInput)).toEqual([1, 3, 2, 4, 10, 6, 3, 7, 4]);
  });

  it('dWeight[ky][kx] is the sum of the inputs that tap saw', () => {
    const dWeight = nanFilled(4);
    conv2dBackwardWeight(dWeight, dOut, INPUT_1_TO_9, conv({}));
    // w00 saw 1,2,4,5; w01 saw 2,3,5,6; w10 saw 4,5,7,8; w11 saw 5,6,8,9
    expect(Array.from(dWeight)).toEqual([12, 16, 24, 28]);
  });

  it('dBias is the sum of dOut over batch and positions, per output channel', () => {
    const p = conv({ batch: 2, outChannels: 2 });
    const dBias = nanFilled(2);
    // dOut [n][oc][4]: oc0 gets 1+2+3+4 and 10+20+30+40; oc1 gets 0.5*4 and -1*4
    conv2dBackwardBias(dBias, f64([1, 2, 3, 4, 0.5, 0.5, 0.5, 0.5, 10, 20, 30, 40, -1, -1, -1, -1]), p);
    expect(Array.from(dBias)).toEqual([110, -2]);
  });
});

// Deliberately awkward shapes; each gradcheck stays under ~100M multiply-adds.
// prettier-ignore
const GRADCHECK_CASES: Array<[string, Conv2dParams]> = [
  ['1x1 kernel, batch 3, 5 -> 3 channels, 7x9', conv({ batch: 3, inChannels: 5, inHeight: 7, inWidth: 9, outChannels: 3, kernelH: 1, kernelW: 1 })],
  ['1x1 kernel, stride 2, padding 1 (border outputs are bias only)', conv({ inChannels: 3, inHeight: 5, inWidth: 6, outChannels: 3, kernelH: 1, kernelW: 1, stride: 2, padding: 1 })],
  ['3x3, stride 2, padding 1, batch 3, 3 -> 5 channels, 9x7', conv({ batch: 3, inChannels: 3, inHeight: 9, inWidth: 7, outChannels: 5, kernelH: 3, kernelW: 3, stride: 2, padding: 1 })],
  ['7x7, padding 3 (same size), batch 1, 3 -> 2 channels, 9x11', conv({ inChannels: 3, inHeight: 9, inWidth: 11, outChannels: 2, kernelH: 7, kernelW: 7, padding: 3 })],
  ['7x7, stride 2, padding 2, batch 3, 3 -> 5 channels, 9x8', conv({ batch: 3, inChannels: 3, inHeight: 9, inWidth: 8, outChannels: 5, kernelH: 7, kernelW: 7, stride: 2, padding: 2 })],
  ['3x5 kernel, stride 3 that does not divide, padding 2', conv({ inChannels: 2, inHeight: 8, inWidth: 10, outChannels: 3, kernelH: 3, kernelW: 5, stride: 3, padding: 2 })],
  ['5x5 kernel filling a 5x5 input (1x1 output), batch 3, 3 -> 5', conv({ batch: 3, inChannels: 3, inHeight: 5, inWidth: 5, outChannels: 5, kernelH: 5, kernelW: 5 })],
  ['2x2 kernel, stride 3 > kernel (some inputs unused), 5 -> 3', conv({ inChannels: 5, inHeight: 8, inWidth: 7, outChannels: 3, kernelH: 2, kernelW: 2, stride: 3 })],
  ['3x3, padding 2 > half the kernel (corner outputs see one tap)', conv({ batch: 3, inChannels: 3, inHeight: 4, inWidth: 3, outChannels: 1, kernelH: 3, kernelW: 3, padding: 2 })],
];

describe('conv2d gradcheck (Float64 central differences, loss = sum(out * randomWeights))', () => {
  it.each(GRADCHECK_CASES)('%s', (_name, p) => {
    const rng = new Random(0xc0de + numel(conv2dShapes(p).input));
    const shapes = conv2dShapes(p);
    const input = randomFloat64(rng, numel(shapes.input));
    const weight = randomFloat64(rng, numel(shapes.weight));
    const bias = randomFloat64(rng, numel(shapes.bias));
    const lossWeights = randomFloat64(rng, numel(shapes.output));
    const out = new Float64Array(numel(shapes.output));
    const loss = () => {
      conv2dForward(out, input, weight, bias, p);
      return weightedSum(out, lossWeights);
    };
    // NaN-filled so that any element a backward pass fails to overwrite is reported.
    const dInput = nanFilled(input.length);
    const dWeight = nanFilled(weight.length);
    const dBias = nanFilled(bias.length);
    conv2dBackwardInput(dInput, lossWeights, weight, p);
    conv2dBackwardWeight(dWeight, lossWeights, input, p);
    conv2dBackwardBias(dBias, lossWeights, p);
    const result = gradcheck(loss, [
      { name: 'input', values: input, analytic: dInput },
      { name: 'weight', values: weight, analytic: dWeight },
      { name: 'bias', values: bias, analytic: dBias },
    ]);
    expect(result.ok, result.report).toBe(true);
  });
});

describe('conv2d shape maths', () => {
  it('follows floor((in + 2*pad - k) / stride) + 1 and PyTorch layouts', () => {
    const p = conv({
      batch: 3,
      inChannels: 5,
      inHeight: 9,
      inWidth: 8,
      outChannels: 7,
      kernelH: 3,
      kernelW: 5,
      stride: 2,
      padding: 1,
    });
    expect(conv2dOutputSize(p)).toEqual({ outHeight: 5, outWidth: 3 });
    expect(conv2dShapes(p)).toEqual({
      input: [3, 5, 9, 8],
      weight: [7, 5, 3, 5],
      bias: [7],
      output: [3, 7, 5, 3],
    });
  });

  it('counts 2 FLOPs per multiply-add (lenet5 conv1 on a batch of 10)', () => {
    const p = conv({
      batch: 10,
      inHeight: 28,
      inWidth: 28,
      outChannels: 6,
      kernelH: 5,
      kernelW: 5,
      padding: 2,
    });
    const forward = 2 * 10 * 6 * 28 * 28 * 25;
    expect(conv2dFlops(p)).toBe(forward);
    expect(conv2dPassFlops(p)).toEqual({
      forward,
      backwardInput: forward,
      backwardWeight: forward,
      backwardBias: 10 * 6 * 28 * 28,
    });
  });
});

describe('validateConv2d', () => {
  it('accepts a kernel exactly as large as the padded input', () => {
    expect(() => validateConv2d(conv({ inHeight: 3, kernelH: 5, padding: 1 }))).not.toThrow();
  });

  it.each([
    [
      'kernelH',
      conv({ inHeight: 3, kernelH: 7, padding: 1 }),
      'conv2d: kernelH 7 is larger than the padded input height 5 (inHeight 3 + 2*padding 1); use a smaller kernel or more padding',
    ],
    [
      'kernelW',
      conv({ inWidth: 4, kernelW: 5 }),
      'conv2d: kernelW 5 is larger than the padded input width 4 (inWidth 4 + 2*padding 0); use a smaller kernel or more padding',
    ],
    ['batch', conv({ batch: 0 }), 'conv2d: batch must be a positive integer, got 0; use a whole number >= 1'],
    ['inChannels', conv({ inChannels: 2.5 }), 'conv2d: inChannels must be a positive integer, got 2.5'],
    ['outChannels', conv({ outChannels: -3 }), 'conv2d: outChannels must be a positive integer, got -3'],
    ['inHeight', conv({ inHeight: NaN }), 'conv2d: inHeight must be a positive integer, got NaN'],
    ['kernelW', conv({ kernelW: 0 }), 'conv2d: kernelW must be a positive integer, got 0'],
    ['stride', conv({ stride: 0 }), 'conv2d: stride must be a positive integer, got 0'],
    [
      'padding',
      conv({ padding: -1 }),
      'conv2d: padding must be a non-negative integer, got -1; use a whole number >= 0',
    ],
  ])('rejects a bad %s with a message naming it', (_field, p, message) => {
    expect(() => validateConv2d(p)).toThrow(message);
  });

  it('is checked by every reference entry point', () => {
    const bad = conv({ kernelH: 4 });
    const a = new Float64Array(100);
    expect(() => conv2dForward(a, a, a, a, bad)).toThrow('conv2d: kernelH 4 is larger');
    expect(() => conv2dBackwardInput(a, a, a, bad)).toThrow('conv2d: kernelH 4 is larger');
    expect(() => conv2dBackwardWeight(a, a, a, bad)).toThrow('conv2d: kernelH 4 is larger');
    expect(() => conv2dBackwardBias(a, a, bad)).toThrow('conv2d: kernelH 4 is larger');
  });
});

describe('conv2d array length checks', () => {
  const p = conv({ inChannels: 3, outChannels: 2 }); // input 27, weight 24, bias 2, output 8
  const input = new Float64Array(27);
  const weight = new Float64Array(24);
  const bias = new Float64Array(2);
  const out = new Float64Array(8);

  it('names the array, its length and the shape it needs', () => {
    expect(() => conv2dForward(out, input, new Float64Array(23), bias, p)).toThrow(
      'conv2d: weight has length 23 but shape [2, 3, 2, 2] needs 24',
    );
    expect(() => conv2dForward(new Float64Array(9), input, weight, bias, p)).toThrow(
      'conv2d: out has length 9',
    );
    expect(() => conv2dForward(out, input, weight, new Float64Array(3), p)).toThrow(
      'conv2d: bias has length 3',
    );
    expect(() => conv2dBackwardInput(new Float64Array(26), out, weight, p)).toThrow(
      'conv2d: dInput has length 26',
    );
    expect(() => conv2dBackwardWeight(weight, new Float64Array(7), input, p)).toThrow(
      'conv2d: dOut has length 7',
    );
    expect(() => conv2dBackwardBias(new Float64Array(1), out, p)).toThrow('conv2d: dBias has length 1');
  });
});
