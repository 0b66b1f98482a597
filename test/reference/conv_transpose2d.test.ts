// conv_transpose2d reference: PyTorch fixtures (forward and all three gradients, Float64 and
// Float32), a hand case, the identity with conv2d that the GPU path relies on, and validation.

import { describe, expect, it } from 'vitest';
import {
  convTranspose2dAsConv2d,
  convTranspose2dOutputSize,
  convTranspose2dShapes,
  validateConvTranspose2d,
  type ConvTranspose2dParams,
} from '../../src/ops/conv_transpose2d.ts';
import { numel } from '../../src/ops/types.ts';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from '../../src/reference/conv2d.ts';
import {
  convTranspose2dBackwardBias,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
  convTranspose2dForward,
} from '../../src/reference/conv_transpose2d.ts';
import { Random } from '../../src/util/random.ts';
import { assertClose } from '../helpers/allclose.ts';
import { nanFilled, randomFloat64 } from '../helpers/gradcheck.ts';
import { loadTorchFixture, PRECISIONS, type LayerCase } from './torch-fixture-data.ts';

const cases = loadTorchFixture<LayerCase<ConvTranspose2dParams>>('conv_transpose2d');

describe.each(PRECISIONS)('conv_transpose2d against torch ($name)', (f) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const p = c.params;
    const [input, weight, bias, upstream] = [c.inputs.input, c.inputs.weight, c.inputs.bias, c.upstream].map(
      f.from,
    );
    const [, , outHeight, outWidth] = c.outputShape;
    expect(convTranspose2dOutputSize(p)).toEqual({ outHeight, outWidth });
    // One output pixel sums at most inC * ceil(k/s)^2 taps; bound it by inC*kH*kW (+ bias).
    const taps = p.inChannels * p.kernelH * p.kernelW;
    const out = f.poisoned(c.outputs.output.length);
    convTranspose2dForward(out, input, weight, bias, p);
    f.check(out, c.outputs.output, taps + 1, 'output');
    const dInput = f.poisoned(input.length);
    convTranspose2dBackwardInput(dInput, upstream, weight, p);
    f.check(dInput, c.grads.input, p.outChannels * p.kernelH * p.kernelW, 'dInput');
    const dWeight = f.poisoned(weight.length);
    convTranspose2dBackwardWeight(dWeight, input, upstream, p);
    f.check(dWeight, c.grads.weight, p.batch * p.inHeight * p.inWidth, 'dWeight');
    const dBias = f.poisoned(bias.length);
    convTranspose2dBackwardBias(dBias, upstream, p);
    f.check(dBias, c.grads.bias, p.batch * outHeight * outWidth, 'dBias');
  });
});

describe('conv_transpose2d by hand', () => {
  it('stride 2 scatters each input pixel into its own 2x2 block, cropped by padding', () => {
    // 1 channel 2x2 input, kernel 2x2 of [1,2,3,4], stride 2, padding 0 -> 4x4 of tiled blocks.
    const p: ConvTranspose2dParams = {
      batch: 1,
      inChannels: 1,
      inHeight: 2,
      inWidth: 2,
      outChannels: 1,
      kernelH: 2,
      kernelW: 2,
      stride: 2,
      padding: 0,
    };
    const out = nanFilled(16);
    convTranspose2dForward(
      out,
      Float64Array.of(1, 10, 100, 1000),
      Float64Array.of(1, 2, 3, 4),
      Float64Array.of(0.5),
      p,
    );
    expect(Array.from(out)).toEqual([
      1.5, 2.5, 10.5, 20.5, 3.5, 4.5, 30.5, 40.5, 100.5, 200.5, 1000.5, 2000.5, 300.5, 400.5, 3000.5, 4000.5,
    ]);
    // padding 1 crops one pixel from every side: the centre 2x2 remains.
    const cropped = nanFilled(4);
    convTranspose2dForward(
      cropped,
      Float64Array.of(1, 10, 100, 1000),
      Float64Array.of(1, 2, 3, 4),
      Float64Array.of(0.5),
      {
        ...p,
        padding: 1,
      },
    );
    expect(Array.from(cropped)).toEqual([4.5, 30.5, 200.5, 1000.5]);
  });
});

const IDENTITY_CASES: Array<[string, ConvTranspose2dParams]> = [
  [
    'the CVAE D2 layer (32->16, 7->14)',
    {
      batch: 2,
      inChannels: 32,
      inHeight: 7,
      inWidth: 7,
      outChannels: 16,
      kernelH: 4,
      kernelW: 4,
      stride: 2,
      padding: 1,
    },
  ],
  [
    'stride 3, pad 2, 3x5 kernel',
    {
      batch: 3,
      inChannels: 5,
      inHeight: 4,
      inWidth: 3,
      outChannels: 3,
      kernelH: 3,
      kernelW: 5,
      stride: 3,
      padding: 2,
    },
  ],
  [
    '1x1 kernel, 1 channel',
    {
      batch: 1,
      inChannels: 1,
      inHeight: 5,
      inWidth: 6,
      outChannels: 1,
      kernelH: 1,
      kernelW: 1,
      stride: 1,
      padding: 0,
    },
  ],
];

describe('conv_transpose2d equals conv2d with roles swapped (convTranspose2dAsConv2d)', () => {
  it.each(IDENTITY_CASES)('%s', (_name, p) => {
    const rng = new Random(0xc0417 + p.inChannels);
    const shapes = convTranspose2dShapes(p);
    const q = convTranspose2dAsConv2d(p);
    const input = randomFloat64(rng, numel(shapes.input));
    const weight = randomFloat64(rng, numel(shapes.weight));
    const dOut = randomFloat64(rng, numel(shapes.output));
    const zeroBias = new Float64Array(p.inChannels);
    const tol = { atol: 1e-12, rtol: 1e-12 };
    // forward == conv2d backward_input (the bias is zero here; it is added separately on the GPU)
    const viaConv = nanFilled(numel(shapes.output));
    conv2dBackwardInput(viaConv, input, weight, q);
    const direct = nanFilled(numel(shapes.output));
    convTranspose2dForward(direct, input, weight, new Float64Array(p.outChannels), p);
    assertClose(viaConv, direct, tol, 'forward');
    // backward_input == conv2d forward with zero bias
    const dInputConv = nanFilled(numel(shapes.input));
    conv2dForward(dInputConv, dOut, weight, zeroBias, q);
    const dInput = nanFilled(numel(shapes.input));
    convTranspose2dBackwardInput(dInput, dOut, weight, p);
    assertClose(dInputConv, dInput, tol, 'backward_input');
    // backward_weight == conv2d backward_weight with input := dOut, dOut := input
    const dWeightConv = nanFilled(numel(shapes.weight));
    conv2dBackwardWeight(dWeightConv, input, dOut, q);
    const dWeight = nanFilled(numel(shapes.weight));
    convTranspose2dBackwardWeight(dWeight, input, dOut, p);
    assertClose(dWeightConv, dWeight, tol, 'backward_weight');
  });
});

describe('validateConvTranspose2d', () => {
  const ok: ConvTranspose2dParams = {
    batch: 1,
    inChannels: 2,
    inHeight: 3,
    inWidth: 3,
    outChannels: 2,
    kernelH: 3,
    kernelW: 3,
    stride: 1,
    padding: 0,
  };
  it('accepts a usable layer and names the field and fix otherwise', () => {
    expect(() => validateConvTranspose2d(ok)).not.toThrow();
    expect(() => validateConvTranspose2d({ ...ok, outChannels: 0 })).toThrow(
      /outChannels must be a positive integer.*>= 1/,
    );
    expect(() => validateConvTranspose2d({ ...ok, padding: -1 })).toThrow(
      /padding must be a non-negative integer/,
    );
    expect(() => validateConvTranspose2d({ ...ok, stride: 1.5 })).toThrow(
      /stride must be a positive integer/,
    );
    // (3-1)*1 - 2*3 + 3 = -1: padding crops away the whole output
    expect(() => validateConvTranspose2d({ ...ok, padding: 3 })).toThrow(
      /output would be -1x-1.*use less padding/,
    );
  });
  it('rejects arrays of the wrong length', () => {
    expect(() =>
      convTranspose2dForward(
        new Float64Array(49),
        new Float64Array(18),
        new Float64Array(36),
        new Float64Array(2),
        ok,
      ),
    ).toThrow(/out has length 49 but shape \[1, 2, 5, 5\] needs 50/);
  });
});
