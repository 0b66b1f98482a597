// The two op sets the CPU generator can run on: the naive references (any FloatArray, so the
// gradient check runs in Float64) and the fast float32 path (src/fast GEMMs; a transposed conv is
// conv2d with roles swapped, as on the GPU). A test shows the fast set matches the reference set.
// Not the model: cvae-pass.ts wires these into the forward and backward passes.

import { convTranspose2dAsConv2d, type ConvTranspose2dParams } from '../ops/conv_transpose2d.ts';
import type { DenseParams } from '../ops/dense.ts';
import type { FloatArray } from '../ops/types.ts';
import * as fast from '../fast/index.ts';
import * as denseRef from '../reference/dense.ts';
import * as convTRef from '../reference/conv_transpose2d.ts';

/** What the generator's layers need from an op set; argument order as the references. */
export interface CvaeOps<T extends FloatArray> {
  denseForward(out: T, input: T, weight: T, bias: T, p: DenseParams): void;
  denseBackwardInput(dInput: T, dOut: T, weight: T, p: DenseParams): void;
  denseBackwardWeight(dWeight: T, dOut: T, input: T, p: DenseParams): void;
  denseBackwardBias(dBias: T, dOut: T, p: DenseParams): void;
  convTForward(out: T, input: T, weight: T, bias: T, p: ConvTranspose2dParams): void;
  convTBackwardInput(dInput: T, dOut: T, weight: T, p: ConvTranspose2dParams): void;
  convTBackwardWeight(dWeight: T, input: T, dOut: T, p: ConvTranspose2dParams): void;
  convTBackwardBias(dBias: T, dOut: T, p: ConvTranspose2dParams): void;
}

/** The naive references from src/reference, for any FloatArray. */
export function referenceCvaeOps<T extends FloatArray>(): CvaeOps<T> {
  return {
    denseForward: denseRef.denseForward,
    denseBackwardInput: denseRef.denseBackwardInput,
    denseBackwardWeight: denseRef.denseBackwardWeight,
    denseBackwardBias: denseRef.denseBackwardBias,
    convTForward: convTRef.convTranspose2dForward,
    convTBackwardInput: convTRef.convTranspose2dBackwardInput,
    convTBackwardWeight: convTRef.convTranspose2dBackwardWeight,
    convTBackwardBias: convTRef.convTranspose2dBackwardBias,
  };
}

/** Adds bias[c] to every pixel of channel c of an NCHW tensor (the conv2d pass has no bias). */
function addChannelBias(
  out: Float32Array,
  bias: Float32Array,
  p: ConvTranspose2dParams,
  plane: number,
): void {
  for (let n = 0; n < p.batch; n++) {
    for (let c = 0; c < p.outChannels; c++) {
      const start = (n * p.outChannels + c) * plane;
      const b = bias[c];
      for (let i = start; i < start + plane; i++) out[i] += b;
    }
  }
}

/**
 * Float32 op set on src/fast's GEMMs. With q = convTranspose2dAsConv2d(p): convT forward is
 * conv2d backward_input (plus bias), its backward_input is conv2d forward with zero bias, its
 * backward_weight is conv2d backward_weight with input and dOut swapped. One workspace serves
 * every layer because the passes run one after another.
 */
export function fastCvaeOps(...convLayers: ConvTranspose2dParams[]): CvaeOps<Float32Array> {
  const workspace = fast.createConv2dWorkspace(...convLayers.map(convTranspose2dAsConv2d));
  const zeroBias = new Float32Array(Math.max(1, ...convLayers.map((p) => p.inChannels)));
  return {
    denseForward: (out, input, weight, bias, p) =>
      fast.denseForward(out, input, weight, bias, p, workspace.gemm),
    denseBackwardInput: (dInput, dOut, weight, p) =>
      fast.denseBackwardInput(dInput, dOut, weight, p, workspace.gemm),
    denseBackwardWeight: (dWeight, dOut, input, p) =>
      fast.denseBackwardWeight(dWeight, dOut, input, p, workspace.gemm),
    denseBackwardBias: fast.denseBackwardBias,
    convTForward: (out, input, weight, bias, p) => {
      const q = convTranspose2dAsConv2d(p);
      fast.conv2dBackwardInput(out, input, weight, q, workspace);
      addChannelBias(out, bias, p, q.inHeight * q.inWidth);
    },
    convTBackwardInput: (dInput, dOut, weight, p) => {
      const q = convTranspose2dAsConv2d(p);
      fast.conv2dForward(dInput, dOut, weight, zeroBias.subarray(0, q.outChannels), q, workspace);
    },
    convTBackwardWeight: (dWeight, input, dOut, p) =>
      fast.conv2dBackwardWeight(dWeight, input, dOut, convTranspose2dAsConv2d(p), workspace),
    convTBackwardBias: convTRef.convTranspose2dBackwardBias,
  };
}
