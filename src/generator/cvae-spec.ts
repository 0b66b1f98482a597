// The "cvae" generator's fixed architecture, config defaults and validation, the flat parameter
// layout (one tensor per name, each start aligned to 64 floats like src/model/layout.ts) and its
// seeded initialisation. Shared by the CPU and GPU models; no maths over data and no GPU objects.

import { PARAMETER_ALIGNMENT } from '../model/layout.ts';
import { requireFiniteNumber, requirePositiveInteger } from '../ops/validate.ts';
import { Random } from '../util/random.ts';
import type { CvaeConfig } from './types.ts';

/** Fixed sizes of the model in docs/generator.md; only the latent size is configurable. */
export const CVAE_CLASSES = 10;
export const CVAE_IMAGE_SIZE = 28;
export const CVAE_PIXELS = CVAE_IMAGE_SIZE * CVAE_IMAGE_SIZE;
export const CVAE_HIDDEN = 256;
/** D1's output viewed as [32, 7, 7]; D2 maps 32 -> 16 channels (7 -> 14), D3 16 -> 1 (14 -> 28). */
export const CVAE_SEED_CHANNELS = 32;
export const CVAE_SEED_SIZE = 7;
export const CVAE_MID_CHANNELS = 16;
export const CVAE_KERNEL = 4;
export const CVAE_STRIDE = 2;
export const CVAE_PADDING = 1;
/** Above this a 10-class 28x28 model gains nothing and the GPU latent kernel's rows grow long. */
export const CVAE_MAX_LATENT = 64;

/**
 * The measured recipe (docs/generator.md): a 2-d latent at Adam lr 0.003. With latent 8 at 0.001
 * only 59% of prior samples were named as their label after 3 epochs (the encoder packs ~14 nats
 * into z and prior samples land where no image was encoded); latent 2 at 0.003: 96.5%.
 */
export const DEFAULT_CVAE_CONFIG: Readonly<CvaeConfig> = Object.freeze({
  latent: 2,
  seed: 0,
  batch: 64,
  learningRate: 3e-3,
});

/** Adam settings fixed by the contract (only the learning rate is configurable). */
export const CVAE_ADAM = Object.freeze({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });

const OP = 'cvae';

/** Throws an Error naming the bad field and the fix; returns quietly when `config` is usable. */
export function validateCvaeConfig(config: CvaeConfig): void {
  requirePositiveInteger(OP, 'latent', config.latent);
  if (config.latent > CVAE_MAX_LATENT) {
    throw new Error(`${OP}: latent must be at most ${CVAE_MAX_LATENT}, got ${config.latent}; try 8 or 16`);
  }
  requirePositiveInteger(OP, 'batch', config.batch);
  if (!Number.isInteger(config.seed) || config.seed < 0 || config.seed > 0xffffffff) {
    throw new Error(`${OP}: seed must be an integer in [0, 4294967295], got ${config.seed}; try 0`);
  }
  requireFiniteNumber(
    OP,
    'learningRate',
    config.learningRate,
    (v) => v > 0,
    'a finite number > 0',
    'try 0.001',
  );
}

/** Defaults filled in for missing fields, then validated. */
export function resolveCvaeConfig(partial: Partial<CvaeConfig> = {}): CvaeConfig {
  const config = { ...DEFAULT_CVAE_CONFIG, ...stripUndefined(partial) };
  validateCvaeConfig(config);
  return config;
}

function stripUndefined(partial: Partial<CvaeConfig>): Partial<CvaeConfig> {
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
}

export type CvaeTensorName =
  | 'E1.weight'
  | 'E1.bias'
  | 'E2.weight'
  | 'E2.bias'
  | 'D1.weight'
  | 'D1.bias'
  | 'D2.weight'
  | 'D2.bias'
  | 'D3.weight'
  | 'D3.bias';

export interface CvaeTensor {
  name: CvaeTensorName;
  /** Linear weights [out, in]; ConvTranspose2d weights PyTorch's [in, out, kH, kW]. */
  shape: number[];
  offset: number;
  length: number;
}

export interface CvaeLayout {
  latent: number;
  /** In buffer order. */
  tensors: CvaeTensor[];
  byName: Record<CvaeTensorName, CvaeTensor>;
  /** Floats in the flat buffer, a multiple of PARAMETER_ALIGNMENT. */
  length: number;
}

/** Shapes in buffer order: the encoder, then the decoder (docs/generator.md). */
export function cvaeTensorShapes(latent: number): [CvaeTensorName, number[]][] {
  const k = CVAE_KERNEL;
  const seedFeatures = CVAE_SEED_CHANNELS * CVAE_SEED_SIZE * CVAE_SEED_SIZE;
  return [
    ['E1.weight', [CVAE_HIDDEN, CVAE_PIXELS + CVAE_CLASSES]],
    ['E1.bias', [CVAE_HIDDEN]],
    ['E2.weight', [2 * latent, CVAE_HIDDEN]],
    ['E2.bias', [2 * latent]],
    ['D1.weight', [seedFeatures, latent + CVAE_CLASSES]],
    ['D1.bias', [seedFeatures]],
    ['D2.weight', [CVAE_SEED_CHANNELS, CVAE_MID_CHANNELS, k, k]],
    ['D2.bias', [CVAE_MID_CHANNELS]],
    ['D3.weight', [CVAE_MID_CHANNELS, 1, k, k]],
    ['D3.bias', [1]],
  ];
}

function align(n: number): number {
  return Math.ceil(n / PARAMETER_ALIGNMENT) * PARAMETER_ALIGNMENT;
}

export function cvaeLayout(latent: number): CvaeLayout {
  requirePositiveInteger(OP, 'latent', latent);
  const tensors: CvaeTensor[] = [];
  let offset = 0;
  for (const [name, shape] of cvaeTensorShapes(latent)) {
    const length = shape.reduce((a, b) => a * b, 1);
    tensors.push({ name, shape, offset, length });
    offset = align(offset + length);
  }
  const byName = Object.fromEntries(tensors.map((t) => [t.name, t])) as Record<CvaeTensorName, CvaeTensor>;
  return { latent, tensors, byName, length: offset };
}

/** The view of one tensor inside a flat buffer laid out by `layout` (params, grads or moments). */
export function tensorView<T extends Float32Array | Float64Array>(
  flat: T,
  layout: CvaeLayout,
  name: CvaeTensorName,
): T {
  const t = layout.byName[name];
  return flat.subarray(t.offset, t.offset + t.length) as T;
}

/**
 * Uniform init bound per weight. He (sqrt(6/fanIn)) before a relu keeps activation variance
 * through rectifiers; Glorot (sqrt(6/(fanIn+fanOut))) for E2 (mu/logvar, no activation) and D3
 * (logits). A convT output pixel sees in*(k/stride)^2 taps, so that is its fan-in.
 */
export function cvaeInitBounds(latent: number): Record<'E1' | 'E2' | 'D1' | 'D2' | 'D3', number> {
  const taps = (CVAE_KERNEL / CVAE_STRIDE) ** 2;
  const he = (fanIn: number) => Math.sqrt(6 / fanIn);
  const glorot = (fanIn: number, fanOut: number) => Math.sqrt(6 / (fanIn + fanOut));
  return {
    E1: he(CVAE_PIXELS + CVAE_CLASSES),
    E2: glorot(CVAE_HIDDEN, 2 * latent),
    D1: he(latent + CVAE_CLASSES),
    D2: he(CVAE_SEED_CHANNELS * taps),
    D3: glorot(CVAE_MID_CHANNELS * taps, 1 * taps),
  };
}

/**
 * Seeded initial parameters: one Random(seed) fills the weights in buffer order (E1, E2, D1, D2,
 * D3); biases and alignment gaps stay 0. The same config gives the same buffer on every backend.
 */
export function cvaeInitialParameters(config: CvaeConfig): Float32Array {
  validateCvaeConfig(config);
  const layout = cvaeLayout(config.latent);
  const flat = new Float32Array(layout.length);
  const random = new Random(config.seed);
  const bounds = cvaeInitBounds(config.latent);
  for (const layer of ['E1', 'E2', 'D1', 'D2', 'D3'] as const) {
    const bound = bounds[layer];
    random.fillUniform(tensorView(flat, layout, `${layer}.weight`), -bound, bound);
  }
  return flat;
}
