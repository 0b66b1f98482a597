// The CPU implementations of one (layer, pass) as closures for the timer: the naive reference
// (src/reference, float32 arrays, the honest baseline) and the fast path (src/fast: im2col +
// blocked GEMM for conv2d and dense). Forward passes apply the layer's activation, as the GPU
// kernels fuse it. Pools have no fast path (src/fast re-exports the reference), so no fast row.

import type { BenchPass } from './cases.ts';
import { outputLengthOf, type LayerData } from './data.ts';
import * as fast from '../src/fast/index.ts';
import { activationForward } from '../src/reference/activation.ts';
import { avgPool2dBackward, avgPool2dForward } from '../src/reference/avg_pool2d.ts';
import * as conv from '../src/reference/conv2d.ts';
import * as dense from '../src/reference/dense.ts';
import { maxPool2dBackward, maxPool2dForward } from '../src/reference/max_pool2d.ts';

export interface CpuCaseRun {
  run(): void;
  output: Float32Array;
}

/** The naive reference writing float32 (sums still in doubles, as the reference always does). */
export function naiveCpuCase(data: LayerData, pass: BenchPass): CpuCaseRun {
  const { layer, input, weight, bias, dOut, argmax } = data;
  const out = new Float32Array(outputLengthOf(layer, pass));
  let run: () => void;
  if (layer.op === 'conv2d') {
    const p = layer.params;
    run = {
      forward: () => (
        conv.conv2dForward(out, input, weight, bias, p),
        activationForward(out, out, layer.activation)
      ),
      backward_input: () => conv.conv2dBackwardInput(out, dOut, weight, p),
      backward_weight: () => conv.conv2dBackwardWeight(out, dOut, input, p),
      backward_bias: () => conv.conv2dBackwardBias(out, dOut, p),
    }[pass];
  } else if (layer.op === 'dense') {
    const p = layer.params;
    run = {
      forward: () => (
        dense.denseForward(out, input, weight, bias, p),
        activationForward(out, out, layer.activation)
      ),
      backward_input: () => dense.denseBackwardInput(out, dOut, weight, p),
      backward_weight: () => dense.denseBackwardWeight(out, dOut, input, p),
      backward_bias: () => dense.denseBackwardBias(out, dOut, p),
    }[pass];
  } else if (layer.op === 'max_pool2d') {
    const p = layer.params;
    const chosen = new Int32Array(out.length);
    run =
      pass === 'forward'
        ? () => maxPool2dForward(out, chosen, input, p)
        : () => maxPool2dBackward(out, dOut, argmax, p);
  } else {
    const p = layer.params;
    run = pass === 'forward' ? () => avgPool2dForward(out, input, p) : () => avgPool2dBackward(out, dOut, p);
  }
  return { run, output: out };
}

/** The fast CPU path, or null for ops that have none (pools). Workspaces are made here, untimed. */
export function fastCpuCase(data: LayerData, pass: BenchPass): CpuCaseRun | null {
  const { layer, input, weight, bias, dOut } = data;
  const out = new Float32Array(outputLengthOf(layer, pass));
  if (layer.op === 'conv2d') {
    const p = layer.params;
    const ws = fast.createConv2dWorkspace(p);
    const run = {
      forward: () => (
        fast.conv2dForward(out, input, weight, bias, p, ws),
        fast.activationForward(out, out, layer.activation)
      ),
      backward_input: () => fast.conv2dBackwardInput(out, dOut, weight, p, ws),
      backward_weight: () => fast.conv2dBackwardWeight(out, dOut, input, p, ws),
      backward_bias: () => fast.conv2dBackwardBias(out, dOut, p),
    }[pass];
    return { run, output: out };
  }
  if (layer.op === 'dense') {
    const p = layer.params;
    const ws = fast.createGemmWorkspace();
    const run = {
      forward: () => (
        fast.denseForward(out, input, weight, bias, p, ws),
        fast.activationForward(out, out, layer.activation)
      ),
      backward_input: () => fast.denseBackwardInput(out, dOut, weight, p, ws),
      backward_weight: () => fast.denseBackwardWeight(out, dOut, input, p, ws),
      backward_bias: () => fast.denseBackwardBias(out, dOut, p),
    }[pass];
    return { run, output: out };
  }
  return null;
}
