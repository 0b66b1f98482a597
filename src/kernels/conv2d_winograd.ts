// conv2d backward_input by Winograd F(2x2, 3x3) for 3x3, stride-1 layers
// (shaders/conv2d.backward_input_winograd.wgsl): transform the weights and dOut, 16 GEMMs (one per
// position of the transformed 4x4 blocks) in the tiled layout of conv2d.backward_input.wgsl, then
// transform back into dInput. 16 multiply-adds per (in channel, out channel, 2x2 block) instead of
// 36, for three intermediate buffers; Conv2dBindings uses it where winogradFits() holds. create()
// prepares the pipelines once, bind() allocates and binds once per buffer set, encode() only records.

import shaderCode from '../../shaders/conv2d.backward_input_winograd.wgsl?raw';
import { conv2dOutputSize, type Conv2dParams } from '../ops/conv2d.ts';
import { createBufferWithData } from '../runtime/buffers.ts';
import { ceilDiv, linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import {
  bindBuffers,
  createComputeBindGroupLayout,
  createComputePipeline,
  type BindingKind,
} from '../runtime/pipeline.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import { THREAD_BLOCK } from './conv2d_plan.ts';

/** Must match `struct WinogradParams` in the shader (a unit test compares the two). */
export const winogradUniforms = defineUniformLayout({
  batch: 'u32',
  in_channels: 'u32',
  in_height: 'u32',
  in_width: 'u32',
  out_channels: 'u32',
  out_height: 'u32',
  out_width: 'u32',
  padding: 'u32',
  tiles_y: 'u32',
  tiles_x: 'u32',
  tiles: 'u32',
});

/** Positions of a transformed 4x4 block: one GEMM each. */
export const WINOGRAD_POSITIONS = 16;
const WEIGHT_WORKGROUP = 64;
/**
 * Workgroups of the GEMM along its columns (each loops over every this-many-th column tile), per
 * row tile and position: enough to fill a large GPU (16 positions x 64), few enough that a software
 * adapter's per-workgroup zero fill of workgroup memory stays small.
 */
const MULTIPLY_COLUMN_GROUPS = 64;
/** The dOut and output transforms run 8x8 blocks of 2x2 tiles per workgroup. */
const TRANSFORM_BLOCK = 8;

/** The GEMM's workgroup shape and K step (those of conv2d's backward_input). */
export interface WinogradTiles {
  workgroupX: number;
  workgroupY: number;
  tileK: number;
}

/** Tile counts and the sizes, in floats, of one binding's intermediate tensors. */
export interface WinogradPlan {
  tilesY: number;
  tilesX: number;
  /** 2x2 blocks of dInput over the batch: each GEMM's N. */
  tiles: number;
  words: { weights: number; dOut: number; products: number };
}

export function planWinograd(p: Conv2dParams): WinogradPlan {
  const tilesY = ceilDiv(p.inHeight, 2);
  const tilesX = ceilDiv(p.inWidth, 2);
  const tiles = p.batch * tilesY * tilesX;
  const words = {
    weights: WINOGRAD_POSITIONS * p.outChannels * p.inChannels,
    dOut: WINOGRAD_POSITIONS * p.outChannels * tiles,
    products: WINOGRAD_POSITIONS * p.inChannels * tiles,
  };
  return { tilesY, tilesX, tiles, words };
}

/** The four grids of one binding, in encode order. */
export function winogradGrids(p: Conv2dParams, plan: WinogradPlan, t: WinogradTiles, max: number) {
  const blocks = (planes: number) => ({
    x: ceilDiv(plan.tilesX, TRANSFORM_BLOCK),
    y: ceilDiv(plan.tilesY, TRANSFORM_BLOCK),
    z: planes,
  });
  return {
    weights: linearGrid(p.outChannels * p.inChannels, WEIGHT_WORKGROUP, max),
    dOut: blocks(p.batch * p.outChannels),
    multiply: {
      x: Math.min(ceilDiv(plan.tiles, THREAD_BLOCK * t.workgroupX), MULTIPLY_COLUMN_GROUPS),
      y: ceilDiv(p.inChannels, THREAD_BLOCK * t.workgroupY),
      z: WINOGRAD_POSITIONS,
    },
    output: blocks(p.batch * p.inChannels),
  };
}

/**
 * Whether this layer can take the Winograd path: a 3x3 stride-1 kernel, intermediates that each
 * fit one buffer and storage binding (`maxBufferBytes`, the smaller limit) and grids inside the
 * per-dimension limit. (It always does fewer multiply-adds, 16 per channel pair and 2x2 block
 * instead of 36; whether that wins on a given adapter is for the kernel benchmark to say.)
 */
export function winogradFits(
  p: Conv2dParams,
  t: WinogradTiles,
  maxBufferBytes: number,
  maxPerDimension: number,
): boolean {
  if (p.kernelH !== 3 || p.kernelW !== 3 || p.stride !== 1) return false;
  const plan = planWinograd(p);
  if (Math.max(plan.words.dOut, plan.words.products) * 4 > maxBufferBytes) return false;
  try {
    const grids = Object.values(winogradGrids(p, plan, t, maxPerDimension));
    return grids.every((g) => Math.max(g.x, g.y, g.z) <= maxPerDimension);
  } catch {
    return false; // linearGrid: more than maxPerDimension^2 workgroups
  }
}

export interface WinogradBuffers {
  dInput: TensorBuffer;
  dOut: TensorBuffer;
  weight: TensorBuffer;
}

export interface WinogradBinding {
  readonly plan: Readonly<WinogradPlan>;
  destroy(): void;
}

type Entry = 'transform_weight' | 'transform_dout' | 'multiply' | 'transform_output';
const ENTRIES: readonly Entry[] = ['transform_weight', 'transform_dout', 'multiply', 'transform_output'];

interface Step {
  entry: Entry;
  bindGroup: GPUBindGroup;
  grid: WorkgroupGrid;
}

const LABEL = 'conv2d.backward_input_winograd';
const TRANSFORM_BINDINGS: BindingKind[] = ['storage', 'read-only-storage', 'uniform'];
const MULTIPLY_BINDINGS: BindingKind[] = [...TRANSFORM_BINDINGS, 'read-only-storage'];

export class Conv2dWinograd {
  private readonly recorded = new WeakMap<object, Step[]>();

  private constructor(
    private readonly gpu: Gpu,
    readonly tiles: WinogradTiles,
    private readonly layouts: { transform: GPUBindGroupLayout; multiply: GPUBindGroupLayout },
    private readonly pipelines: Record<Entry, GPUComputePipeline>,
  ) {}

  static async create(gpu: Gpu, tiles: WinogradTiles): Promise<Conv2dWinograd> {
    const layouts = {
      transform: createComputeBindGroupLayout(gpu, `${LABEL} transforms`, TRANSFORM_BINDINGS),
      multiply: createComputeBindGroupLayout(gpu, `${LABEL} multiply`, MULTIPLY_BINDINGS),
    };
    const gemm = { WG_X: tiles.workgroupX, WG_Y: tiles.workgroupY, TILE_K: tiles.tileK };
    const pipelines = await Promise.all(
      ENTRIES.map((entryPoint) =>
        createComputePipeline(gpu, {
          label: `${LABEL} ${entryPoint}`,
          code: shaderCode,
          entryPoint,
          bindGroupLayouts: [entryPoint === 'multiply' ? layouts.multiply : layouts.transform],
          constants:
            entryPoint === 'multiply'
              ? gemm
              : entryPoint === 'transform_weight'
                ? { WG_SIZE: WEIGHT_WORKGROUP }
                : {},
        }),
      ),
    );
    const byEntry = Object.fromEntries(ENTRIES.map((e, i) => [e, pipelines[i]])) as Record<
      Entry,
      GPUComputePipeline
    >;
    return new Conv2dWinograd(gpu, { ...tiles }, layouts, byEntry);
  }

  /** Allocates the transformed tensors and binds every step; the caller checked the buffers. */
  bind(b: WinogradBuffers, p: Conv2dParams): WinogradBinding {
    const plan = planWinograd(p);
    const grids = winogradGrids(p, plan, this.tiles, this.gpu.limits.maxComputeWorkgroupsPerDimension);
    const owned: GPUBuffer[] = [];
    const scratch = (name: string, words: number) => {
      const size = 4 * words;
      const buffer = this.gpu.createBuffer({
        label: `${LABEL} ${name}`,
        size,
        usage: GPUBufferUsage.STORAGE,
      });
      owned.push(buffer);
      return buffer;
    };
    try {
      const { outHeight, outWidth } = conv2dOutputSize(p);
      const fields = {
        batch: p.batch,
        in_channels: p.inChannels,
        in_height: p.inHeight,
        in_width: p.inWidth,
        out_channels: p.outChannels,
        out_height: outHeight,
        out_width: outWidth,
        padding: p.padding,
        tiles_y: plan.tilesY,
        tiles_x: plan.tilesX,
        tiles: plan.tiles,
      };
      const words = new Uint32Array(winogradUniforms.pack(fields));
      const params = createBufferWithData(this.gpu, `${LABEL} params`, words, GPUBufferUsage.UNIFORM);
      owned.push(params);
      const weights = scratch('weights', plan.words.weights);
      const dOut = scratch('dOut', plan.words.dOut);
      const products = scratch('products', plan.words.products);
      const step = (entry: Entry, buffers: TensorBuffer[], grid: WorkgroupGrid): Step => {
        const layout = entry === 'multiply' ? this.layouts.multiply : this.layouts.transform;
        return { entry, grid, bindGroup: bindBuffers(this.gpu, `${LABEL} ${entry}`, layout, buffers) };
      };
      const steps = [
        step('transform_weight', [weights, b.weight, params], grids.weights),
        step('transform_dout', [dOut, b.dOut, params], grids.dOut),
        step('multiply', [products, dOut, params, weights], grids.multiply),
        step('transform_output', [b.dInput, products, params], grids.output),
      ];
      const handle: WinogradBinding = {
        plan,
        destroy: () => {
          this.recorded.delete(handle);
          for (const buffer of owned) buffer.destroy();
        },
      };
      this.recorded.set(handle, steps);
      return handle;
    } catch (error) {
      for (const buffer of owned) buffer.destroy();
      throw error;
    }
  }

  /** Records the four dispatches into dInput (overwritten); no allocation, no submit. */
  encode(pass: GPUComputePassEncoder, binding: WinogradBinding): void {
    const steps = this.recorded.get(binding);
    if (!steps) throw new Error('conv2d winograd: this binding was destroyed or made by another kernel');
    for (const s of steps) {
      pass.setPipeline(this.pipelines[s.entry]);
      pass.setBindGroup(0, s.bindGroup);
      this.gpu.dispatch(pass, s.grid);
    }
  }
}
