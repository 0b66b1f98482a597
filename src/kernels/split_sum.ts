// WGSL kernel for split_sum (shaders/split_sum.forward.wgsl): out = sum of `splits` partial arrays,
// added in split order, which finishes a deterministic split-K reduction (conv2d, dense). The
// pipeline is prepared once in create(); bind() makes the params buffer and bind group once per
// buffer set; encodeForward() only records. Not a general reduction: the partials are given.

import shaderCode from '../../shaders/split_sum.forward.wgsl?raw';
import { createBufferWithData } from '../runtime/buffers.ts';
import { linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { bindBuffers, createComputeBindGroupLayout, createComputePipeline } from '../runtime/pipeline.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { checkWorkgroupSize, requireWords } from './kernel_args.ts';

/** Must match `struct SplitSumParams` in the shader (a unit test compares the two). */
export const splitSumUniforms = defineUniformLayout({ length: 'u32', splits: 'u32' });

export interface SplitSumParams {
  /** Elements of `out`; each partial holds this many, back to back in `parts`. */
  length: number;
  splits: number;
}

/** Output first, then input (the shader's binding order). Both need STORAGE usage. */
export interface SplitSumBuffers {
  out: TensorBuffer;
  parts: TensorBuffer;
}

/** A bind group plus its params buffer; whoever calls bind() destroys it. */
export interface SplitSumBinding {
  readonly bindGroup: GPUBindGroup;
  readonly grid: WorkgroupGrid;
  readonly params: Readonly<SplitSumParams>;
  destroy(): void;
}

export interface SplitSumKernelOptions {
  workgroupSize?: number;
}

export class SplitSumKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly workgroupSize: number,
    private readonly layout: GPUBindGroupLayout,
    private readonly pipeline: GPUComputePipeline,
  ) {}

  static async create(gpu: Gpu, options: SplitSumKernelOptions = {}): Promise<SplitSumKernel> {
    const workgroupSize = checkWorkgroupSize(gpu, 'split_sum', options.workgroupSize, 256);
    const layout = createComputeBindGroupLayout(gpu, 'split_sum.forward', [
      'storage',
      'read-only-storage',
      'uniform',
    ]);
    const pipeline = await createComputePipeline(gpu, {
      label: 'split_sum.forward',
      code: shaderCode,
      bindGroupLayouts: [layout],
      constants: { WG_SIZE: workgroupSize },
    });
    return new SplitSumKernel(gpu, workgroupSize, layout, pipeline);
  }

  /** Prepares out[i] = parts[i] + parts[length + i] + ... for the first `length` floats of `out`. */
  bind(buffers: SplitSumBuffers, params: SplitSumParams): SplitSumBinding {
    const { length, splits } = params;
    for (const [name, value] of Object.entries(params)) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`split_sum: ${name} must be a positive integer, got ${value}`);
      }
    }
    requireWords('split_sum', { ...buffers }, { out: length, parts: length * splits });
    const paramsBuffer = createBufferWithData(
      this.gpu,
      'split_sum.forward params',
      new Uint32Array(splitSumUniforms.pack({ length, splits })),
      GPUBufferUsage.UNIFORM,
    );
    const bindGroup = bindBuffers(this.gpu, 'split_sum.forward', this.layout, [
      buffers.out,
      buffers.parts,
      paramsBuffer,
    ]);
    const grid = linearGrid(length, this.workgroupSize, this.gpu.limits.maxComputeWorkgroupsPerDimension);
    return { bindGroup, grid, params: { length, splits }, destroy: () => paramsBuffer.destroy() };
  }

  /** Records the dispatch; no allocation, no submit. */
  encodeForward(pass: GPUComputePassEncoder, binding: SplitSumBinding): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, binding.bindGroup);
    this.gpu.dispatch(pass, binding.grid);
  }
}
