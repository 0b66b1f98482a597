// One layer of the CPU training backend: its preallocated tensors and its forward and backward
// pass on one batch, built from the fast CPU ops (src/fast: conv2d and dense via GEMM, the
// reference softmax) plus in-place activation and allocation-free pooling loops. The network
// (cpu-network.ts) owns the order of layers and the flat parameter and gradient buffers.
// Not a Backend: no data, no optimizer, no metrics.

import {
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
  denseBackwardBias,
  denseBackwardInput,
  denseBackwardWeight,
  denseForward,
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyForward,
  type Conv2dWorkspace,
  type GemmWorkspace,
} from '../fast/index.ts';
import type { Activation } from '../ops/activation.ts';
import { pool2dOutputSize, type Pool2dParams } from '../ops/pool2d.ts';
import type { LayerParameters } from './layout.ts';
import { shapeElements, type LayerDescription } from './shapes.ts';

/** Scratch shared by every layer of one network (layers run one after another). */
export interface CpuWorkspaces {
  conv: Conv2dWorkspace;
  gemm: GemmWorkspace;
}

/** Views of one layer's weight and bias inside a flat buffer (parameters or gradients). */
export interface TensorPair {
  weight: Float32Array;
  bias: Float32Array;
}

/** Only the classify layer has these: what softmax cross-entropy reads and writes. */
export interface ClassifyTensors {
  probs: Float32Array;
  lossPerRow: Float32Array;
  correct: Uint8Array;
}

/** A layer with its tensors at the network's batch size, allocated once. */
export interface CpuLayer {
  description: LayerDescription;
  /** The layer's output after its activation (the logits for classify): [batch, ...outputShape]. */
  output: Float32Array;
  /** d loss / d output; for fc and conv the activation's backward overwrites it in place. */
  dOutput: Float32Array;
  /** max pool only: flat input index chosen for each output. */
  argmax: Int32Array | null;
  params: TensorPair | null;
  grads: TensorPair | null;
  classify: ClassifyTensors | null;
}

function slice(flat: Float32Array, at: { offset: number; length: number }): Float32Array {
  return flat.subarray(at.offset, at.offset + at.length);
}

/** Allocates the layer's tensors; parameters and gradients are views into the flat buffers. */
export function createCpuLayer(
  description: LayerDescription,
  batch: number,
  slots: LayerParameters | undefined,
  params: Float32Array,
  grads: Float32Array,
): CpuLayer {
  const elements = batch * shapeElements(description.outputShape);
  const pair = (flat: Float32Array): TensorPair | null =>
    slots ? { weight: slice(flat, slots.weight), bias: slice(flat, slots.bias) } : null;
  const isMaxPool = description.kind === 'pool' && description.mode === 'max';
  const classify =
    description.kind === 'classify'
      ? {
          probs: new Float32Array(elements),
          lossPerRow: new Float32Array(batch),
          correct: new Uint8Array(batch),
        }
      : null;
  return {
    description,
    output: new Float32Array(elements),
    dOutput: new Float32Array(elements),
    argmax: isMaxPool ? new Int32Array(elements) : null,
    params: pair(params),
    grads: pair(grads),
    classify,
  };
}

/**
 * In place, one loop per activation (the reference switches per element, which costs as much as
 * the exp here). Same formulas as src/reference/activation.ts.
 */
export function activationForwardInPlace(values: Float32Array, activation: Activation): void {
  const n = values.length;
  if (activation === 'relu') {
    for (let i = 0; i < n; i++) if (!(values[i] > 0)) values[i] = 0;
  } else if (activation === 'sigmoid') {
    for (let i = 0; i < n; i++) values[i] = 1 / (1 + Math.exp(-values[i]));
  } else if (activation === 'tanh') {
    for (let i = 0; i < n; i++) values[i] = Math.tanh(values[i]);
  }
}

/** dOut *= f'(x), in place, with f' from the forward output y (relu' at 0 is 0, as the reference). */
export function activationBackwardInPlace(
  dOut: Float32Array,
  output: Float32Array,
  activation: Activation,
): void {
  const n = dOut.length;
  if (activation === 'relu') {
    for (let i = 0; i < n; i++) if (!(output[i] > 0)) dOut[i] = 0;
  } else if (activation === 'sigmoid') {
    for (let i = 0; i < n; i++) dOut[i] *= output[i] * (1 - output[i]);
  } else if (activation === 'tanh') {
    for (let i = 0; i < n; i++) dOut[i] *= 1 - output[i] * output[i];
  }
}

/** Forward pass of one layer on `input`; classify also needs the batch's labels. */
export function forwardLayer(
  layer: CpuLayer,
  input: Float32Array,
  labels: Uint32Array,
  ws: CpuWorkspaces,
): void {
  const d = layer.description;
  const p = layer.params!;
  switch (d.kind) {
    case 'conv':
      // The fast conv2d does not fuse the activation, so it is applied in place afterwards.
      conv2dForward(layer.output, input, p.weight, p.bias, d.conv2d, ws.conv);
      activationForwardInPlace(layer.output, d.activation);
      return;
    case 'pool':
      if (d.mode === 'max') maxPoolForward(layer.output, layer.argmax!, input, d.pool2d);
      else avgPoolForward(layer.output, input, d.pool2d);
      return;
    case 'fc':
      denseForward(layer.output, input, p.weight, p.bias, d.dense, ws.gemm);
      activationForwardInPlace(layer.output, d.activation);
      return;
    case 'classify': {
      denseForward(layer.output, input, p.weight, p.bias, d.dense, ws.gemm);
      const c = layer.classify!;
      softmaxCrossEntropyForward(
        c.lossPerRow,
        c.probs,
        c.correct,
        layer.output,
        labels,
        d.softmaxCrossEntropy,
      );
    }
  }
}

/**
 * Backward pass of one layer: writes its parameter gradients and, unless `dInput` is null (the
 * first layer, whose input is the data), the gradient of its input. Reads `layer.dOutput`
 * (classify computes its own from the probabilities and labels).
 */
export function backwardLayer(
  layer: CpuLayer,
  input: Float32Array,
  dInput: Float32Array | null,
  labels: Uint32Array,
  ws: CpuWorkspaces,
): void {
  const d = layer.description;
  const dOut = layer.dOutput;
  const g = layer.grads!;
  switch (d.kind) {
    case 'conv':
      activationBackwardInPlace(dOut, layer.output, d.activation);
      conv2dBackwardWeight(g.weight, dOut, input, d.conv2d, ws.conv);
      conv2dBackwardBias(g.bias, dOut, d.conv2d);
      if (dInput) conv2dBackwardInput(dInput, dOut, layer.params!.weight, d.conv2d, ws.conv);
      return;
    case 'pool':
      if (!dInput) return;
      if (d.mode === 'max') maxPoolBackward(dInput, dOut, layer.argmax!);
      else avgPoolBackward(dInput, dOut, d.pool2d);
      return;
    case 'fc':
    case 'classify':
      if (d.kind === 'classify') {
        softmaxCrossEntropyBackward(dOut, layer.classify!.probs, labels, d.softmaxCrossEntropy);
      } else {
        activationBackwardInPlace(dOut, layer.output, d.activation);
      }
      denseBackwardWeight(g.weight, dOut, input, d.dense, ws.gemm);
      denseBackwardBias(g.bias, dOut, d.dense);
      if (dInput) denseBackwardInput(dInput, dOut, layer.params!.weight, d.dense, ws.gemm);
  }
}

/**
 * Max pooling with the reference's rules (first maximum wins, a NaN wins) but no per-call
 * validation; argmax holds flat input indices, as src/reference/max_pool2d.ts.
 */
export function maxPoolForward(
  out: Float32Array,
  argmax: Int32Array,
  input: Float32Array,
  p: Pool2dParams,
): void {
  const { outHeight, outWidth } = pool2dOutputSize(p);
  const { inHeight, inWidth, kernel, stride } = p;
  let o = 0;
  for (let plane = 0; plane < p.batch * p.channels; plane++) {
    const planeStart = plane * inHeight * inWidth;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++, o++) {
        let best = planeStart + oy * stride * inWidth + ox * stride;
        let bestValue = input[best];
        for (let ky = 0; ky < kernel; ky++) {
          const row = planeStart + (oy * stride + ky) * inWidth + ox * stride;
          for (let kx = 0; kx < kernel; kx++) {
            const v = input[row + kx];
            if (v > bestValue || (v !== v && bestValue === bestValue)) {
              best = row + kx;
              bestValue = v;
            }
          }
        }
        out[o] = bestValue;
        argmax[o] = best;
      }
    }
  }
}

/**
 * dInput = 0, then dInput[argmax[o]] += dOut[o]. Unlike the reference (which sums in a fresh
 * Float64Array) this adds in float32 in place, so it allocates nothing; with the usual
 * non-overlapping windows every input receives at most one term and the results are identical.
 */
export function maxPoolBackward(dInput: Float32Array, dOut: Float32Array, argmax: Int32Array): void {
  dInput.fill(0);
  for (let o = 0; o < dOut.length; o++) dInput[argmax[o]] += dOut[o];
}

/** Mean over each window, as src/reference/avg_pool2d.ts, without per-call validation. */
export function avgPoolForward(out: Float32Array, input: Float32Array, p: Pool2dParams): void {
  const { outHeight, outWidth } = pool2dOutputSize(p);
  const { inHeight, inWidth, kernel, stride } = p;
  const area = kernel * kernel;
  let o = 0;
  for (let plane = 0; plane < p.batch * p.channels; plane++) {
    const planeStart = plane * inHeight * inWidth;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++, o++) {
        let sum = 0;
        for (let ky = 0; ky < kernel; ky++) {
          const row = planeStart + (oy * stride + ky) * inWidth + ox * stride;
          for (let kx = 0; kx < kernel; kx++) sum += input[row + kx];
        }
        out[o] = sum / area;
      }
    }
  }
}

/** dInput = 0, then each dOut / kernel^2 is added over its window (float32, in place; see maxPoolBackward). */
export function avgPoolBackward(dInput: Float32Array, dOut: Float32Array, p: Pool2dParams): void {
  const { outHeight, outWidth } = pool2dOutputSize(p);
  const { inHeight, inWidth, kernel, stride } = p;
  const area = kernel * kernel;
  dInput.fill(0);
  let o = 0;
  for (let plane = 0; plane < p.batch * p.channels; plane++) {
    const planeStart = plane * inHeight * inWidth;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++, o++) {
        const share = dOut[o] / area;
        for (let ky = 0; ky < kernel; ky++) {
          const row = planeStart + (oy * stride + ky) * inWidth + ox * stride;
          for (let kx = 0; kx < kernel; kx++) dInput[row + kx] += share;
        }
      }
    }
  }
}
