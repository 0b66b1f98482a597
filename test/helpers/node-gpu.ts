// A Gpu for tests in Node: Dawn (npm `webgpu`) on whatever Vulkan driver VK_ICD_FILENAMES names,
// defaulting to Chromium's SwiftShader when it is installed. With no adapter the caller's test
// fails with the runtime's explanation; there is no skip and no CPU fallback.

import { existsSync } from 'node:fs';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { createNodeGpu, SWIFTSHADER_ICD } from '../../src/runtime/node-gpu.ts';

/** Points Vulkan at SwiftShader unless the environment already chose a driver. */
export function applyTestVulkanDefaults(env: NodeJS.ProcessEnv = process.env): void {
  if (!env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  // The Vulkan loader complains (and may fail) without it.
  env.XDG_RUNTIME_DIR ??= '/tmp';
}

export interface TimedGpu {
  gpu: Gpu;
  createMs: number;
}

/**
 * Dawn toggle for tests: SwiftShader zero-fills workgroup memory with unrolled stores, which makes
 * compiling one tiled GEMM pipeline take seconds. Every kernel writes its workgroup memory before
 * reading it, so skipping the fill changes no result (a kernel that relied on it would read garbage
 * and fail, which makes the tests stricter, not looser).
 */
export const TEST_DAWN_TOGGLES = ['enable-dawn-features=disable_workgroup_init'];

export async function getNodeGpu(): Promise<TimedGpu> {
  applyTestVulkanDefaults();
  const start = performance.now();
  const gpu = await createNodeGpu({ dawnOptions: TEST_DAWN_TOGGLES });
  return { gpu, createMs: Math.round(performance.now() - start) };
}
