// The one place the app chooses how a backend is made: the GPU backend on the page's Gpu (with
// the small GEMM tiles that suit a software fallback adapter), or the CPU backend in a Web Worker
// so CPU training never blocks the page (plain CpuBackend where there are no module workers, e.g.
// unit tests in Node). Also names the adapter for the header. No DOM, no loop.

import { CpuBackend } from '../model/cpu-backend.ts';
import { tuningForAdapter } from '../model/kernel-tuning.ts';
import { createGpuBackend } from '../model/gpu-backend.ts';
import type { NetworkSpec } from '../model/spec.ts';
import type { BackendFactory } from '../model/trainer.ts';
import type { Gpu } from '../runtime/gpu.ts';
import type { BackendKind } from './url-state.ts';
import { WorkerCpuBackend } from './worker-backend.ts';

/** "NVIDIA H100" or "Google SwiftShader": what the header shows. */
export function adapterName(gpu: Gpu): string {
  const a = gpu.adapterInfo;
  return (
    a.description || [a.vendor, a.architecture, a.device].filter(Boolean).join(' ') || 'an unnamed adapter'
  );
}

/** SwiftShader and other software adapters: correct but slow, and faster with small tiles. */
export function isSoftwareAdapter(gpu: Gpu): boolean {
  const a = gpu.adapterInfo;
  return (
    a.isFallbackAdapter ||
    /swiftshader|llvmpipe|lavapipe/i.test(`${a.vendor} ${a.architecture} ${a.description}`)
  );
}

/** Makes backends of `kind` for the Trainer (which validates the spec and batch before calling it). */
export function backendFactory(
  kind: BackendKind,
  gpu: Gpu | null,
  spec: NetworkSpec,
  seed: number,
): BackendFactory {
  if (kind === 'gpu') {
    if (!gpu)
      throw new Error(
        'The GPU backend needs WebGPU, which this browser does not offer; use the CPU backend.',
      );
    const tuning = tuningForAdapter(isSoftwareAdapter(gpu));
    return (description) => createGpuBackend(gpu, spec, { batch: description.batch, seed, tuning });
  }
  if (typeof Worker === 'undefined') return (description) => CpuBackend.create(description, { seed });
  return (description) => WorkerCpuBackend.create(description, { seed });
}
