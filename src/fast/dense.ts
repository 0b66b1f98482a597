// Fast CPU dense (fully connected) layer, float32 only: each pass is one call of the blocked GEMM.
// Same names and argument order as src/reference/dense.ts, plus an optional GEMM workspace
// (the packing buffers have a fixed size, so one serves every layer). Weight is [out, in].
// Not the reference: sums run in another order, so results match it to a tolerance.

import { denseShapes, validateDense, type DenseParams } from '../ops/dense.ts';
import { checkLength } from '../reference/check.ts';
import { gemm, type GemmWorkspace } from './gemm.ts';

const OP = 'dense';

/** out [batch, out] = input [batch, in] x weight^T + bias. */
export function denseForward(
  out: Float32Array,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  p: DenseParams,
  workspace?: GemmWorkspace,
): void {
  validateDense(p);
  const shapes = denseShapes(p);
  checkLength(OP, 'out', out, shapes.output);
  checkLength(OP, 'input', input, shapes.input);
  checkLength(OP, 'weight', weight, shapes.weight);
  checkLength(OP, 'bias', bias, shapes.bias);
  for (let b = 0; b < p.batch; b++) out.set(bias, b * p.outFeatures);
  const product = {
    m: p.batch,
    n: p.outFeatures,
    k: p.inFeatures,
    transA: false,
    transB: true,
    accumulate: true,
  };
  gemm(out, input, weight, product, workspace);
}

/** dInput [batch, in] = dOut [batch, out] x weight [out, in]; overwrites dInput. */
export function denseBackwardInput(
  dInput: Float32Array,
  dOut: Float32Array,
  weight: Float32Array,
  p: DenseParams,
  workspace?: GemmWorkspace,
): void {
  validateDense(p);
  const shapes = denseShapes(p);
  checkLength(OP, 'dInput', dInput, shapes.input);
  checkLength(OP, 'dOut', dOut, shapes.output);
  checkLength(OP, 'weight', weight, shapes.weight);
  const product = {
    m: p.batch,
    n: p.inFeatures,
    k: p.outFeatures,
    transA: false,
    transB: false,
    accumulate: false,
  };
  gemm(dInput, dOut, weight, product, workspace);
}

/** dWeight [out, in] = dOut^T [out, batch] x input [batch, in]; overwrites dWeight. */
export function denseBackwardWeight(
  dWeight: Float32Array,
  dOut: Float32Array,
  input: Float32Array,
  p: DenseParams,
  workspace?: GemmWorkspace,
): void {
  validateDense(p);
  const shapes = denseShapes(p);
  checkLength(OP, 'dWeight', dWeight, shapes.weight);
  checkLength(OP, 'dOut', dOut, shapes.output);
  checkLength(OP, 'input', input, shapes.input);
  const product = {
    m: p.outFeatures,
    n: p.inFeatures,
    k: p.batch,
    transA: true,
    transB: false,
    accumulate: false,
  };
  gemm(dWeight, dOut, input, product, workspace);
}

/** dBias[o] = sum over the batch of dOut[b, o], summed in doubles; overwrites dBias. */
export function denseBackwardBias(dBias: Float32Array, dOut: Float32Array, p: DenseParams): void {
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
