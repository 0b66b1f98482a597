// Every reference op given Float32Array storage must give the Float64 result rounded once to
// float32: the contract is "compute in JS doubles, store in the caller's type". Inputs are
// float32-representable in both runs, so the only difference allowed is the final store's
// rounding, |f32 - f64| <= 2^-24 |f64|. Anything larger means float32 was used mid-computation
// (for example accumulating a scatter in a Float32Array).

import { describe, expect, it } from 'vitest';
import type { FloatArray } from '../../src/ops/types.ts';
import { activationBackward, activationForward } from '../../src/reference/activation.ts';
import { adamUpdate } from '../../src/reference/adam.ts';
import { avgPool2dBackward, avgPool2dForward } from '../../src/reference/avg_pool2d.ts';
import {
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
} from '../../src/reference/conv2d.ts';
import {
  denseBackwardBias,
  denseBackwardInput,
  denseBackwardWeight,
  denseForward,
} from '../../src/reference/dense.ts';
import { maxPool2dBackward, maxPool2dForward } from '../../src/reference/max_pool2d.ts';
import { sgdUpdate } from '../../src/reference/sgd.ts';
import {
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyForward,
} from '../../src/reference/softmax_cross_entropy.ts';
import { Random } from '../../src/util/random.ts';
import { compareClose } from '../helpers/allclose.ts';

/** Makes arrays of one storage type holding float32-representable uniform values in [lo, hi). */
type Make = (length: number, lo?: number, hi?: number) => FloatArray;

function maker(storage: Float32ArrayConstructor | Float64ArrayConstructor, seed: number): Make {
  const rng = new Random(seed);
  return (length, lo = -1, hi = 1) => {
    const values = new storage(length);
    for (let i = 0; i < length; i++) values[i] = Math.fround(rng.uniform(lo, hi));
    return values;
  };
}

const conv = {
  batch: 3,
  inChannels: 3,
  inHeight: 9,
  inWidth: 7,
  outChannels: 5,
  kernelH: 3,
  kernelW: 3,
  stride: 2,
  padding: 1,
};
const convSizes = { input: 567, weight: 135, bias: 5, output: 300 }; // output 3 x 5 x 5 x 4
const pool = { batch: 3, channels: 5, inHeight: 7, inWidth: 9, kernel: 3, stride: 2 }; // output 3 x 5 x 3 x 4
const dense = { batch: 3, inFeatures: 13, outFeatures: 5 };
const sce = { batch: 3, classes: 10 };
const labels = [7, 0, 3];

/** Each case makes its arrays with `make`, runs one op, and returns the arrays it wrote. */
const CASES: Array<[string, (make: Make) => FloatArray[]]> = [
  [
    'conv2d forward',
    (make) => {
      const out = make(convSizes.output);
      conv2dForward(out, make(convSizes.input), make(convSizes.weight), make(convSizes.bias), conv);
      return [out];
    },
  ],
  [
    'conv2d backward (input, weight, bias)',
    (make) => {
      const [dInput, dWeight, dBias] = [make(convSizes.input), make(convSizes.weight), make(convSizes.bias)];
      const dOut = make(convSizes.output);
      conv2dBackwardInput(dInput, dOut, make(convSizes.weight), conv);
      conv2dBackwardWeight(dWeight, dOut, make(convSizes.input), conv);
      conv2dBackwardBias(dBias, dOut, conv);
      return [dInput, dWeight, dBias];
    },
  ],
  [
    'max_pool2d forward and backward',
    (make) => {
      const out = make(180);
      const argmax = new Int32Array(180);
      maxPool2dForward(out, argmax, make(945), pool);
      const dInput = make(945);
      maxPool2dBackward(dInput, make(180), argmax, pool);
      return [out, dInput];
    },
  ],
  [
    'avg_pool2d forward and backward',
    (make) => {
      const [out, dInput] = [make(180), make(945)];
      avgPool2dForward(out, make(945), pool);
      avgPool2dBackward(dInput, make(180), pool);
      return [out, dInput];
    },
  ],
  [
    'dense forward and backward',
    (make) => {
      const [out, dInput, dWeight, dBias] = [make(15), make(39), make(65), make(5)];
      const [input, weight, dOut] = [make(39), make(65), make(15)];
      denseForward(out, input, weight, make(5), dense);
      denseBackwardInput(dInput, dOut, weight, dense);
      denseBackwardWeight(dWeight, dOut, input, dense);
      denseBackwardBias(dBias, dOut, dense);
      return [out, dInput, dWeight, dBias];
    },
  ],
  ...(['relu', 'sigmoid', 'tanh'] as const).map((activation): [string, (make: Make) => FloatArray[]] => [
    `activation ${activation} forward and backward`,
    (make) => {
      const [out, dInput] = [make(40), make(40)];
      activationForward(out, make(40, -4, 4), activation);
      // y drawn directly (not from the forward) so both precisions see the same y.
      activationBackward(dInput, make(40), make(40, activation === 'relu' ? -1 : 0.01, 0.99), activation);
      return [out, dInput];
    },
  ]),
  [
    'softmax_cross_entropy forward and backward',
    (make) => {
      const [lossPerRow, probs, dLogits] = [make(3), make(30), make(30)];
      softmaxCrossEntropyForward(lossPerRow, probs, new Uint8Array(3), make(30, -5, 5), labels, sce);
      softmaxCrossEntropyBackward(dLogits, make(30, 0, 1), labels, sce);
      return [lossPerRow, probs, dLogits];
    },
  ],
  [
    'sgd step',
    (make) => {
      const [params, velocity] = [make(50), make(50)];
      sgdUpdate(params, velocity, make(50), { learningRate: 0.1, momentum: 0.9, weightDecay: 1e-3 });
      return [params, velocity];
    },
  ],
  [
    'adam step',
    (make) => {
      const [params, m, v] = [make(50), make(50), make(50, 0, 0.1)];
      const p = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 1e-2, step: 3 };
      adamUpdate(params, m, v, make(50), p);
      return [params, m, v];
    },
  ],
];

describe('Float32Array storage gives the Float64 result rounded once', () => {
  it.each(CASES)('%s', (_name, run) => {
    const single = run(maker(Float32Array, 0xf32));
    const double = run(maker(Float64Array, 0xf32));
    single.forEach((actual, i) => {
      expect(actual).toBeInstanceOf(Float32Array);
      const report = compareClose(actual, double[i], { atol: 0, rtol: 2 ** -24 });
      expect(report.ok, `output ${i}: ${report.table}`).toBe(true);
    });
  });
});
