// The awkward shape table of the conv2d GPU check: odd sizes, batch 1/3/5, channels 1/3/5/6,
// 1x1, 7x7 and 3x5 kernels, stride 2 and 3 with padding, every fused activation, shapes that need
// several workgroups (and a folded grid) in every dispatched dimension, one and several split-K
// chunks, three tile configurations, and 3x3 stride-1 layers through both backward_input paths
// (Winograd with paddings 0-3, odd sizes, a GEMM grid that loops; the implicit GEMM where Winograd
// is off or its grids do not fit). Data only; test/gpu-checks/conv2d.ts runs it.

import type { Conv2dKernelOptions } from '../../src/kernels/conv2d.ts';
import type { Activation } from '../../src/ops/activation.ts';
import type { Conv2dParams } from '../../src/ops/conv2d.ts';

export type TileConfig = 'default' | 'small' | 'tall';

/**
 * The kernel options of each tile configuration; each case's activation and grid folding come
 * from Conv2dKernel.variant(), so each configuration compiles its backward passes once.
 * (SwiftShader needs seconds per GEMM pipeline: fewer compiles keep the check fast.)
 */
export const TILE_CONFIGS: Record<TileConfig, Conv2dKernelOptions> = {
  default: {}, // WG 8x8, 64x64 output tile (8x8 per invocation), TILE_K 16, bias workgroup 256
  // 32x32 tile; backward_input as deep as the fallback-adapter tuning's
  small: { workgroupX: 4, workgroupY: 4, tileK: 8, inputTileK: 64, biasWorkgroupSize: 32 },
  // 32x16 tile, 8 threads; a backward_input K depth that no case's K is a multiple of; no
  // Winograd, so 3x3 stride-1 cases here run the implicit GEMM
  tall: { workgroupX: 2, workgroupY: 4, tileK: 4, inputTileK: 13, biasWorkgroupSize: 64, winograd: false },
};

export interface Conv2dCase {
  p: Conv2dParams;
  activation: Activation;
  tiles: TileConfig;
  /** Fold grids past this many workgroups per dimension (forces the folded path on small shapes). */
  maxWorkgroupsPerDimension?: number;
  /** Asserted against the binding's split plan. */
  weightSplits?: 'one' | 'several';
  biasSplits?: 'one' | 'several';
  /** Asserted against the binding's backwardInputMethod; default 'gemm'. */
  backwardInput?: 'gemm' | 'winograd';
}

const conv = (
  batch: number,
  inChannels: number,
  outChannels: number,
  [inHeight, inWidth]: [number, number],
  [kernelH, kernelW]: [number, number],
  stride: number,
  padding: number,
): Conv2dParams => ({ batch, inChannels, inHeight, inWidth, outChannels, kernelH, kernelW, stride, padding });

export const CONV2D_CASES: readonly Conv2dCase[] = [
  // Smallest: R = 9 output pixels, so neither reduction splits.
  {
    p: conv(1, 1, 1, [5, 5], [3, 3], 1, 0),
    activation: 'relu',
    tiles: 'default',
    weightSplits: 'one',
    biasSplits: 'one',
    backwardInput: 'winograd',
  },
  // Winograd: padding 0 (dOut read 2 outside each side), odd height and width, batch 1.
  { p: conv(1, 5, 6, [7, 9], [3, 3], 1, 0), activation: 'tanh', tiles: 'small', backwardInput: 'winograd' },
  // Winograd: padding 2 and 3 (a block starts past dOut's first row), odd width, batch 5.
  { p: conv(5, 3, 4, [6, 5], [3, 3], 1, 2), activation: 'none', tiles: 'small', backwardInput: 'winograd' },
  { p: conv(1, 2, 3, [4, 4], [3, 3], 1, 3), activation: 'relu', tiles: 'default', backwardInput: 'winograd' },
  // Winograd: 66 column tiles of 32, so its GEMM's 64 column workgroups loop.
  { p: conv(2, 2, 3, [64, 66], [3, 3], 1, 1), activation: 'none', tiles: 'small', backwardInput: 'winograd' },
  // 3x3 stride 1 through the implicit GEMM (the tall configuration has Winograd off).
  { p: conv(2, 4, 3, [5, 6], [3, 3], 1, 1), activation: 'sigmoid', tiles: 'tall' },
  { p: conv(3, 3, 5, [9, 11], [3, 3], 2, 1), activation: 'sigmoid', tiles: 'small' },
  { p: conv(5, 6, 3, [7, 8], [1, 1], 1, 0), activation: 'tanh', tiles: 'small' },
  { p: conv(2, 5, 6, [12, 13], [7, 7], 1, 3), activation: 'none', tiles: 'small' },
  { p: conv(3, 3, 6, [10, 9], [3, 5], 2, 2), activation: 'relu', tiles: 'tall' },
  { p: conv(1, 3, 5, [15, 17], [7, 7], 2, 3), activation: 'none', tiles: 'tall' },
  { p: conv(2, 2, 3, [10, 11], [4, 4], 3, 1), activation: 'sigmoid', tiles: 'tall' },
  // Kernel as large as the padded input: a 1x1 output.
  { p: conv(1, 2, 2, [3, 4], [5, 6], 1, 1), activation: 'tanh', tiles: 'tall' },
  // lenet5's first layer at batch 1: R = 784 splits the weight reduction.
  { p: conv(1, 1, 6, [28, 28], [5, 5], 1, 2), activation: 'relu', tiles: 'default', weightSplits: 'several' },
  // Several workgroups along every dimension of every pass with 32x32 tiles; the N grids fold
  // (and Winograd's transform grids would pass the fold limit, so backward_input is the GEMM).
  {
    p: conv(3, 37, 35, [11, 13], [3, 3], 1, 1),
    activation: 'sigmoid',
    tiles: 'small',
    maxWorkgroupsPerDimension: 12,
    weightSplits: 'several',
    biasSplits: 'several',
  },
  // M and N above the default 64x64 tile in every pass; Winograd's GEMM with two row tiles and a
  // K tail (67 out channels in steps of 16).
  {
    p: conv(2, 66, 67, [9, 10], [3, 3], 1, 1),
    activation: 'relu',
    tiles: 'default',
    weightSplits: 'several',
    backwardInput: 'winograd',
  },
];

/**
 * The cases run twice for the determinism check: several splits in both reductions, and a
 * Winograd backward_input.
 */
export const DETERMINISM_CASES = [CONV2D_CASES[14], CONV2D_CASES[15]];
