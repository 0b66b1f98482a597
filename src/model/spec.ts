// The layer spec: a plain-JSON description of a network (what the architecture editor edits, what
// a URL or checkpoint carries), its defaults, human labels for layers and the error it raises.
// Not validation (validate.ts), not shapes (shapes.ts), and no tensors or GPU objects.

import type { Activation } from '../ops/activation.ts';

export type PoolMode = 'max' | 'avg';

export const LAYER_KINDS = ['conv', 'pool', 'fc', 'classify'] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];

export const POOL_MODES: readonly PoolMode[] = ['max', 'avg'];

/** One image: channels x height x width (NCHW without the batch). */
export interface InputSpec {
  channels: number;
  height: number;
  width: number;
}

/** 2-D convolution with zero padding; `stride` and `padding` apply to both axes. */
export interface ConvLayerSpec {
  kind: 'conv';
  /** Output channels. */
  filters: number;
  /** Square size, or [height, width]. */
  kernel: number | [number, number];
  /** Default 1. */
  stride?: number;
  /** Zeros added on every side; default 0 ("valid"). */
  padding?: number;
  activation: Activation;
}

/** Max or average pooling over a size x size window, no padding. */
export interface PoolLayerSpec {
  kind: 'pool';
  mode: PoolMode;
  size: number;
  /** Default: `size` (windows that do not overlap). */
  stride?: number;
}

/** Fully connected layer. The first fc flattens its input in C, H, W order (see docs/layers.md). */
export interface FcLayerSpec {
  kind: 'fc';
  units: number;
  activation: Activation;
}

/** The last layer: a fully connected layer to `classes` logits, trained with softmax cross-entropy. */
export interface ClassifyLayerSpec {
  kind: 'classify';
  classes: number;
}

export type LayerSpec = ConvLayerSpec | PoolLayerSpec | FcLayerSpec | ClassifyLayerSpec;

export interface NetworkSpec {
  name?: string;
  input: InputSpec;
  layers: LayerSpec[];
}

/** The fields each kind accepts; anything else is a typo (e.g. `pad`) and is rejected. */
export const LAYER_FIELDS: Readonly<Record<LayerKind, readonly string[]>> = {
  conv: ['kind', 'filters', 'kernel', 'stride', 'padding', 'activation'],
  pool: ['kind', 'mode', 'size', 'stride'],
  fc: ['kind', 'units', 'activation'],
  classify: ['kind', 'classes'],
};

/** [height, width] of a conv kernel. */
export function convKernel(layer: ConvLayerSpec): [number, number] {
  return typeof layer.kernel === 'number' ? [layer.kernel, layer.kernel] : [layer.kernel[0], layer.kernel[1]];
}

export function convStride(layer: ConvLayerSpec): number {
  return layer.stride ?? 1;
}

export function convPadding(layer: ConvLayerSpec): number {
  return layer.padding ?? 0;
}

export function poolStride(layer: PoolLayerSpec): number {
  return layer.stride ?? layer.size;
}

/** Prints a value the way a person typed it: numbers plainly, anything else as JSON. */
export function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

function activationSuffix(activation: unknown): string {
  return activation === 'none' || activation === undefined ? '' : ` ${show(activation).replace(/"/g, '')}`;
}

/**
 * A short human label: "conv 5x5 x6 pad 2 relu", "maxpool 2", "fc 120 relu", "classify 10".
 * Defaults (stride 1, padding 0, pool stride = size) and activation 'none' are left out. Safe on
 * malformed layers (it only prints), because error messages use it to name the layer.
 */
export function layerLabel(layer: unknown): string {
  if (typeof layer !== 'object' || layer === null) return `not a layer: ${show(layer)}`;
  const l = layer as Record<string, unknown>;
  switch (l.kind) {
    case 'conv': {
      const kernel = Array.isArray(l.kernel)
        ? l.kernel.map(show).join('x')
        : `${show(l.kernel)}x${show(l.kernel)}`;
      const stride = l.stride === undefined || l.stride === 1 ? '' : ` stride ${show(l.stride)}`;
      const padding = l.padding === undefined || l.padding === 0 ? '' : ` pad ${show(l.padding)}`;
      return `conv ${kernel} x${show(l.filters)}${stride}${padding}${activationSuffix(l.activation)}`;
    }
    case 'pool': {
      const mode = typeof l.mode === 'string' ? l.mode : show(l.mode);
      const stride = l.stride === undefined || l.stride === l.size ? '' : ` stride ${show(l.stride)}`;
      return `${mode}pool ${show(l.size)}${stride}`;
    }
    case 'fc':
      return `fc ${show(l.units)}${activationSuffix(l.activation)}`;
    case 'classify':
      return `classify ${show(l.classes)}`;
    default:
      return `unknown kind ${show(l.kind)}`;
  }
}

/**
 * Where a problem is, as people count: "layer 3 (conv 5x5 x16 relu)" for layers[2]. Messages count
 * from 1 (as the editor lists layers); `layerIndex` fields are 0-based array indices.
 */
export function layerLocation(index: number, layer: unknown): string {
  return `layer ${index + 1} (${layerLabel(layer)})`;
}

/** One thing wrong with a spec. `layerIndex` is the 0-based index into `layers`, null for the whole network. */
export interface SpecProblem {
  layerIndex: number | null;
  message: string;
}

/** An invalid network spec or training setup; `problems` lists every problem found, not only the first. */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(readonly problems: readonly SpecProblem[]) {
    super(
      problems.length === 1
        ? problems[0].message
        : `${problems.length} problems:\n${problems.map((p) => `- ${p.message}`).join('\n')}`,
    );
  }
}
