// The plumbing shared by the small one-dispatch kernels of the CVAE ops (bce_logits, vae_latent,
// concat_onehot): a pipeline with its layout, prepared once; a binding (bind group + params uniform
// + grid) made once per buffer set; and the three calls that record it. Not a kernel itself and
// no maths: each op's class checks its shapes and packs its own uniform layout.

import { createBufferWithData } from '../runtime/buffers.ts';
import type { WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import {
  bindBuffers,
  createComputeBindGroupLayout,
  createComputePipeline,
  type BindingKind,
} from '../runtime/pipeline.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';

export interface SimplePass {
  readonly label: string;
  readonly layout: GPUBindGroupLayout;
  readonly pipeline: GPUComputePipeline;
}

/** A bind group plus its params buffer; whoever calls bind*() destroys it. */
export interface SimpleBinding {
  readonly bindGroup: GPUBindGroup;
  readonly grid: WorkgroupGrid;
  destroy(): void;
}

/** Storage bindings in `storage` order, then the params uniform last (the project's binding order). */
export async function prepareSimplePass(
  gpu: Gpu,
  label: string,
  code: string,
  storage: readonly BindingKind[],
  constants: Record<string, number>,
): Promise<SimplePass> {
  const layout = createComputeBindGroupLayout(gpu, label, [...storage, 'uniform']);
  const pipeline = await createComputePipeline(gpu, { label, code, bindGroupLayouts: [layout], constants });
  return { label, layout, pipeline };
}

/** Uploads `uniform` once and binds `buffers` (outputs first, then inputs) and it. */
export function bindSimplePass(
  gpu: Gpu,
  pass: SimplePass,
  buffers: readonly TensorBuffer[],
  uniform: ArrayBuffer,
  grid: WorkgroupGrid,
): SimpleBinding {
  const params = createBufferWithData(
    gpu,
    `${pass.label} params`,
    new Uint32Array(uniform),
    GPUBufferUsage.UNIFORM,
  );
  try {
    const bindGroup = bindBuffers(gpu, pass.label, pass.layout, [...buffers, params]);
    return { bindGroup, grid, destroy: () => params.destroy() };
  } catch (error) {
    params.destroy();
    throw error;
  }
}

/** Records one dispatch; no allocation, no submit. */
export function encodeSimplePass(
  gpu: Gpu,
  computePass: GPUComputePassEncoder,
  pass: SimplePass,
  binding: SimpleBinding,
): void {
  computePass.setPipeline(pass.pipeline);
  computePass.setBindGroup(0, binding.bindGroup);
  gpu.dispatch(computePass, binding.grid);
}
