// WGSL kernel for scale_add (shaders/scale_add.forward.wgsl): the pipeline is prepared once in
// create(), bind() makes the per-buffer-set bind group and params buffer once, and encodeForward()
// only records into a compute pass. Not a scheduler: the caller opens passes and submits.

import shaderCode from '../../shaders/scale_add.forward.wgsl?raw';
import { scaleAddLength, type ScaleAddParams } from '../ops/scale_add.ts';
import { createBufferWithData } from '../runtime/buffers.ts';
import { linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { bindBuffers, createComputeBindGroupLayout, createComputePipeline } from '../runtime/pipeline.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';

/** Must match `struct ScaleAddParams` in the shader (a test compares the two). */
export const scaleAddUniforms = defineUniformLayout({ length: 'u32', scale: 'f32' });

/** Outputs, then inputs: the shader's binding order. Each needs STORAGE usage. */
export interface ScaleAddBuffers {
  output: GPUBuffer;
  x: GPUBuffer;
  y: GPUBuffer;
}

/** A bind group plus its params buffer for one set of buffers; whoever calls bind() destroys it. */
export interface ScaleAddBinding {
  readonly bindGroup: GPUBindGroup;
  readonly grid: WorkgroupGrid;
  destroy(): void;
}

export interface ScaleAddKernelOptions {
  workgroupSize?: number;
}

export class ScaleAddKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly workgroupSize: number,
    private readonly layout: GPUBindGroupLayout,
    private readonly pipeline: GPUComputePipeline,
  ) {}

  static async create(gpu: Gpu, options: ScaleAddKernelOptions = {}): Promise<ScaleAddKernel> {
    const workgroupSize = options.workgroupSize ?? 64;
    const max = Math.min(gpu.limits.maxComputeInvocationsPerWorkgroup, gpu.limits.maxComputeWorkgroupSizeX);
    if (!Number.isInteger(workgroupSize) || workgroupSize < 1 || workgroupSize > max) {
      throw new RangeError(
        `scale_add: workgroupSize must be an integer in [1, ${max}], got ${workgroupSize}`,
      );
    }
    const layout = createComputeBindGroupLayout(gpu, 'scale_add.forward', [
      'storage',
      'read-only-storage',
      'read-only-storage',
      'uniform',
    ]);
    const pipeline = await createComputePipeline(gpu, {
      label: 'scale_add.forward',
      code: shaderCode,
      bindGroupLayouts: [layout],
      constants: { WORKGROUP_SIZE: workgroupSize },
    });
    return new ScaleAddKernel(gpu, workgroupSize, layout, pipeline);
  }

  /** Prepares output = scale * x + y over the first `length` floats of each buffer. */
  bind(buffers: ScaleAddBuffers, length: number, params: ScaleAddParams): ScaleAddBinding {
    scaleAddLength(length, length, length);
    for (const [name, buffer] of Object.entries(buffers)) {
      if (buffer.size < length * 4) {
        throw new RangeError(`scale_add: buffer '${name}' holds ${buffer.size} bytes, needs ${length * 4}`);
      }
    }
    const bytes = new Uint32Array(scaleAddUniforms.pack({ length, scale: params.scale }));
    const paramsBuffer = createBufferWithData(
      this.gpu,
      'scale_add.forward params',
      bytes,
      GPUBufferUsage.UNIFORM,
    );
    const bindGroup = bindBuffers(this.gpu, 'scale_add.forward', this.layout, [
      buffers.output,
      buffers.x,
      buffers.y,
      paramsBuffer,
    ]);
    const grid = linearGrid(length, this.workgroupSize, this.gpu.limits.maxComputeWorkgroupsPerDimension);
    return { bindGroup, grid, destroy: () => paramsBuffer.destroy() };
  }

  /** Records the dispatch; no allocation, no submit. */
  encodeForward(pass: GPUComputePassEncoder, binding: ScaleAddBinding): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, binding.bindGroup);
    this.gpu.dispatch(pass, binding.grid);
  }
}
