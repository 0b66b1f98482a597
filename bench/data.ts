// Seeded inputs for one benchmark layer and the naive reference's answer for each pass, computed
// in Float64 from the same Float32 inputs (src/reference), plus the error measure every
// implementation's result is judged by before it is timed. No timing and no GPU here.

import { withBatch, type BenchPass, type LayerSpec } from './cases.ts';
import { activationForward } from '../src/reference/activation.ts';
import * as conv from '../src/reference/conv2d.ts';
import * as dense from '../src/reference/dense.ts';
import { avgPool2dBackward, avgPool2dForward } from '../src/reference/avg_pool2d.ts';
import { maxPool2dBackward, maxPool2dForward } from '../src/reference/max_pool2d.ts';
import { conv2dOutputSize, conv2dShapes } from '../src/ops/conv2d.ts';
import { denseShapes } from '../src/ops/dense.ts';
import { pool2dShapes } from '../src/ops/pool2d.ts';
import { numel, type Shape } from '../src/ops/types.ts';
import { Random } from '../src/util/random.ts';

/** Tensors of one layer, float32, uniform in [-1, 1]; pools have no weight or bias. */
export interface LayerData {
  layer: LayerSpec;
  input: Float32Array;
  weight: Float32Array;
  bias: Float32Array;
  /** Upstream gradient, shaped like the layer's output. */
  dOut: Float32Array;
  /** max_pool2d only: the reference forward's choice per output (flat input index). */
  argmax: Int32Array;
  /** The reference result of a pass, computed on first request (seconds for big layers). */
  expected(pass: BenchPass): Float64Array;
}

export function layerShapes(layer: LayerSpec): { input: Shape; weight: Shape; bias: Shape; output: Shape } {
  if (layer.op === 'conv2d') return conv2dShapes(layer.params);
  if (layer.op === 'dense') return denseShapes(layer.params);
  const s = pool2dShapes(layer.params);
  return { input: s.input, weight: [0], bias: [0], output: s.output };
}

/** Shape of the tensor a pass writes. */
export function passOutputShape(layer: LayerSpec, pass: BenchPass): Shape {
  const s = layerShapes(layer);
  return { forward: s.output, backward_input: s.input, backward_weight: s.weight, backward_bias: s.bias }[
    pass
  ];
}

export function outputLengthOf(layer: LayerSpec, pass: BenchPass): number {
  return numel(passOutputShape(layer, pass));
}

function referencePass(data: LayerData, pass: BenchPass): Float64Array {
  const { layer, input, weight, bias, dOut, argmax } = data;
  const out = new Float64Array(outputLengthOf(layer, pass));
  if (layer.op === 'conv2d') {
    const p = layer.params;
    if (pass === 'forward') conv.conv2dForward(out, input, weight, bias, p);
    else if (pass === 'backward_input') conv.conv2dBackwardInput(out, dOut, weight, p);
    else if (pass === 'backward_weight') conv.conv2dBackwardWeight(out, dOut, input, p);
    else conv.conv2dBackwardBias(out, dOut, p);
  } else if (layer.op === 'dense') {
    const p = layer.params;
    if (pass === 'forward') dense.denseForward(out, input, weight, bias, p);
    else if (pass === 'backward_input') dense.denseBackwardInput(out, dOut, weight, p);
    else if (pass === 'backward_weight') dense.denseBackwardWeight(out, dOut, input, p);
    else dense.denseBackwardBias(out, dOut, p);
  } else if (layer.op === 'max_pool2d') {
    if (pass === 'forward') maxPool2dForward(out, new Int32Array(out.length), input, layer.params);
    else maxPool2dBackward(out, dOut, argmax, layer.params);
  } else if (pass === 'forward') avgPool2dForward(out, input, layer.params);
  else avgPool2dBackward(out, dOut, layer.params);
  // conv and fc forward passes fuse their activation (as the kernels do).
  if (pass === 'forward' && (layer.op === 'conv2d' || layer.op === 'dense')) {
    activationForward(out, out, layer.activation);
  }
  return out;
}

type Tensors = Pick<LayerData, 'input' | 'weight' | 'bias' | 'dOut' | 'argmax'>;

/** Seeded data for `layer`; the same layer and seed give the same tensors in every environment. */
export function makeLayerData(layer: LayerSpec, seed = 2024): LayerData {
  const random = new Random(seed);
  const shapes = layerShapes(layer);
  const filled = (shape: Shape) => random.fillUniform(new Float32Array(numel(shape)));
  const input = filled(shapes.input);
  const weight = filled(shapes.weight);
  const bias = filled(shapes.bias);
  const dOut = filled(shapes.output);
  const argmax = new Int32Array(layer.op === 'max_pool2d' ? dOut.length : 0);
  if (layer.op === 'max_pool2d') maxPool2dForward(new Float32Array(dOut.length), argmax, input, layer.params);
  return withReference(layer, { input, weight, bias, dOut, argmax });
}

/**
 * The first `batch` images of `data` (views, no copies) with their own reference results: batch
 * reductions (weight and bias gradients) differ from the full batch's. argmax indices stay valid
 * because images are the outermost dimension.
 */
export function sliceLayerData(data: LayerData, batch: number): LayerData {
  if (batch === data.layer.params.batch) return data;
  const layer = withBatch(data.layer, batch);
  const shapes = layerShapes(layer);
  const head = <T extends Float32Array | Int32Array>(a: T, shape: Shape): T =>
    a.subarray(0, a.length === 0 ? 0 : numel(shape)) as T;
  return withReference(layer, {
    input: head(data.input, shapes.input),
    weight: data.weight,
    bias: data.bias,
    dOut: head(data.dOut, shapes.output),
    argmax: head(data.argmax, shapes.output),
  });
}

function withReference(layer: LayerSpec, tensors: Tensors): LayerData {
  const cache = new Map<BenchPass, Float64Array>();
  const data: LayerData = {
    layer,
    ...tensors,
    expected(pass) {
      let result = cache.get(pass);
      if (!result) cache.set(pass, (result = referencePass(data, pass)));
      return result;
    },
  };
  return data;
}

/** Number of terms summed into one output of the pass: what rounding error grows with. */
export function reductionLength(layer: LayerSpec, pass: BenchPass): number {
  if (layer.op === 'dense') {
    const p = layer.params;
    return {
      forward: p.inFeatures + 1,
      backward_input: p.outFeatures,
      backward_weight: p.batch,
      backward_bias: p.batch,
    }[pass];
  }
  if (layer.op === 'conv2d') {
    const p = layer.params;
    const { outHeight, outWidth } = conv2dOutputSize(p);
    const reach = Math.ceil(p.kernelH / p.stride) * Math.ceil(p.kernelW / p.stride);
    const taps = p.inChannels * p.kernelH * p.kernelW;
    const pixels = p.batch * outHeight * outWidth;
    return {
      forward: taps + 1,
      backward_input: p.outChannels * reach,
      backward_weight: pixels,
      backward_bias: pixels,
    }[pass];
  }
  const k = layer.params.kernel;
  const reach = Math.ceil(k / layer.params.stride) ** 2;
  return pass === 'forward' ? k * k : reach;
}

/**
 * Largest error accepted before a result is timed. Every input is in [-1, 1], so a sum of R terms
 * has magnitude <= R and each float32 rounding of a partial sum moves it by <= 2^-24 * R; errors
 * of a correct kernel grow like sqrt(R) roundings in practice. 16 * 2^-24 * R (4e-3 for fc1's 9217
 * terms) is far above that and far below the O(1) errors of a wrong index or a missed tile.
 */
export function acceptableError(layer: LayerSpec, pass: BenchPass): number {
  return 16 * 2 ** -24 * reductionLength(layer, pass);
}

/** max |actual - expected|; NaN or a length mismatch gives Infinity (an unwritten or wrong output). */
export function maxError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = Math.abs(actual[i] - expected[i]);
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst;
}
