// CPU reference for dense (fully connected): naive loops; weight is [outFeatures, inFeatures]
// like PyTorch's nn.Linear. Sums are accumulated in JS doubles; backward passes overwrite.

import { denseShapes, validateDense, type DenseParams } from '../ops/dense.ts';
import type { FloatArray } from '../ops/types.ts';
import { checkLength } from './check.ts';

const OP = 'dense';

/** out[b,o] = sum_i input[b,i] * weight[o,i] + bias[o]. */
export function denseForward(
  out: FloatArray,
  input: FloatArray,
  weight: FloatArray,
  bias: FloatArray,
  p: DenseParams,
): void {
  validateDense(p);
  const shapes = denseShapes(p);
  checkLength(OP, 'out', out, shapes.output);
  checkLength(OP, 'input', input, shapes.input);
  checkLength(OP, 'weight', weight, shapes.weight);
  checkLength(OP, 'bias', bias, shapes.bias);
  const { batch, inFeatures, outFeatures } = p;
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < outFeatures; o++) {
      let sum = bias[o];
      for (let i = 0; i < inFeatures; i++) sum += input[b * inFeatures + i] * weight[o * inFeatures + i];
      out[b * outFeatures + o] = sum;
    }
  }
}

/** dInput[b,i] = sum_o dOut[b,o] * weight[o,i]. */
export function denseBackwardInput(
  dInput: FloatArray,
  dOut: FloatArray,
  weight: FloatArray,
  p: DenseParams,
): void {
  validateDense(p);
  const shapes = denseShapes(p);
  checkLength(OP, 'dInput', dInput, shapes.input);
  checkLength(OP, 'dOut', dOut, shapes.output);
  checkLength(OP, 'weight', weight, shapes.weight);
  const { batch, inFeatures, outFeatures } = p;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < inFeatures; i++) {
      let sum = 0;
      for (let o = 0; o < outFeatures; o++) sum += dOut[b * outFeatures + o] * weight[o * inFeatures + i];
      dInput[b * inFeatures + i] = sum;
    }
  }
}

/** dWeight[o,i] = sum_b dOut[b,o] * input[b,i]. */
export function denseBackwardWeight(
  dWeight: FloatArray,
  dOut: FloatArray,
  input: FloatArray,
  p: DenseParams,
): void {
  validateDense(p);
  const shapes = denseShapes(p);
  checkLength(OP, 'dWeight', dWeight, shapes.weight);
  checkLength(OP, 'dOut', dOut, shapes.output);
  checkLength(OP, 'input', input, shapes.input);
  const { batch, inFeatures, outFeatures } = p;
  for (let o = 0; o < outFeatures; o++) {
    for (let i = 0; i < inFeatures; i++) {
      let sum = 0;
      for (let b = 0; b < batch; b++) sum += dOut[b * outFeatures + o] * input[b * inFeatures + i];
      dWeight[o * inFeatures + i] = sum;
    }
  }
}

/** dBias[o] = sum_b dOut[b,o]. */
export function denseBackwardBias(dBias: FloatArray, dOut: FloatArray, p: DenseParams): void {
  validateDense(p);
  const shapes = denseShapes(p);
  checkLength(OP, 'dBias', dBias, shapes.bias);
  checkLength(OP, 'dOut', dOut, shapes.output);
  for (let o = 0; o < p.outFeatures; o++) {
    let sum = 0;
    for (let b = 0; b < p.batch; b++) sum += dOut[b * p.outFeatures + o];
    dBias[o] = sum;
  }
}
