// Shape inference and parameter counts for one layer of a spec, and the op params its kernels take
// (Conv2dParams, Pool2dParams, DenseParams from src/ops). Pure arithmetic that assumes the layer's
// fields are valid: validate.ts checks them first, and describeNetwork (validate.ts) calls both.

import type { Activation } from '../ops/activation.ts';
import { conv2dOutputSize, type Conv2dParams } from '../ops/conv2d.ts';
import type { DenseParams } from '../ops/dense.ts';
import { pool2dOutputSize, type Pool2dParams } from '../ops/pool2d.ts';
import type { SoftmaxCrossEntropyParams } from '../ops/softmax_cross_entropy.ts';
import {
  convKernel,
  convPadding,
  convStride,
  layerLabel,
  poolStride,
  type ClassifyLayerSpec,
  type ConvLayerSpec,
  type FcLayerSpec,
  type LayerSpec,
  type PoolLayerSpec,
  type PoolMode,
} from './spec.ts';

/** [channels, height, width] of one example. An fc layer's output is [units, 1, 1]. */
export type Shape3 = readonly [number, number, number];

interface LayerDescriptionCommon {
  /** 0-based index into `spec.layers`. */
  index: number;
  label: string;
  inputShape: Shape3;
  outputShape: Shape3;
  weights: number;
  biases: number;
  /** weights + biases. */
  params: number;
}

/** One layer as the kernels see it. Op params carry the batch given to describeNetwork. */
export type LayerDescription =
  | (LayerDescriptionCommon & { kind: 'conv'; activation: Activation; conv2d: Conv2dParams })
  | (LayerDescriptionCommon & { kind: 'pool'; mode: PoolMode; pool2d: Pool2dParams })
  // `dense.inFeatures` is C*H*W of inputShape: the first fc flattens in NCHW (C, H, W) order.
  | (LayerDescriptionCommon & { kind: 'fc'; activation: Activation; dense: DenseParams })
  | (LayerDescriptionCommon & {
      kind: 'classify';
      dense: DenseParams;
      softmaxCrossEntropy: SoftmaxCrossEntropyParams;
    });

export interface NetworkDescription {
  name?: string;
  batch: number;
  input: Shape3;
  layers: LayerDescription[];
  totals: {
    weights: number;
    biases: number;
    params: number;
    /** The largest tensor of one example: the input (layerIndex null) or a layer's output. */
    largestActivation: { layerIndex: number | null; elements: number };
  };
}

export function shapeElements(shape: Shape3): number {
  return shape[0] * shape[1] * shape[2];
}

type Common = Pick<LayerDescriptionCommon, 'index' | 'label' | 'inputShape'>;

function describeConv(layer: ConvLayerSpec, common: Common, batch: number): LayerDescription {
  const [channels, inHeight, inWidth] = common.inputShape;
  const [kernelH, kernelW] = convKernel(layer);
  const outChannels = layer.filters;
  const stride = convStride(layer);
  const padding = convPadding(layer);
  const conv2d: Conv2dParams = {
    batch,
    inChannels: channels,
    inHeight,
    inWidth,
    outChannels,
    kernelH,
    kernelW,
    stride,
    padding,
  };
  const { outHeight, outWidth } = conv2dOutputSize(conv2d);
  const outputShape: Shape3 = [outChannels, outHeight, outWidth];
  const params = counts(outChannels * channels * kernelH * kernelW, outChannels);
  return { ...common, kind: 'conv', activation: layer.activation, conv2d, outputShape, ...params };
}

function describePool(layer: PoolLayerSpec, common: Common, batch: number): LayerDescription {
  const [channels, inHeight, inWidth] = common.inputShape;
  const pool2d: Pool2dParams = {
    batch,
    channels,
    inHeight,
    inWidth,
    kernel: layer.size,
    stride: poolStride(layer),
  };
  const { outHeight, outWidth } = pool2dOutputSize(pool2d);
  const outputShape: Shape3 = [channels, outHeight, outWidth];
  return { ...common, kind: 'pool', mode: layer.mode, pool2d, outputShape, ...counts(0, 0) };
}

/** fc and classify: a dense layer on the flattened input (C, H, W order). */
function describeDense(
  layer: FcLayerSpec | ClassifyLayerSpec,
  common: Common,
  batch: number,
): LayerDescription {
  const outFeatures = layer.kind === 'fc' ? layer.units : layer.classes;
  const dense: DenseParams = { batch, inFeatures: shapeElements(common.inputShape), outFeatures };
  const base = { ...common, dense, outputShape: [outFeatures, 1, 1] as Shape3 };
  const params = counts(dense.inFeatures * outFeatures, outFeatures);
  if (layer.kind === 'fc') return { ...base, kind: 'fc', activation: layer.activation, ...params };
  return { ...base, kind: 'classify', softmaxCrossEntropy: { batch, classes: outFeatures }, ...params };
}

/** Describes `layer` applied to `input`. A size below 1 in outputShape means the layer does not fit. */
export function describeLayer(
  layer: LayerSpec,
  index: number,
  input: Shape3,
  batch: number,
): LayerDescription {
  const common = { index, label: layerLabel(layer), inputShape: input };
  switch (layer.kind) {
    case 'conv':
      return describeConv(layer, common, batch);
    case 'pool':
      return describePool(layer, common, batch);
    case 'fc':
    case 'classify':
      return describeDense(layer, common, batch);
  }
}

function counts(weights: number, biases: number): { weights: number; biases: number; params: number } {
  return { weights, biases, params: weights + biases };
}

/** Totals over layers already described (parameter counts, the largest activation). */
export function networkTotals(
  input: Shape3,
  layers: readonly LayerDescription[],
): NetworkDescription['totals'] {
  let largestActivation: { layerIndex: number | null; elements: number } = {
    layerIndex: null,
    elements: shapeElements(input),
  };
  for (const layer of layers) {
    const elements = shapeElements(layer.outputShape);
    if (elements > largestActivation.elements) largestActivation = { layerIndex: layer.index, elements };
  }
  const sum = (field: 'weights' | 'biases' | 'params') => layers.reduce((total, l) => total + l[field], 0);
  return { weights: sum('weights'), biases: sum('biases'), params: sum('params'), largestActivation };
}
