// Test helper: a whole network run by composing the naive src/reference ops in Float64, with
// gradients in the flat parameter layout. The independent yardstick for the CPU backend (which
// uses the fast GEMM path in Float32) and, being Float64, the thing a finite-difference gradcheck
// can verify. Slow and allocating on purpose; not for training.

import type { LayerParameters } from '../../src/model/layout.ts';
import { parameterLayout } from '../../src/model/layout.ts';
import { shapeElements, type LayerDescription, type NetworkDescription } from '../../src/model/shapes.ts';
import { activationBackward, activationForward } from '../../src/reference/activation.ts';
import { avgPool2dBackward, avgPool2dForward } from '../../src/reference/avg_pool2d.ts';
import * as conv from '../../src/reference/conv2d.ts';
import * as dense from '../../src/reference/dense.ts';
import { maxPool2dBackward, maxPool2dForward } from '../../src/reference/max_pool2d.ts';
import {
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyForward,
} from '../../src/reference/softmax_cross_entropy.ts';

export interface NaiveResult {
  lossPerRow: Float64Array;
  correct: Uint8Array;
  logits: Float64Array;
  /** Mean loss over the batch (what the gradients differentiate). */
  loss: number;
}

interface Saved {
  output: Float64Array;
  argmax: Int32Array | null;
  probs: Float64Array | null;
}

function view(flat: Float64Array, slot: LayerParameters) {
  const at = (t: { offset: number; length: number }) => flat.subarray(t.offset, t.offset + t.length);
  return { weight: at(slot.weight), bias: at(slot.bias) };
}

function forwardOne(
  d: LayerDescription,
  x: Float64Array,
  params: ReturnType<typeof view> | null,
  labels: ArrayLike<number>,
  batch: number,
): Saved & { result?: NaiveResult } {
  const output = new Float64Array(batch * shapeElements(d.outputShape));
  switch (d.kind) {
    case 'conv':
      conv.conv2dForward(output, x, params!.weight, params!.bias, d.conv2d);
      activationForward(output, output, d.activation); // elementwise, so in place is safe
      return { output, argmax: null, probs: null };
    case 'pool': {
      if (d.mode === 'avg') {
        avgPool2dForward(output, x, d.pool2d);
        return { output, argmax: null, probs: null };
      }
      const argmax = new Int32Array(output.length);
      maxPool2dForward(output, argmax, x, d.pool2d);
      return { output, argmax, probs: null };
    }
    case 'fc':
      dense.denseForward(output, x, params!.weight, params!.bias, d.dense);
      activationForward(output, output, d.activation); // elementwise, so in place is safe
      return { output, argmax: null, probs: null };
    case 'classify': {
      dense.denseForward(output, x, params!.weight, params!.bias, d.dense);
      const probs = new Float64Array(output.length);
      const lossPerRow = new Float64Array(batch);
      const correct = new Uint8Array(batch);
      softmaxCrossEntropyForward(lossPerRow, probs, correct, output, labels, d.softmaxCrossEntropy);
      const loss = lossPerRow.reduce((a, b) => a + b, 0) / batch;
      return { output, argmax: null, probs, result: { lossPerRow, correct, logits: output, loss } };
    }
  }
}

/** Forward (and, with `grads`, backward) of `description` at its batch size, all in Float64. */
export function naiveNetwork(
  description: NetworkDescription,
  params: Float64Array,
  images: Float64Array,
  labels: ArrayLike<number>,
  grads?: Float64Array,
): NaiveResult {
  const batch = description.batch;
  const slots = new Map(parameterLayout(description).layers.map((s) => [s.layerIndex, s]));
  const inputs: Float64Array[] = [];
  const saved: Saved[] = [];
  let x = images;
  let result: NaiveResult | undefined;
  for (const d of description.layers) {
    const slot = slots.get(d.index);
    inputs.push(x);
    const step = forwardOne(d, x, slot ? view(params, slot) : null, labels, batch);
    saved.push(step);
    result = step.result ?? result;
    x = step.output;
  }
  if (!result) throw new Error('naiveNetwork: no classify layer');
  if (!grads) return result;
  grads.fill(0);
  let dOut = new Float64Array(0);
  for (let i = description.layers.length - 1; i >= 0; i--) {
    const d = description.layers[i];
    const s = saved[i];
    const slot = slots.get(d.index);
    const g = slot ? view(grads, slot) : null;
    const p = slot ? view(params, slot) : null;
    const dInput = new Float64Array(inputs[i].length);
    if (d.kind === 'classify') {
      const dLogits = new Float64Array(s.output.length);
      softmaxCrossEntropyBackward(dLogits, s.probs!, labels, d.softmaxCrossEntropy);
      dOut = dLogits;
    } else if (d.kind === 'conv' || d.kind === 'fc') {
      const dPre = new Float64Array(dOut.length);
      activationBackward(dPre, dOut, s.output, d.activation);
      dOut = dPre;
    }
    if (d.kind === 'conv') {
      conv.conv2dBackwardWeight(g!.weight, dOut, inputs[i], d.conv2d);
      conv.conv2dBackwardBias(g!.bias, dOut, d.conv2d);
      conv.conv2dBackwardInput(dInput, dOut, p!.weight, d.conv2d);
    } else if (d.kind === 'fc' || d.kind === 'classify') {
      dense.denseBackwardWeight(g!.weight, dOut, inputs[i], d.dense);
      dense.denseBackwardBias(g!.bias, dOut, d.dense);
      dense.denseBackwardInput(dInput, dOut, p!.weight, d.dense);
    } else if (d.mode === 'max') {
      maxPool2dBackward(dInput, dOut, s.argmax!, d.pool2d);
    } else {
      avgPool2dBackward(dInput, dOut, d.pool2d);
    }
    dOut = dInput;
  }
  return result;
}
