// Test helper: GEMM tiles for the GPU backend tests. SwiftShader (the CPU WebGPU these tests run
// on) is about 20x faster with 4x4 workgroups than with the 16x16 defaults chosen for real GPUs
// (lenet5, batch 8: ~1 s instead of ~14 s per step); results differ only by f32 rounding.

import type { KernelTuning } from '../../src/model/gpu-kernels.ts';

export const SMALL_TILES: KernelTuning = {
  convTiles: { workgroupX: 4, workgroupY: 4, tileK: 8 },
  denseTiles: { workgroupX: 4, workgroupY: 4, tileK: 8 },
};
