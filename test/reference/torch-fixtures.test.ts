// Checks the CPU reference ops (src/reference) against PyTorch: forward outputs, every gradient
// (backward called with dOut = the fixture's random upstream) and optimizer trajectories, in
// Float64 and in Float32. Fixtures come from scripts/export_torch_fixtures.py. This is not the
// finite-difference gradcheck; it pins the reference to an independent implementation.
import { describe, expect, it } from 'vitest';
import { conv2dOutputSize } from '../../src/ops/conv2d.ts';
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
import {
  loadTorchFixture,
  PRECISIONS,
  type LayerCase,
  type OptimizerCase,
  type Precision,
  type SoftmaxCrossEntropyCase,
} from './torch-fixture-data.ts';

// Param types come from the reference signatures, so this file depends only on the contract names.
type Conv2dParams = Parameters<typeof conv2dForward>[4];
type Pool2dParams = Parameters<typeof avgPool2dForward>[2];
type DenseParams = Parameters<typeof denseForward>[4];
type Activation = Parameters<typeof activationForward>[2];
type SceParams = Parameters<typeof softmaxCrossEntropyForward>[5];
type SgdParams = Parameters<typeof sgdUpdate>[3];
type AdamParams = Parameters<typeof adamUpdate>[4];

const conv2dCases = loadTorchFixture<LayerCase<Conv2dParams>>('conv2d');
const maxPool2dCases = loadTorchFixture<LayerCase<Pool2dParams>>('max_pool2d');
const avgPool2dCases = loadTorchFixture<LayerCase<Pool2dParams>>('avg_pool2d');
const denseCases = loadTorchFixture<LayerCase<DenseParams>>('dense');
const activationCases = loadTorchFixture<LayerCase<{ activation: Activation }>>('activation');
const sceCases = loadTorchFixture<SoftmaxCrossEntropyCase<SceParams>>('softmax_cross_entropy');
const sgdCases = loadTorchFixture<OptimizerCase<SgdParams, { velocity: number[] }>>('sgd');
const adamCases =
  loadTorchFixture<OptimizerCase<Omit<AdamParams, 'step'>, { m: number[]; v: number[] }>>('adam');

function checkConv2d(c: LayerCase<Conv2dParams>, f: Precision): void {
  const p = c.params;
  const [input, weight, bias, upstream] = [c.inputs.input, c.inputs.weight, c.inputs.bias, c.upstream].map(
    f.from,
  );
  const [, , outHeight, outWidth] = c.outputShape;
  expect(conv2dOutputSize(p)).toEqual({ outHeight, outWidth });
  const out = f.poisoned(c.outputs.output.length);
  conv2dForward(out, input, weight, bias, p);
  f.check(out, c.outputs.output, p.inChannels * p.kernelH * p.kernelW + 1, 'output');
  const dInput = f.poisoned(input.length);
  conv2dBackwardInput(dInput, upstream, weight, p);
  f.check(dInput, c.grads.input, p.outChannels * p.kernelH * p.kernelW, 'dInput');
  const perChannel = p.batch * outHeight * outWidth;
  const dWeight = f.poisoned(weight.length);
  conv2dBackwardWeight(dWeight, upstream, input, p);
  f.check(dWeight, c.grads.weight, perChannel, 'dWeight');
  const dBias = f.poisoned(bias.length);
  conv2dBackwardBias(dBias, upstream, p);
  f.check(dBias, c.grads.bias, perChannel, 'dBias');
}

/** Windows overlapping one input element: at most ceil(kernel / stride) per axis. */
function windowsPerElement(p: Pool2dParams): number {
  return Math.ceil(p.kernel / p.stride) ** 2;
}

function checkMaxPool2d(c: LayerCase<Pool2dParams>, f: Precision): void {
  const input = f.from(c.inputs.input);
  const out = f.poisoned(c.outputs.output.length);
  const argmax = new Int32Array(out.length).fill(-1);
  maxPool2dForward(out, argmax, input, c.params);
  // Both are exact: the maximum is one of the inputs, and fixture inputs have no ties.
  expect(Array.from(argmax)).toEqual(c.outputs.argmax);
  f.check(out, c.outputs.output, 1, 'output');
  const dInput = f.poisoned(input.length);
  maxPool2dBackward(dInput, f.from(c.upstream), argmax, c.params);
  f.check(dInput, c.grads.input, windowsPerElement(c.params), 'dInput');
}

function checkAvgPool2d(c: LayerCase<Pool2dParams>, f: Precision): void {
  const input = f.from(c.inputs.input);
  const out = f.poisoned(c.outputs.output.length);
  avgPool2dForward(out, input, c.params);
  f.check(out, c.outputs.output, c.params.kernel ** 2, 'output');
  const dInput = f.poisoned(input.length);
  avgPool2dBackward(dInput, f.from(c.upstream), c.params);
  f.check(dInput, c.grads.input, windowsPerElement(c.params), 'dInput');
}

function checkDense(c: LayerCase<DenseParams>, f: Precision): void {
  const p = c.params;
  const [input, weight, bias, upstream] = [c.inputs.input, c.inputs.weight, c.inputs.bias, c.upstream].map(
    f.from,
  );
  const out = f.poisoned(c.outputs.output.length);
  denseForward(out, input, weight, bias, p);
  f.check(out, c.outputs.output, p.inFeatures + 1, 'output');
  const dInput = f.poisoned(input.length);
  denseBackwardInput(dInput, upstream, weight, p);
  f.check(dInput, c.grads.input, p.outFeatures, 'dInput');
  const dWeight = f.poisoned(weight.length);
  denseBackwardWeight(dWeight, upstream, input, p);
  f.check(dWeight, c.grads.weight, p.batch, 'dWeight');
  const dBias = f.poisoned(bias.length);
  denseBackwardBias(dBias, upstream, p);
  f.check(dBias, c.grads.bias, p.batch, 'dBias');
}

function checkActivation(c: LayerCase<{ activation: Activation }>, f: Precision): void {
  const input = f.from(c.inputs.input);
  const out = f.poisoned(input.length);
  activationForward(out, input, c.params.activation);
  f.check(out, c.outputs.output, 1, 'output');
  const dInput = f.poisoned(input.length);
  // The contract's backward takes the forward output y; in float32 its rounding feeds 1 - y^2 and
  // y(1 - y), which cancel for saturated units: about 2 * 2^-24 * |dOut| absolute, inside K = 4.
  activationBackward(dInput, f.from(c.upstream), out, c.params.activation);
  f.check(dInput, c.grads.input, 4, 'dInput');
}

function checkSoftmaxCrossEntropy(c: SoftmaxCrossEntropyCase<SceParams>, f: Precision): void {
  const p = c.params;
  const logits = f.from(c.inputs.logits);
  const labels = Int32Array.from(c.inputs.labels);
  const lossPerRow = f.poisoned(p.batch);
  const probs = f.poisoned(p.batch * p.classes);
  const correct = new Uint8Array(p.batch).fill(255);
  softmaxCrossEntropyForward(lossPerRow, probs, correct, logits, labels, p);
  f.check(lossPerRow, c.outputs.lossPerRow, p.classes, 'lossPerRow');
  f.check(probs, c.outputs.probs, p.classes, 'probs');
  expect(Array.from(correct)).toEqual(c.outputs.correct);
  const dLogits = f.poisoned(probs.length);
  softmaxCrossEntropyBackward(dLogits, probs, labels, p);
  f.check(dLogits, c.grads.logits, p.classes, 'dLogits');
}

// An update is a handful of operations per element; the error can grow with each step taken.
const OPS_PER_STEP = 8;

function checkSgd(c: OptimizerCase<SgdParams, { velocity: number[] }>, f: Precision): void {
  const params = f.from(c.initialParams);
  const velocity = f.zeros(params.length);
  c.steps.forEach((s, i) => {
    sgdUpdate(params, velocity, f.from(s.grads), c.params);
    f.check(params, s.params, OPS_PER_STEP * (i + 1), `params after step ${i + 1}`);
    f.check(velocity, s.velocity, OPS_PER_STEP * (i + 1), `velocity after step ${i + 1}`);
  });
}

function checkAdam(
  c: OptimizerCase<Omit<AdamParams, 'step'>, { m: number[]; v: number[] }>,
  f: Precision,
): void {
  const params = f.from(c.initialParams);
  const m = f.zeros(params.length);
  const v = f.zeros(params.length);
  c.steps.forEach((s, i) => {
    adamUpdate(params, m, v, f.from(s.grads), { ...c.params, step: i + 1 });
    f.check(params, s.params, OPS_PER_STEP * (i + 1), `params after step ${i + 1}`);
    f.check(m, s.m, OPS_PER_STEP * (i + 1), `m after step ${i + 1}`);
    f.check(v, s.v, OPS_PER_STEP * (i + 1), `v after step ${i + 1}`);
  });
}

/** One test per case, named after it. */
function itEach<C extends { name: string }>(
  cases: C[],
  check: (c: C, f: Precision) => void,
  f: Precision,
): void {
  for (const c of cases) it(c.name, () => check(c, f));
}

describe('torch fixtures', () => {
  it('hold every case the generator writes', () => {
    const all: { name: string }[][] = [conv2dCases, maxPool2dCases, avgPool2dCases, denseCases];
    all.push(activationCases, sceCases, sgdCases, adamCases);
    const counts = all.map((cases) => cases.length);
    expect(counts).toEqual([7, 3, 2, 3, 4, 3, 2, 2]);
  });

  for (const f of PRECISIONS) {
    describe(f.name, () => {
      itEach(conv2dCases, checkConv2d, f);
      itEach(maxPool2dCases, checkMaxPool2d, f);
      itEach(avgPool2dCases, checkAvgPool2d, f);
      itEach(denseCases, checkDense, f);
      itEach(activationCases, checkActivation, f);
      itEach(sceCases, checkSoftmaxCrossEntropy, f);
      itEach(sgdCases, checkSgd, f);
      itEach(adamCases, checkAdam, f);
    });
  }
});
