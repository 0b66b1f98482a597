// Host-side planning for the conv2d kernels: the params uniform, the tap tables the shaders use
// instead of integer division, the split-K choice for the backward reductions, and the workgroup
// grids. Pure arithmetic, unit-tested without a GPU; src/kernels/conv2d.ts does the GPU work.

import { conv2dOutputSize, type Conv2dParams } from '../ops/conv2d.ts';
import { ceilDiv, linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';

/** Must match `struct Conv2dParams` in all four conv2d shaders (a unit test compares them). */
export const conv2dUniforms = defineUniformLayout({
  batch: 'u32',
  in_channels: 'u32',
  in_height: 'u32',
  in_width: 'u32',
  out_channels: 'u32',
  out_height: 'u32',
  out_width: 'u32',
  kernel_h: 'u32',
  kernel_w: 'u32',
  stride: 'u32',
  padding: 'u32',
  r_chunk: 'u32',
  bias_chunk: 'u32',
});

/** u32 words per entry of `struct Tap` (forward, backward_weight) and `struct GradTap`. */
export const TAP_WORDS = 3;
export const GRAD_TAP_WORDS = 6;

/** Each invocation of the GEMM shaders owns an 8x8 block of the output (two quads each way). */
export const THREAD_BLOCK = 8;

/** Workgroup shape and K depth of the three GEMM passes. */
export interface Conv2dTiles {
  workgroupX: number;
  workgroupY: number;
  /** K depth of forward and backward_weight. */
  tileK: number;
  /**
   * K depth of backward_input (any positive integer; default tileK). Its K is the longest of the
   * three (outChannels * kernel area) and each K step costs two workgroup barriers, which are
   * expensive on a software adapter, so the fallback tuning makes this one deeper.
   */
  inputTileK?: number;
}

/** 64x64 tiles, 64 invocations: the classic register-blocked SGEMM shape for GPUs. */
export const DEFAULT_CONV2D_TILES: Conv2dTiles = { workgroupX: 8, workgroupY: 8, tileK: 16 };

/** Bytes of workgroup memory of backward_input: two scalar tiles of inputTileK rows. */
export function conv2dInputWorkgroupBytes(t: Conv2dTiles): number {
  const { tileM, tileN, tileK } = tileShape(t);
  return 4 * (t.inputTileK ?? tileK) * (tileM + tileN);
}

/** How the backward reductions are cut: split s covers [s * chunk, (s + 1) * chunk) of R. */
export interface Conv2dSplitPlan {
  weightSplits: number;
  /** Multiple of tileK; weightSplits * rChunk >= R > (weightSplits - 1) * rChunk. */
  rChunk: number;
  biasSplits: number;
  biasChunk: number;
}

export interface SplitTargets {
  /** Aim for at least this many workgroups per backward reduction (fills a big GPU). */
  targetWorkgroups: number;
  maxSplits: number;
  /** Largest storage binding, which caps the partial-sum buffers. */
  maxBindingBytes: number;
  biasWorkgroupSize: number;
}

export function tileShape(t: Conv2dTiles): { tileM: number; tileN: number; tileK: number } {
  return { tileM: t.workgroupY * THREAD_BLOCK, tileN: t.workgroupX * THREAD_BLOCK, tileK: t.tileK };
}

/**
 * Bytes of workgroup memory the largest GEMM shader (backward_weight) uses: two tiles of TILE_K
 * rows of vec4 quads, each row padded by one quad.
 */
export function conv2dWorkgroupBytes(t: Conv2dTiles): number {
  const { tileM, tileN, tileK } = tileShape(t);
  return 16 * tileK * (tileM / 4 + 1 + tileN / 4 + 1);
}

/** Packs the uniform shared by every pass of one binding. */
export function packConv2dParams(p: Conv2dParams, plan: Conv2dSplitPlan): ArrayBuffer {
  const { outHeight, outWidth } = conv2dOutputSize(p);
  return conv2dUniforms.pack({
    batch: p.batch,
    in_channels: p.inChannels,
    in_height: p.inHeight,
    in_width: p.inWidth,
    out_channels: p.outChannels,
    out_height: outHeight,
    out_width: outWidth,
    kernel_h: p.kernelH,
    kernel_w: p.kernelW,
    stride: p.stride,
    padding: p.padding,
    r_chunk: plan.rChunk,
    bias_chunk: plan.biasChunk,
  });
}

/** Entry k = (c, ky, kx) of `taps` in conv2d.forward / backward_weight: input offset, ky, kx. */
export function buildTaps(p: Conv2dParams): Uint32Array {
  const taps = new Uint32Array(TAP_WORDS * p.inChannels * p.kernelH * p.kernelW);
  let k = 0;
  for (let c = 0; c < p.inChannels; c++) {
    for (let ky = 0; ky < p.kernelH; ky++) {
      for (let kx = 0; kx < p.kernelW; kx++, k++) {
        taps.set([(c * p.inHeight + ky) * p.inWidth + kx, ky, kx], TAP_WORDS * k);
      }
    }
  }
  return taps;
}

/** Entry k = (oc, ky, kx) of `taps` in conv2d.backward_input (see `struct GradTap`). */
export function buildGradTaps(p: Conv2dParams): Uint32Array {
  const { outHeight, outWidth } = conv2dOutputSize(p);
  const taps = new Uint32Array(GRAD_TAP_WORDS * p.outChannels * p.kernelH * p.kernelW);
  const s = p.stride;
  let k = 0;
  for (let oc = 0; oc < p.outChannels; oc++) {
    for (let ky = 0; ky < p.kernelH; ky++) {
      for (let kx = 0; kx < p.kernelW; kx++, k++) {
        const weightOffset = (oc * p.inChannels * p.kernelH + ky) * p.kernelW + kx;
        const entry = [
          oc * outHeight * outWidth,
          weightOffset,
          Math.floor(ky / s),
          ky % s,
          Math.floor(kx / s),
          kx % s,
        ];
        taps.set(entry, GRAD_TAP_WORDS * k);
      }
    }
  }
  return taps;
}

/**
 * Number of chunks to cut a reduction of `length` into, when `base` workgroups run without
 * splitting and each chunk should hold at least `minChunk` terms: enough to reach the target
 * workgroup count, never more than maxSplits or `capacity`, and 1 when the reduction is short.
 */
function splitCount(
  length: number,
  base: number,
  minChunk: number,
  capacity: number,
  t: SplitTargets,
): number {
  const wanted = ceilDiv(t.targetWorkgroups, base);
  const byLength = Math.floor(length / minChunk);
  return Math.max(1, Math.min(wanted, t.maxSplits, byLength, capacity));
}

export function planConv2dSplits(p: Conv2dParams, tiles: Conv2dTiles, t: SplitTargets): Conv2dSplitPlan {
  const { outHeight, outWidth } = conv2dOutputSize(p);
  const { tileM, tileN, tileK } = tileShape(tiles);
  const r = p.batch * outHeight * outWidth;
  const taps = p.inChannels * p.kernelH * p.kernelW;
  const weightCount = p.outChannels * taps;
  const base = ceilDiv(p.outChannels, tileM) * ceilDiv(taps, tileN);
  // A split shorter than 4 K-steps costs more in partial-sum traffic than it gains in parallelism.
  const capacity = Math.floor(t.maxBindingBytes / (4 * weightCount));
  const wanted = splitCount(r, base, 4 * tileK, capacity, t);
  const rChunk = ceilDiv(ceilDiv(r, wanted), tileK) * tileK;
  // Likewise, each invocation of the bias reduction should add at least 4 values.
  const biasWanted = splitCount(r, p.outChannels, 4 * t.biasWorkgroupSize, t.maxSplits, t);
  const biasChunk = ceilDiv(r, biasWanted);
  // Recount so that no split is empty (rounding the chunk up can leave the last one with nothing).
  return { weightSplits: ceilDiv(r, rChunk), rChunk, biasSplits: ceilDiv(r, biasChunk), biasChunk };
}

/**
 * Grid of the forward and backward_input GEMMs: N tiles along x (folded into z past the limit,
 * the shaders read the tile as wg.x + wg.z * num_workgroups.x), M tiles along y.
 */
export function gemmGrid(mTiles: number, nTiles: number, maxPerDimension: number): WorkgroupGrid {
  if (mTiles > maxPerDimension) {
    throw new RangeError(
      `conv2d: ${mTiles} channel tiles exceed maxComputeWorkgroupsPerDimension ${maxPerDimension}; ` +
        'use a larger workgroupY',
    );
  }
  const folded = linearGrid(nTiles, 1, maxPerDimension);
  return { x: folded.x, y: mTiles, z: folded.y };
}

/** Throws unless every dimension of `grid` fits the device. */
export function checkGrid(what: string, grid: WorkgroupGrid, maxPerDimension: number): WorkgroupGrid {
  if (Math.max(grid.x, grid.y, grid.z) > maxPerDimension) {
    throw new RangeError(
      `conv2d ${what}: grid ${grid.x}x${grid.y}x${grid.z} exceeds maxComputeWorkgroupsPerDimension ` +
        `${maxPerDimension}; use larger tiles or a smaller layer`,
    );
  }
  return grid;
}
