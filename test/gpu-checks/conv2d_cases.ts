// The awkward shape table of the conv2d GPU check: odd sizes, batch 1/3/5, channels 1/3/5/6,
// 1x1, 7x7 and 3x5 kernels, stride 2 and 3 with padding, every fused activation, shapes that need
// several workgroups (and a folded grid) in every dispatched dimension, one and several split-K
// chunks, and three tile configurations. Data only; test/gpu-checks/conv2d.ts runs it.

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
  // 32x16 tile, 8 threads; a backward_input K depth that no case's K is a multiple of
  tall: { workgroupX: 2, workgroupY: 4, tileK: 4, inputTileK: 13, biasWorkgroupSize: 64 },
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
  },
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
  // Several workgroups along every dimension of every pass with 32x32 tiles; the N grids fold.
  {
    p: conv(3, 37, 35, [11, 13], [3, 3], 1, 1),
    activation: 'sigmoid',
    tiles: 'small',
    maxWorkgroupsPerDimension: 12,
    weightSplits: 'several',
    biasSplits: 'several',
  },
  // M and N above the default 64x64 tile in every pass.
  {
    p: conv(2, 66, 67, [9, 10], [3, 3], 1, 1),
    activation: 'relu',
    tiles: 'default',
    weightSplits: 'several',
  },
];

/** The case run twice for the determinism check (several splits in both reductions). */
export const DETERMINISM_CASE = CONV2D_CASES[9];
