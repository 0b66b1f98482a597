// createNodeGpu(): a Gpu in Node through Dawn (the npm `webgpu` package). Node only: browser code
// must not import this file (it would pull a native addon into the bundle). It changes no
// environment variables; the test helper and CLIs decide which Vulkan driver to point Dawn at.

import { existsSync } from 'node:fs';
import { createGpu, type CreateGpuOptions } from './device.ts';
import { WebGpuUnavailableError } from './errors.ts';
import type { Gpu } from './gpu.ts';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Dawn options that skip zero-filling workgroup memory. SwiftShader does that fill with unrolled
 * stores, so compiling one tiled GEMM pipeline takes seconds. Every kernel here writes its
 * workgroup memory before reading it, so no result changes (one that relied on the fill would read
 * garbage and fail its tests, which makes them stricter, not looser).
 */
export const SKIP_WORKGROUP_ZERO_FILL = ['enable-dawn-features=disable_workgroup_init'];

/**
 * Dawn options for full-resolution GPU timestamps. By default Dawn rounds them down to 65.536 us
 * (as Chrome does without developer features), so a short pass measures 0 ns; benchmarks need
 * the real durations.
 */
export const UNQUANTIZED_TIMESTAMPS = ['disable-dawn-features=timestamp_quantization'];

export interface NodeGpuOptions extends Omit<CreateGpuOptions, 'gpu' | 'noAdapterHint'> {
  /** Dawn options for create(), e.g. ['backend=vulkan'] or ['enable-dawn-features=...']. */
  dawnOptions?: string[];
}

/** Advice for "no adapter" from what VK_ICD_FILENAMES says. */
export function vulkanHint(icdFiles = process.env.VK_ICD_FILENAMES): string {
  if (!icdFiles) {
    return (
      'VK_ICD_FILENAMES is not set, so Dawn sees only the Vulkan drivers installed system-wide ' +
      `(none usable here). For CPU-only WebGPU set VK_ICD_FILENAMES=${SWIFTSHADER_ICD}.`
    );
  }
  const missing = icdFiles.split(':').filter((file) => file && !existsSync(file));
  if (missing.length > 0) return `VK_ICD_FILENAMES names files that do not exist: ${missing.join(', ')}.`;
  return `VK_ICD_FILENAMES=${icdFiles} was set, but its driver gave Dawn no usable adapter.`;
}

/** Installs GPUBufferUsage, GPUMapMode, GPUShaderStage ... on globalThis where they are absent. */
function installGlobals(globals: object): void {
  for (const [name, value] of Object.entries(globals)) {
    if (!(name in globalThis))
      Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
}

export async function createNodeGpu(options: NodeGpuOptions = {}): Promise<Gpu> {
  let dawn: typeof import('webgpu');
  try {
    dawn = await import('webgpu');
  } catch (error) {
    throw new WebGpuUnavailableError(
      `WebGPU is unavailable in Node: the \`webgpu\` package could not be loaded (${String(error)}). ` +
        'Install it with `npm install webgpu`.',
    );
  }
  installGlobals(dawn.globals);
  const { dawnOptions = [], ...rest } = options;
  return createGpu({ ...rest, gpu: dawn.create(dawnOptions), noAdapterHint: vulkanHint() });
}
