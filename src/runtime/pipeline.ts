// Compute pipelines with explicit, labelled bind-group layouts. Bindings follow the project order:
// outputs, then inputs, then params, numbered 0.. in that order. Prepared once per kernel; nothing
// here belongs in a per-step loop.

import type { Gpu } from './gpu.ts';
import { compileShader } from './shader.ts';
import { bindingResource, type TensorBuffer } from './tensor-binding.ts';
import { withValidation } from './validation.ts';

/** 'storage' is read_write (outputs); inputs are 'read-only-storage'; params are 'uniform'. */
export type BindingKind = 'storage' | 'read-only-storage' | 'uniform';

export function createComputeBindGroupLayout(
  gpu: Gpu,
  label: string,
  kinds: readonly BindingKind[],
): GPUBindGroupLayout {
  return gpu.createBindGroupLayout({
    label,
    entries: kinds.map((type, binding) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type },
    })),
  });
}

/**
 * Binds buffers, or ranges of buffers, to bindings 0..n-1 of `layout`, in the order given. A range's
 * offset must be a multiple of minStorageBufferOffsetAlignment (checked here, with a clear error).
 */
export function bindBuffers(
  gpu: Gpu,
  label: string,
  layout: GPUBindGroupLayout,
  buffers: readonly TensorBuffer[],
): GPUBindGroup {
  const alignment = gpu.limits.minStorageBufferOffsetAlignment;
  return gpu.createBindGroup({
    label,
    layout,
    entries: buffers.map((tensor, binding) => ({
      binding,
      resource: bindingResource(tensor, alignment, label, binding),
    })),
  });
}

export interface ComputePipelineSpec {
  label: string;
  code: string;
  bindGroupLayouts: readonly GPUBindGroupLayout[];
  entryPoint?: string;
  /** Values for the shader's `override` constants, e.g. { WORKGROUP_SIZE: 64 }. */
  constants?: Record<string, number>;
}

/** Compiles (line-numbered errors) and builds a compute pipeline; throws with the label on failure. */
export async function createComputePipeline(
  gpu: Gpu,
  spec: ComputePipelineSpec,
): Promise<GPUComputePipeline> {
  const module = await compileShader(gpu, spec.label, spec.code);
  const layout = gpu.device.createPipelineLayout({
    label: spec.label,
    bindGroupLayouts: [...spec.bindGroupLayouts],
  });
  const descriptor: GPUComputePipelineDescriptor = {
    label: spec.label,
    layout,
    compute: { module, entryPoint: spec.entryPoint ?? 'main', constants: spec.constants ?? {} },
  };
  try {
    return await withValidation(
      gpu.device,
      () => gpu.createComputePipelineAsync(descriptor),
      `pipeline '${spec.label}'`,
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`compute pipeline '${spec.label}' could not be created: ${reason}`, { cause: error });
  }
}
