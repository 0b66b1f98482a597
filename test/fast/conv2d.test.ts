// The fast conv2d (im2col + GEMM) against the naive reference on seeded inputs across awkward
// shapes: odd sizes, 1x1 (with and without the im2col shortcut), 5x5 and 7x7 kernels, non-square
// kernels, stride 2 with padding, taps that only ever read padding, batch 1/2/3, channel counts
// 1/3/5/6, and one layer whose GEMM exceeds a block in every dimension. Also the workspace rules.

import { describe, expect, it } from 'vitest';
import * as fast from '../../src/fast/conv2d.ts';
import { conv2dShapes, type Conv2dParams } from '../../src/ops/conv2d.ts';
import { numel } from '../../src/ops/types.ts';
import * as naive from '../../src/reference/conv2d.ts';
import { Random } from '../../src/util/random.ts';
import { assertClose } from '../helpers/allclose.ts';
import { conv2dTolerances } from './tolerance.ts';

type Case = [string, Conv2dParams];

function params(
  batch: number,
  inChannels: number,
  [inHeight, inWidth]: [number, number],
  outChannels: number,
  [kernelH, kernelW]: [number, number],
  stride: number,
  padding: number,
): Conv2dParams {
  return { batch, inChannels, inHeight, inWidth, outChannels, kernelH, kernelW, stride, padding };
}

const CASES: Case[] = [
  ['3x3 valid, batch 1, 3 -> 5 channels', params(1, 3, [9, 11], 5, [3, 3], 1, 0)],
  ['7x7 stride 2 pad 3, batch 3, 5 -> 7 channels', params(3, 5, [13, 10], 7, [7, 7], 2, 3)],
  ['1x1 stride 1 (no im2col), batch 3, 3 -> 5 channels', params(3, 3, [7, 9], 5, [1, 1], 1, 0)],
  ['1x1 stride 2 pad 1 (im2col), batch 2, 5 -> 3 channels', params(2, 5, [8, 7], 3, [1, 1], 2, 1)],
  ['5x5 pad 2 like lenet5 conv1, batch 3, 1 -> 6 channels', params(3, 1, [12, 13], 6, [5, 5], 1, 2)],
  ['3x5 kernel stride 2 pad 1, batch 2, 5 -> 3 channels', params(2, 5, [9, 12], 3, [3, 5], 2, 1)],
  ['7x7 on a 3x4 input with pad 3: some taps only read padding', params(2, 3, [3, 4], 5, [7, 7], 1, 3)],
  ['stride 3 that skips the last rows and columns', params(1, 5, [11, 10], 3, [2, 2], 3, 0)],
  // GEMM sizes: forward 67 x 576 x 294, backward_weight 67 x 294 x 576: above 64 x 512 x 256 blocks.
  ['above every GEMM block: 7x7, 6 -> 67 channels, 30x30', params(1, 6, [30, 30], 67, [7, 7], 1, 0)],
];

const random = new Random(42);
const filled = (length: number): Float32Array => random.fillUniform(new Float32Array(length));
/** Outputs start as NaN so a value the fast path forgets to write shows up as a mismatch. */
const unwritten = (length: number): Float32Array => new Float32Array(length).fill(NaN);

function tensors(p: Conv2dParams) {
  const s = conv2dShapes(p);
  return {
    input: filled(numel(s.input)),
    weight: filled(numel(s.weight)),
    bias: filled(numel(s.bias)),
    dOut: filled(numel(s.output)),
  };
}

describe('fast conv2d matches the naive reference', () => {
  for (const [name, p] of CASES) {
    const s = conv2dShapes(p);
    const tol = conv2dTolerances(p); // derivations in tolerance.ts

    it(`forward: ${name}`, () => {
      const { input, weight, bias } = tensors(p);
      const expected = new Float32Array(numel(s.output));
      const actual = unwritten(numel(s.output));
      naive.conv2dForward(expected, input, weight, bias, p);
      fast.conv2dForward(actual, input, weight, bias, p);
      assertClose(actual, expected, tol.forward, 'forward');
    });

    it(`backward_input: ${name}`, () => {
      const { weight, dOut } = tensors(p);
      const expected = new Float32Array(numel(s.input));
      const actual = unwritten(numel(s.input));
      naive.conv2dBackwardInput(expected, dOut, weight, p);
      fast.conv2dBackwardInput(actual, dOut, weight, p);
      assertClose(actual, expected, tol.backwardInput, 'backward_input');
    });

    it(`backward_weight and backward_bias: ${name}`, () => {
      const { input, dOut } = tensors(p);
      const [expectedW, actualW] = [new Float32Array(numel(s.weight)), unwritten(numel(s.weight))];
      const [expectedB, actualB] = [new Float32Array(p.outChannels), unwritten(p.outChannels)];
      naive.conv2dBackwardWeight(expectedW, dOut, input, p);
      fast.conv2dBackwardWeight(actualW, dOut, input, p);
      naive.conv2dBackwardBias(expectedB, dOut, p);
      fast.conv2dBackwardBias(actualB, dOut, p);
      assertClose(actualW, expectedW, tol.backwardWeight, 'backward_weight');
      assertClose(actualB, expectedB, tol.backwardBias, 'backward_bias');
    });
  }
});

describe('conv2d workspace', () => {
  const small = params(2, 3, [9, 8], 4, [3, 3], 1, 1);
  const large = params(1, 5, [12, 11], 6, [5, 5], 2, 2);

  it('one workspace sized for several layers serves each of them and matches a fresh one', () => {
    const workspace = fast.createConv2dWorkspace(small, large);
    expect(workspace.cols.length).toBe(
      Math.max(fast.conv2dColumnsLength(small), fast.conv2dColumnsLength(large)),
    );
    for (const p of [large, small, large]) {
      const { input, weight, bias, dOut } = tensors(p);
      const s = conv2dShapes(p);
      const shared = [
        new Float32Array(numel(s.output)),
        new Float32Array(numel(s.input)),
        new Float32Array(numel(s.weight)),
      ];
      const fresh = shared.map((t) => new Float32Array(t.length));
      fast.conv2dForward(shared[0], input, weight, bias, p, workspace);
      fast.conv2dBackwardInput(shared[1], dOut, weight, p, workspace);
      fast.conv2dBackwardWeight(shared[2], dOut, input, p, workspace);
      fast.conv2dForward(fresh[0], input, weight, bias, p);
      fast.conv2dBackwardInput(fresh[1], dOut, weight, p);
      fast.conv2dBackwardWeight(fresh[2], dOut, input, p);
      shared.forEach((t, i) => expect(Array.from(t)).toEqual(Array.from(fresh[i])));
    }
  });

  it('rejects a workspace too small for the layer, naming the fix', () => {
    const workspace = fast.createConv2dWorkspace(small);
    const { input, weight, bias } = tensors(large);
    const out = new Float32Array(numel(conv2dShapes(large).output));
    // small: 27 taps x 72 pixels, large: 125 taps x 36 pixels; tap slivers round taps up to 28 and 128.
    expect(() => fast.conv2dForward(out, input, weight, bias, large, workspace)).toThrow(
      /conv2d: workspace.cols has 2016 elements but this layer needs 4608; make the workspace with createConv2dWorkspace/,
    );
  });

  it('rejects arrays whose length does not match the params, like the reference', () => {
    const { input, weight, bias } = tensors(small);
    const out = new Float32Array(numel(conv2dShapes(small).output) - 1);
    expect(() => fast.conv2dForward(out, input, weight, bias, small)).toThrow(/conv2d: out has length 575/);
  });
});
