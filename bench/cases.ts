// The layers of the three reference networks (seed, lenet5, convnet) as benchmark cases: one per
// layer, op and pass, at a given batch. Pure data and shape arithmetic; nothing here runs an op.
// Layer shapes follow docs/DESIGN's presets on a 1x28x28 image; the last fc is `classify` (no
// activation: softmax belongs to the loss).

import type { Activation } from '../src/ops/activation.ts';
import { conv2dOutputSize, conv2dPassFlops, type Conv2dParams } from '../src/ops/conv2d.ts';
import { densePassFlops, type DenseParams } from '../src/ops/dense.ts';
import { pool2dFlops, pool2dOutputSize, type Pool2dParams } from '../src/ops/pool2d.ts';

export const NET_NAMES = ['seed', 'lenet5', 'convnet'] as const;
export type NetName = (typeof NET_NAMES)[number];

export type BenchPass = 'forward' | 'backward_input' | 'backward_weight' | 'backward_bias';

/** `first`: the net's first layer, whose input gradient training never computes. */
interface LayerBase {
  net: NetName;
  layer: string;
  first: boolean;
}

export type LayerSpec =
  | (LayerBase & { op: 'conv2d'; params: Conv2dParams; activation: Activation })
  | (LayerBase & { op: 'dense'; params: DenseParams; activation: Activation })
  | (LayerBase & { op: 'max_pool2d' | 'avg_pool2d'; params: Pool2dParams });

export type BenchOp = LayerSpec['op'];

/** One timed unit: a layer and one of its passes. */
export interface BenchCase {
  layer: LayerSpec;
  pass: BenchPass;
}

/** Passes each op has (pools have no weights; their backward is the input gradient). */
export function passesOf(op: BenchOp): BenchPass[] {
  if (op === 'conv2d' || op === 'dense')
    return ['forward', 'backward_input', 'backward_weight', 'backward_bias'];
  return ['forward', 'backward_input'];
}

/** The passes a training step runs for this layer: a first layer skips its input gradient. */
export function layerPasses(layer: LayerSpec): BenchPass[] {
  const passes = passesOf(layer.op);
  return layer.first ? passes.filter((pass) => pass !== 'backward_input') : passes;
}

type Image = { channels: number; height: number; width: number };
type LayerPlan =
  | {
      kind: 'conv';
      layer: string;
      outChannels: number;
      kernel: number;
      padding: number;
      activation: Activation;
    }
  | { kind: 'pool'; layer: string; kernel: number }
  | { kind: 'fc'; layer: string; out: number; activation: Activation };

const PLANS: Record<NetName, LayerPlan[]> = {
  seed: [
    { kind: 'conv', layer: 'conv1', outChannels: 20, kernel: 5, padding: 0, activation: 'sigmoid' },
    { kind: 'pool', layer: 'pool1', kernel: 2 },
    { kind: 'fc', layer: 'fc1', out: 30, activation: 'sigmoid' },
    { kind: 'fc', layer: 'classify', out: 10, activation: 'none' },
  ],
  lenet5: [
    { kind: 'conv', layer: 'conv1', outChannels: 6, kernel: 5, padding: 2, activation: 'relu' },
    { kind: 'pool', layer: 'pool1', kernel: 2 },
    { kind: 'conv', layer: 'conv2', outChannels: 16, kernel: 5, padding: 0, activation: 'relu' },
    { kind: 'pool', layer: 'pool2', kernel: 2 },
    { kind: 'fc', layer: 'fc1', out: 120, activation: 'relu' },
    { kind: 'fc', layer: 'fc2', out: 84, activation: 'relu' },
    { kind: 'fc', layer: 'classify', out: 10, activation: 'none' },
  ],
  convnet: [
    { kind: 'conv', layer: 'conv1', outChannels: 32, kernel: 3, padding: 0, activation: 'relu' },
    { kind: 'conv', layer: 'conv2', outChannels: 64, kernel: 3, padding: 0, activation: 'relu' },
    { kind: 'pool', layer: 'pool1', kernel: 2 },
    { kind: 'fc', layer: 'fc1', out: 128, activation: 'relu' },
    { kind: 'fc', layer: 'classify', out: 10, activation: 'none' },
  ],
};

/** The layers of `net` for MNIST-sized input (1x28x28) at `batch`, with their shapes inferred. */
export function networkLayers(net: NetName, batch: number): LayerSpec[] {
  let image: Image = { channels: 1, height: 28, width: 28 };
  let features = 0; // > 0 once flattened into fc layers
  const layers: LayerSpec[] = [];
  for (const plan of PLANS[net]) {
    if (plan.kind === 'conv') {
      const params: Conv2dParams = {
        batch,
        inChannels: image.channels,
        inHeight: image.height,
        inWidth: image.width,
        outChannels: plan.outChannels,
        kernelH: plan.kernel,
        kernelW: plan.kernel,
        stride: 1,
        padding: plan.padding,
      };
      const { outHeight, outWidth } = conv2dOutputSize(params);
      layers.push({
        op: 'conv2d',
        net,
        layer: plan.layer,
        first: layers.length === 0,
        params,
        activation: plan.activation,
      });
      image = { channels: plan.outChannels, height: outHeight, width: outWidth };
    } else if (plan.kind === 'pool') {
      const params: Pool2dParams = {
        batch,
        channels: image.channels,
        inHeight: image.height,
        inWidth: image.width,
        kernel: plan.kernel,
        stride: plan.kernel,
      };
      const { outHeight, outWidth } = pool2dOutputSize(params);
      layers.push({ op: 'max_pool2d', net, layer: plan.layer, first: layers.length === 0, params });
      image = { channels: image.channels, height: outHeight, width: outWidth };
    } else {
      const inFeatures = features || image.channels * image.height * image.width;
      const params: DenseParams = { batch, inFeatures, outFeatures: plan.out };
      layers.push({
        op: 'dense',
        net,
        layer: plan.layer,
        first: layers.length === 0,
        params,
        activation: plan.activation,
      });
      features = plan.out;
    }
  }
  return layers;
}

/** The same layer at another batch size (CPU rows may run a smaller batch; see cpu-ops.ts). */
export function withBatch(layer: LayerSpec, batch: number): LayerSpec {
  return { ...layer, params: { ...layer.params, batch } } as LayerSpec;
}

/**
 * The layers of the given nets at one batch, in network order, optionally only some ops. Each
 * max-pool layer is followed by an avg_pool2d twin of the same shape: the nets use max pooling;
 * the twin times the other pooling kernel on a realistic shape.
 */
export function benchLayers(nets: readonly NetName[], batch: number, ops?: readonly string[]): LayerSpec[] {
  const layers = nets.flatMap((net) =>
    networkLayers(net, batch).flatMap((layer): LayerSpec[] =>
      layer.op === 'max_pool2d' ? [layer, { ...layer, op: 'avg_pool2d' }] : [layer],
    ),
  );
  return ops ? layers.filter((layer) => ops.includes(layer.op)) : layers;
}

/** Every (layer, pass) of benchLayers() that a training step runs. */
export function benchCases(nets: readonly NetName[], batch: number, ops?: readonly string[]): BenchCase[] {
  return benchLayers(nets, batch, ops).flatMap((layer) =>
    layerPasses(layer).map((pass) => ({ layer, pass })),
  );
}

/** FLOPs of one pass (2 per multiply-add; pools: one compare/add per tap, backward one add per output). */
export function caseFlops({ layer, pass }: BenchCase): number {
  if (layer.op === 'conv2d') {
    const f = conv2dPassFlops(layer.params);
    return {
      forward: f.forward,
      backward_input: f.backwardInput,
      backward_weight: f.backwardWeight,
      backward_bias: f.backwardBias,
    }[pass];
  }
  if (layer.op === 'dense') {
    const f = densePassFlops(layer.params);
    return {
      forward: f.forward,
      backward_input: f.backwardInput,
      backward_weight: f.backwardWeight,
      backward_bias: f.backwardBias,
    }[pass];
  }
  if (pass === 'forward') return pool2dFlops(layer.params);
  const { outHeight, outWidth } = pool2dOutputSize(layer.params);
  const p = layer.params;
  return p.batch * p.channels * outHeight * outWidth * (layer.op === 'avg_pool2d' ? p.kernel * p.kernel : 1);
}

/** A short, batch-free description of the layer's shape, e.g. "1x28x28 conv 5x5 pad 2 -> 6x28x28". */
export function describeShape(layer: LayerSpec): string {
  if (layer.op === 'conv2d') {
    const p = layer.params;
    const { outHeight, outWidth } = conv2dOutputSize(p);
    const pad = p.padding ? ` pad ${p.padding}` : '';
    const stride = p.stride !== 1 ? ` stride ${p.stride}` : '';
    return `${p.inChannels}x${p.inHeight}x${p.inWidth} conv ${p.kernelH}x${p.kernelW}${stride}${pad} -> ${p.outChannels}x${outHeight}x${outWidth}`;
  }
  if (layer.op === 'dense') return `fc ${layer.params.inFeatures} -> ${layer.params.outFeatures}`;
  const p = layer.params;
  const { outHeight, outWidth } = pool2dOutputSize(p);
  const kind = layer.op === 'max_pool2d' ? 'maxpool' : 'avgpool';
  return `${p.channels}x${p.inHeight}x${p.inWidth} ${kind} ${p.kernel} -> ${p.channels}x${outHeight}x${outWidth}`;
}
