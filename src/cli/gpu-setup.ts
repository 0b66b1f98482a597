// The GPU for the training CLI: which Vulkan driver Dawn uses, and the kernel tiles that suit the
// adapter found. Node only. Not the device code itself (src/runtime/node-gpu.ts).

import { existsSync, readdirSync } from 'node:fs';
import { tuningForAdapter, type KernelTuning } from '../model/kernel-tuning.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { createNodeGpu, SKIP_WORKGROUP_ZERO_FILL, SWIFTSHADER_ICD } from '../runtime/node-gpu.ts';

/** Device nodes a real GPU's Vulkan driver uses: NVIDIA's, and DRM render nodes (AMD, Intel). */
const GPU_DEVICE_NODES = ['/dev/nvidia0', '/dev/dri'];

/**
 * With no VK_ICD_FILENAMES chosen by the user: the system's Vulkan drivers when the machine has a
 * GPU device node, otherwise Chromium's SwiftShader (Mesa's ICD files may be installed with no GPU
 * behind them, and Debian 12's lavapipe is too old for Dawn). Returns a note when it chose SwiftShader.
 */
export function chooseVulkanDriver(env: NodeJS.ProcessEnv = process.env): string | null {
  env.XDG_RUNTIME_DIR ??= '/tmp'; // the Vulkan loader complains (and may fail) without it
  if (env.VK_ICD_FILENAMES) return null;
  const hasGpu = GPU_DEVICE_NODES.some(
    (node) =>
      existsSync(node) && (node !== '/dev/dri' || readdirSync(node).some((f) => f.startsWith('renderD'))),
  );
  if (hasGpu || !existsSync(SWIFTSHADER_ICD)) return null;
  env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  return `no GPU device found: using SwiftShader (${SWIFTSHADER_ICD}); set VK_ICD_FILENAMES to choose a driver`;
}

export interface CliGpu {
  gpu: Gpu;
  /** "vendor architecture description", for the output and the JSON summary. */
  adapter: string;
  fallback: boolean;
  tuning: KernelTuning;
}

export async function createCliGpu(): Promise<CliGpu & { note: string | null }> {
  const note = chooseVulkanDriver();
  const gpu = await createNodeGpu({ dawnOptions: SKIP_WORKGROUP_ZERO_FILL });
  const info = gpu.adapterInfo;
  const adapter = [info.vendor, info.architecture, info.device, info.description]
    .filter((part) => part)
    .join(' ');
  const fallback = info.isFallbackAdapter || /swiftshader/i.test(adapter);
  return { gpu, adapter, fallback, tuning: tuningForAdapter(fallback), note };
}
