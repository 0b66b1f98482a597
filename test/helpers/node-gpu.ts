// A Gpu for tests in Node: Dawn (npm `webgpu`) on whatever Vulkan driver VK_ICD_FILENAMES names,
// defaulting to Chromium's SwiftShader when it is installed. With no adapter the caller's test
// fails with the runtime's explanation; there is no skip and no CPU fallback.

import { existsSync } from 'node:fs';
import type { Gpu } from '../../src/runtime/gpu.ts';
import {
  createNodeGpu,
  SKIP_WORKGROUP_ZERO_FILL,
  SWIFTSHADER_ICD,
  UNQUANTIZED_TIMESTAMPS,
} from '../../src/runtime/node-gpu.ts';

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

export async function getNodeGpu(): Promise<TimedGpu> {
  applyTestVulkanDefaults();
  const start = performance.now();
  const gpu = await createNodeGpu({ dawnOptions: [...SKIP_WORKGROUP_ZERO_FILL, ...UNQUANTIZED_TIMESTAMPS] });
  return { gpu, createMs: Math.round(performance.now() - start) };
}
