// WGSL kernels for conv2d (shaders/conv2d.{forward,backward_input,backward_weight,backward_bias}.wgsl,
// plus split_sum for the split reductions). create() prepares every pipeline once; bindForward()
// and bindBackward() make the params uniform, tap tables, partial-sum buffers and bind groups once
// per buffer set; encode*() only record into a compute pass. Not a layer: no activation backward,
// no allocation of the tensors themselves. Planning maths lives in conv2d_plan.ts.

import backwardBiasCode from '../../shaders/conv2d.backward_bias.wgsl?raw';
import backwardInputCode from '../../shaders/conv2d.backward_input.wgsl?raw';
import backwardWeightCode from '../../shaders/conv2d.backward_weight.wgsl?raw';
import forwardCode from '../../shaders/conv2d.forward.wgsl?raw';
import { ACTIVATION_CODE, validateActivation, type Activation } from '../ops/activation.ts';
import { conv2dShapes, validateConv2d, type Conv2dParams } from '../ops/conv2d.ts';
import type { Gpu } from '../runtime/gpu.ts';
import {
  createComputeBindGroupLayout,
  createComputePipeline,
  type BindingKind,
} from '../runtime/pipeline.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { Conv2dBindings, type Conv2dBackwardBinding, type Conv2dForwardBinding } from './conv2d_binding.ts';
import {
  conv2dInputWorkgroupBytes,
  conv2dWorkgroupBytes,
  DEFAULT_CONV2D_TILES,
  type Conv2dTiles,
  type SplitTargets,
} from './conv2d_plan.ts';
import { SplitSumKernel } from './split_sum.ts';
import { Conv2dWinograd } from './conv2d_winograd.ts';

export type { Conv2dBackwardBinding, Conv2dForwardBinding } from './conv2d_binding.ts';

/** What a variant() may change without recompiling the backward passes. */
export interface Conv2dVariantOptions {
  /** Fused into the forward pass (after the bias). Default 'none'. */
  activation?: Activation;
  /** Backward reductions are split until about this many workgroups run. Default 256. */
  targetWorkgroups?: number;
  /** At most this many splits per reduction. Default 64. */
  maxSplits?: number;
  /** Folds grids past this instead of the device limit (lets tests reach the folded path). */
  maxWorkgroupsPerDimension?: number;
}

export interface Conv2dKernelOptions extends Partial<Conv2dTiles>, Conv2dVariantOptions {
  /** Workgroup size of the bias reduction; a power of two. Default 256. */
  biasWorkgroupSize?: number;
  /**
   * backward_input of 3x3 stride-1 layers by Winograd F(2x2, 3x3) where it pays
   * (conv2d_winograd.ts: 16 multiply-adds per 2x2 block and channel pair instead of 36, for three
   * intermediate buffers). Default true; false compiles only the implicit GEMM.
   */
  winograd?: boolean;
}

/** Forward tensors, outputs first; each needs STORAGE usage and at least its shape's floats. */
export interface Conv2dForwardBuffers {
  output: TensorBuffer;
  input: TensorBuffer;
  weight: TensorBuffer;
  bias: TensorBuffer;
}

/**
 * Backward tensors. dInput needs `weight`; dWeight needs `input`; dBias only dOut. Omit the
 * outputs a layer does not need (a first layer has no dInput).
 */
export interface Conv2dBackwardBuffers {
  dOut: TensorBuffer;
  dInput?: TensorBuffer;
  weight?: TensorBuffer;
  dWeight?: TensorBuffer;
  input?: TensorBuffer;
  dBias?: TensorBuffer;
}

/** The layout and pipeline of one pass. */
export interface Conv2dPass {
  readonly layout: GPUBindGroupLayout;
  readonly pipeline: GPUComputePipeline;
}

export interface Conv2dPipelines {
  forward: Conv2dPass;
  backwardInput: Conv2dPass;
  backwardWeight: Conv2dPass;
  backwardBias: Conv2dPass;
}

const rw: BindingKind = 'storage';
const ro: BindingKind = 'read-only-storage';
const uniform: BindingKind = 'uniform';

async function preparePass(
  gpu: Gpu,
  label: string,
  code: string,
  kinds: BindingKind[],
  constants: Record<string, number>,
): Promise<Conv2dPass> {
  const layout = createComputeBindGroupLayout(gpu, label, kinds);
  const pipeline = await createComputePipeline(gpu, { label, code, bindGroupLayouts: [layout], constants });
  return { layout, pipeline };
}

/** Checks the tile options against the shaders' rules and the device; returns the tiles. */
function checkTiles(gpu: Gpu, options: Conv2dKernelOptions): Conv2dTiles {
  const tiles = { ...DEFAULT_CONV2D_TILES, ...options };
  const { workgroupX: x, workgroupY: y, tileK } = tiles;
  const inputTileK = tiles.inputTileK ?? tileK;
  const l = gpu.limits;
  const problems: string[] = [];
  for (const [name, v] of Object.entries({ workgroupX: x, workgroupY: y, tileK, inputTileK })) {
    if (!Number.isInteger(v) || v < 1) problems.push(`${name} must be a positive integer, got ${v}`);
  }
  // The fills hand each invocation whole quads of the tiles: 2x (resp. 2y) quads per tile row.
  if (x % 2 !== 0 || y % 2 !== 0) problems.push(`workgroupX ${x} and workgroupY ${y} must be even`);
  if ((x * y) % tileK !== 0)
    problems.push(`workgroupX * workgroupY = ${x * y} must be a multiple of tileK ${tileK}`);
  if (
    x * y > l.maxComputeInvocationsPerWorkgroup ||
    x > l.maxComputeWorkgroupSizeX ||
    y > l.maxComputeWorkgroupSizeY
  )
    problems.push(`workgroup ${x}x${y} exceeds this device's workgroup limits`);
  const bytes = Math.max(conv2dWorkgroupBytes(tiles), conv2dInputWorkgroupBytes(tiles));
  if (bytes > l.maxComputeWorkgroupStorageSize)
    problems.push(
      `tiles need ${bytes} B of workgroup memory, the device has ${l.maxComputeWorkgroupStorageSize}`,
    );
  if (problems.length > 0) throw new RangeError(`conv2d: bad tile options: ${problems.join('; ')}`);
  return { ...tiles, inputTileK };
}

function checkBiasWorkgroup(gpu: Gpu, size: number): number {
  const max = Math.min(gpu.limits.maxComputeInvocationsPerWorkgroup, gpu.limits.maxComputeWorkgroupSizeX);
  if (!Number.isInteger(size) || size < 1 || size > max || (size & (size - 1)) !== 0) {
    throw new RangeError(`conv2d: biasWorkgroupSize must be a power of two in [1, ${max}], got ${size}`);
  }
  return size;
}

/** Split-K targets and grid folding for one kernel, checked. */
function resolveTargets(gpu: Gpu, options: Conv2dVariantOptions, biasWorkgroupSize: number) {
  const deviceMax = gpu.limits.maxComputeWorkgroupsPerDimension;
  const maxPerDimension = Math.min(options.maxWorkgroupsPerDimension ?? deviceMax, deviceMax);
  const targets: SplitTargets = {
    targetWorkgroups: options.targetWorkgroups ?? 256,
    // Splits run along one grid dimension, so they also obey the per-dimension limit.
    maxSplits: Math.min(options.maxSplits ?? 64, maxPerDimension),
    maxBindingBytes: gpu.limits.maxStorageBufferBindingSize,
    biasWorkgroupSize,
  };
  const counts = {
    targetWorkgroups: targets.targetWorkgroups,
    maxSplits: targets.maxSplits,
    maxPerDimension,
  };
  for (const [name, v] of Object.entries(counts)) {
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`conv2d: ${name} must be a positive integer, got ${v}`);
  }
  return { targets, maxPerDimension };
}

function prepareForward(gpu: Gpu, tiles: Conv2dTiles, activation: Activation): Promise<Conv2dPass> {
  validateActivation(activation);
  return preparePass(gpu, 'conv2d.forward', forwardCode, [rw, ro, ro, ro, ro, uniform], {
    ...gemmConstants(tiles),
    ACTIVATION: ACTIVATION_CODE[activation],
  });
}

const gemmConstants = (t: Conv2dTiles) => ({ WG_X: t.workgroupX, WG_Y: t.workgroupY, TILE_K: t.tileK });

export class Conv2dKernel {
  private readonly bindings: Conv2dBindings;

  private constructor(
    private readonly gpu: Gpu,
    readonly tiles: Conv2dTiles,
    readonly biasWorkgroupSize: number,
    readonly activation: Activation,
    private readonly passes: Conv2dPipelines,
    private readonly splitSum: SplitSumKernel,
    private readonly winograd: Conv2dWinograd | undefined,
    options: Conv2dVariantOptions,
  ) {
    const { targets, maxPerDimension } = resolveTargets(gpu, options, biasWorkgroupSize);
    this.bindings = new Conv2dBindings(gpu, tiles, passes, splitSum, targets, maxPerDimension, winograd);
  }

  static async create(gpu: Gpu, options: Conv2dKernelOptions = {}): Promise<Conv2dKernel> {
    const activation = options.activation ?? 'none';
    const tiles = checkTiles(gpu, options);
    const biasWorkgroupSize = checkBiasWorkgroup(gpu, options.biasWorkgroupSize ?? 256);
    resolveTargets(gpu, options, biasWorkgroupSize); // fail before compiling anything
    const gemm = gemmConstants(tiles);
    const [forward, backwardInput, backwardWeight, backwardBias, splitSum, winograd] = await Promise.all([
      prepareForward(gpu, tiles, activation),
      preparePass(gpu, 'conv2d.backward_input', backwardInputCode, [rw, ro, ro, ro, uniform], {
        ...gemm,
        TILE_K: tiles.inputTileK ?? tiles.tileK,
      }),
      preparePass(gpu, 'conv2d.backward_weight', backwardWeightCode, [rw, ro, ro, ro, uniform], gemm),
      preparePass(gpu, 'conv2d.backward_bias', backwardBiasCode, [rw, ro, uniform], {
        WG_SIZE: biasWorkgroupSize,
      }),
      SplitSumKernel.create(gpu),
      options.winograd === false
        ? undefined
        : Conv2dWinograd.create(gpu, { ...tiles, tileK: tiles.inputTileK ?? tiles.tileK }),
    ]);
    const passes = { forward, backwardInput, backwardWeight, backwardBias };
    return new Conv2dKernel(gpu, tiles, biasWorkgroupSize, activation, passes, splitSum, winograd, options);
  }

  /**
   * A kernel with the same tiles that shares this one's pipelines: only a different activation
   * compiles anything (the forward pipeline). Layers that differ only in activation or split
   * targets should use variants rather than create() (each create() compiles five pipelines).
   */
  async variant(options: Conv2dVariantOptions): Promise<Conv2dKernel> {
    const activation = options.activation ?? this.activation;
    const forward =
      activation === this.activation
        ? this.passes.forward
        : await prepareForward(this.gpu, this.tiles, activation);
    const passes = { ...this.passes, forward };
    return new Conv2dKernel(
      this.gpu,
      this.tiles,
      this.biasWorkgroupSize,
      activation,
      passes,
      this.splitSum,
      this.winograd,
      options,
    );
  }

  /** Prepares forward `output = act(conv(input, weight) + bias)`; destroy the binding when done. */
  bindForward(buffers: Conv2dForwardBuffers, params: Conv2dParams): Conv2dForwardBinding {
    validateConv2d(params);
    return this.bindings.forward(buffers, params, conv2dShapes(params));
  }

  /** Prepares the backward passes whose outputs are given; destroy the binding when done. */
  bindBackward(buffers: Conv2dBackwardBuffers, params: Conv2dParams): Conv2dBackwardBinding {
    validateConv2d(params);
    return this.bindings.backward(buffers, params, conv2dShapes(params));
  }

  encodeForward(pass: GPUComputePassEncoder, binding: Conv2dForwardBinding): void {
    this.bindings.encode(pass, binding, 'forward');
  }

  /**
   * dInput = the transposed convolution of dOut (overwrites dInput): the implicit GEMM, or for
   * 3x3 stride-1 layers where it pays the four Winograd dispatches (binding.backwardInputMethod).
   */
  encodeBackwardInput(pass: GPUComputePassEncoder, binding: Conv2dBackwardBinding): void {
    this.bindings.encode(pass, binding, 'backwardInput');
  }

  /** dWeight (overwritten): the split-K GEMM, then split_sum when it used several splits. */
  encodeBackwardWeight(pass: GPUComputePassEncoder, binding: Conv2dBackwardBinding): void {
    this.bindings.encode(pass, binding, 'backwardWeight');
  }

  /** dBias (overwritten): the per-channel reduction, then split_sum when it used several splits. */
  encodeBackwardBias(pass: GPUComputePassEncoder, binding: Conv2dBackwardBinding): void {
    this.bindings.encode(pass, binding, 'backwardBias');
  }
}
