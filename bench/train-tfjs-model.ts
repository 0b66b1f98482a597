// The TensorFlow.js twin of one of our networks for the training benchmark: a tf.layers Sequential
// built from the same NetworkDescription (same layers, activations and sizes, in TFJS's own NHWC /
// HWIO / [in, out] layouts, with tf.layers' fused conv and dense kernels), and conversion of our
// flat parameters (src/model/layout.ts) into it and back, so both start from the same weights.
// No training loop (train-tfjs-loop.ts) and no backend choice: the caller picks webgpu or cpu.

import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../src/ops/activation.ts';
import { parameterLayout } from '../src/model/layout.ts';
import type { LayerDescription, NetworkDescription } from '../src/model/shapes.ts';
import { permute } from './layout.ts';

/** One of our layers with parameters, and the TFJS layer holding its kernel and bias. */
export interface TfjsParameterLayer {
  layerIndex: number;
  layer: tf.layers.Layer;
}

export interface TfjsNetwork {
  model: tf.Sequential;
  /** In network order, one per conv / fc / classify layer (zero padding and flatten have none). */
  parameterLayers: TfjsParameterLayer[];
}

const tfActivation = (a: Activation) => (a === 'none' ? 'linear' : a);

/** TFJS 'same' pads (k-1)/2 on each side at stride 1 for odd k: exactly our padding then. */
function isSamePadding(layer: LayerDescription & { kind: 'conv' }): boolean {
  const p = layer.conv2d;
  return (
    p.stride === 1 && p.kernelH === p.kernelW && p.kernelH % 2 === 1 && p.padding === (p.kernelH - 1) / 2
  );
}

/** The TFJS layers for one of ours; the last one of the list holds the parameters (if any). */
function tfjsLayers(layer: LayerDescription, previous: LayerDescription | undefined): tf.layers.Layer[] {
  switch (layer.kind) {
    case 'conv': {
      const p = layer.conv2d;
      const same = isSamePadding(layer);
      const conv = tf.layers.conv2d({
        filters: p.outChannels,
        kernelSize: [p.kernelH, p.kernelW],
        strides: p.stride,
        padding: same ? 'same' : 'valid',
        activation: tfActivation(layer.activation),
      });
      return p.padding > 0 && !same ? [tf.layers.zeroPadding2d({ padding: p.padding }), conv] : [conv];
    }
    case 'pool': {
      const args = { poolSize: layer.pool2d.kernel, strides: layer.pool2d.stride, padding: 'valid' as const };
      return [layer.mode === 'max' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args)];
    }
    case 'fc':
    case 'classify': {
      const units = layer.dense.outFeatures;
      const activation = layer.kind === 'fc' ? tfActivation(layer.activation) : 'linear';
      const dense = tf.layers.dense({ units, activation });
      const flat = previous !== undefined && (previous.kind === 'fc' || previous.kind === 'classify');
      return flat ? [dense] : [tf.layers.flatten(), dense];
    }
  }
}

/** Builds the model (weights initialised by TFJS; setTfjsParameters replaces them). */
export function buildTfjsModel(description: NetworkDescription): TfjsNetwork {
  const [channels, height, width] = description.input;
  const model = tf.sequential({ name: `${description.name ?? 'net'}_tfjs` });
  const parameterLayers: TfjsParameterLayer[] = [];
  description.layers.forEach((layer, i) => {
    const made = tfjsLayers(layer, description.layers[i - 1]);
    for (const [j, tfLayer] of made.entries()) {
      // The first layer added declares the NHWC input shape; tf.layers infers the rest.
      if (model.layers.length === 0)
        model.add(tf.layers.inputLayer({ inputShape: [height, width, channels] }));
      model.add(tfLayer);
      if (layer.params > 0 && j === made.length - 1)
        parameterLayers.push({ layerIndex: layer.index, layer: tfLayer });
    }
  });
  return { model, parameterLayers };
}

/**
 * Our weight [out, C, H, W] (conv: [outC, inC, kH, kW]; dense: [out, in] with in = C·H·W of its
 * input in C, H, W order) and TFJS's ([kH, kW, inC, outC]; dense [in, out] with in in H, W, C order,
 * as Flatten of NHWC gives) are the same axes permuted by [2, 3, 1, 0].
 */
function weightShape(layer: LayerDescription): [number, number, number, number] {
  if (layer.kind === 'conv') {
    const p = layer.conv2d;
    return [p.outChannels, p.inChannels, p.kernelH, p.kernelW];
  }
  if (layer.kind === 'pool') throw new Error('a pool layer has no weights');
  const [c, h, w] = layer.inputShape;
  return [layer.dense.outFeatures, c, h, w];
}

const OURS_TO_TFJS = [2, 3, 1, 0];
const TFJS_TO_OURS = [3, 2, 0, 1];

/** Copies our flat parameters (same seed, same values) into the TFJS model. */
export function setTfjsParameters(
  net: TfjsNetwork,
  description: NetworkDescription,
  flat: Float32Array,
): void {
  const slices = parameterLayout(description).layers;
  for (const [i, { layerIndex, layer }] of net.parameterLayers.entries()) {
    const { weight, bias } = slices[i];
    const ours = description.layers[layerIndex];
    const shape = weightShape(ours);
    const values = permute(flat.subarray(weight.offset, weight.offset + weight.length), shape, OURS_TO_TFJS);
    const kernelShape = layer.getWeights()[0].shape;
    const tensors = [
      tf.tensor(values, kernelShape),
      tf.tensor1d(flat.subarray(bias.offset, bias.offset + bias.length)),
    ];
    layer.setWeights(tensors);
    tensors.forEach((t) => t.dispose());
  }
}

/** The TFJS model's parameters in our flat layout (reads back; for checks, never in a timed loop). */
export async function getTfjsParameters(
  net: TfjsNetwork,
  description: NetworkDescription,
): Promise<Float32Array> {
  const layout = parameterLayout(description);
  const flat = new Float32Array(layout.length);
  for (const [i, { layerIndex, layer }] of net.parameterLayers.entries()) {
    const { weight, bias } = layout.layers[i];
    const [kernel, biasTensor] = layer.getWeights();
    const shape = weightShape(description.layers[layerIndex]);
    const tfjsShape = OURS_TO_TFJS.map((d) => shape[d]);
    const values = (await kernel.data()) as Float32Array;
    flat.set(permute(values, tfjsShape, TFJS_TO_OURS), weight.offset);
    flat.set((await biasTensor.data()) as Float32Array, bias.offset);
  }
  return flat;
}
