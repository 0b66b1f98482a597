// Where each layer's weights and biases live in the one flat parameter buffer (and, with the same
// offsets, in the flat gradient and optimizer-state buffers), and seeded initialisation.
// Offsets are aligned to 64 floats (256 bytes, WebGPU's minStorageBufferOffsetAlignment) so a GPU
// binding can point at one tensor; the gaps stay zero and are never read by a layer.

import { Random } from '../util/random.ts';
import type { LayerDescription, NetworkDescription } from './shapes.ts';

/** Floats per alignment unit: 256 bytes. */
export const PARAMETER_ALIGNMENT = 64;

export interface TensorSlice {
  offset: number;
  length: number;
}

export interface LayerParameters {
  layerIndex: number;
  weight: TensorSlice;
  bias: TensorSlice;
}

export interface ParameterLayout {
  /** Layers with parameters (conv, fc, classify), in network order. */
  layers: LayerParameters[];
  /** Length of the flat buffer in floats, a multiple of PARAMETER_ALIGNMENT. */
  length: number;
}

function align(n: number): number {
  return Math.ceil(n / PARAMETER_ALIGNMENT) * PARAMETER_ALIGNMENT;
}

export function parameterLayout(description: NetworkDescription): ParameterLayout {
  const layers: LayerParameters[] = [];
  let offset = 0;
  for (const layer of description.layers) {
    if (layer.params === 0) continue;
    const weight = { offset, length: layer.weights };
    offset = align(offset + layer.weights);
    const bias = { offset, length: layer.biases };
    offset = align(offset + layer.biases);
    layers.push({ layerIndex: layer.index, weight, bias });
  }
  return { layers, length: Math.max(offset, PARAMETER_ALIGNMENT) };
}

/** Inputs feeding one output unit (fan-in) and outputs one input unit feeds (fan-out). */
function fans(layer: LayerDescription): { fanIn: number; fanOut: number } {
  if (layer.kind === 'conv') {
    const p = layer.conv2d;
    const area = p.kernelH * p.kernelW;
    return { fanIn: p.inChannels * area, fanOut: p.outChannels * area };
  }
  if (layer.kind === 'fc' || layer.kind === 'classify') {
    return { fanIn: layer.dense.inFeatures, fanOut: layer.dense.outFeatures };
  }
  return { fanIn: 1, fanOut: 1 };
}

/** Uniform bound for a layer's weights; see initialParameters. */
function initBound(layer: LayerDescription): number {
  const { fanIn, fanOut } = fans(layer);
  const activation = layer.kind === 'conv' || layer.kind === 'fc' ? layer.activation : 'none';
  if (activation === 'relu') return Math.sqrt(6 / fanIn); // He: variance 2 / fan-in
  // LeCun (Efficient BackProp): variance 1 / fan-in keeps a saturating unit's input in its
  // responsive range; Glorot's smaller draw left the `seed` net's 2880-input sigmoid fc too flat
  // to learn reliably in one epoch (docs/cli.md).
  if (activation === 'sigmoid' || activation === 'tanh') return Math.sqrt(3 / fanIn);
  return Math.sqrt(6 / (fanIn + fanOut)); // Glorot
}

/**
 * Seeded initial parameters: He-uniform for relu layers (keeps activation variance through
 * rectifiers), LeCun-uniform for sigmoid and tanh, Glorot-uniform for none and the classify layer;
 * biases zero. The same seed gives the same parameters on every backend.
 */
export function initialParameters(description: NetworkDescription, seed: number): Float32Array {
  const layout = parameterLayout(description);
  const flat = new Float32Array(layout.length);
  const random = new Random(seed);
  for (const slice of layout.layers) {
    const layer = description.layers[slice.layerIndex];
    const bound = initBound(layer);
    const weights = flat.subarray(slice.weight.offset, slice.weight.offset + slice.weight.length);
    random.fillUniform(weights, -bound, bound);
  }
  return flat;
}
