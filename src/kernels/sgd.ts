// WGSL kernel for the sgd update (shaders/sgd.update.wgsl): one dispatch updates every parameter
// of a network held in one flat buffer. The pipeline is prepared once in create(); bind() makes the
// bind group and the params uniform once per buffer set; writeParams() rewrites that uniform with
// queue.writeBuffer (no new buffer) so the learning rate can change between steps; encodeUpdate()
// only records. Not a scheduler: the caller opens passes and submits.
//
// writeParams() takes effect at the next queue.submit: every update recorded in one command
// buffer sees the same hyper-parameters.

import shaderCode from '../../shaders/sgd.update.wgsl?raw';
import { validateSgd, type SgdParams } from '../ops/sgd.ts';
import { linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { bindBuffers, createComputeBindGroupLayout, createComputePipeline } from '../runtime/pipeline.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { checkWorkgroupSize, requireWords } from './kernel_args.ts';

/** Must match `struct SgdParams` in the shader (a test compares the two). */
export const sgdUniforms = defineUniformLayout({
  length: 'u32',
  learningRate: 'f32',
  momentum: 'f32',
  weightDecay: 'f32',
});

/** Outputs (updated in place), then inputs: the shader's binding order. Each needs STORAGE usage. */
export interface SgdBuffers {
  parameters: TensorBuffer;
  /** Zeros before the first step. */
  velocity: TensorBuffer;
  grads: TensorBuffer;
}

/** A bind group plus its params uniform; whoever calls bind() destroys it. */
export interface SgdBinding {
  readonly bindGroup: GPUBindGroup;
  readonly grid: WorkgroupGrid;
  readonly length: number;
  /** The uniform writeParams() rewrites. */
  readonly paramsBuffer: GPUBuffer;
  destroy(): void;
}

export interface SgdKernelOptions {
  workgroupSize?: number;
}

const OP = 'sgd';

export class SgdKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly workgroupSize: number,
    private readonly layout: GPUBindGroupLayout,
    private readonly pipeline: GPUComputePipeline,
  ) {}

  static async create(gpu: Gpu, options: SgdKernelOptions = {}): Promise<SgdKernel> {
    const workgroupSize = checkWorkgroupSize(gpu, OP, options.workgroupSize);
    const layout = createComputeBindGroupLayout(gpu, `${OP}.update`, [
      'storage',
      'storage',
      'read-only-storage',
      'uniform',
    ]);
    const pipeline = await createComputePipeline(gpu, {
      label: `${OP}.update`,
      code: shaderCode,
      bindGroupLayouts: [layout],
      constants: { WORKGROUP_SIZE: workgroupSize },
    });
    return new SgdKernel(gpu, workgroupSize, layout, pipeline);
  }

  /** Prepares updates of the first `length` floats of each buffer with the hyper-parameters `p`. */
  bind(buffers: SgdBuffers, length: number, p: SgdParams): SgdBinding {
    if (!Number.isInteger(length) || length < 1) {
      throw new RangeError(`${OP}: length must be a whole number >= 1, got ${length}`);
    }
    validateSgd(p); // before any GPU object exists, so a bad value leaks nothing
    const { parameters, velocity, grads } = buffers;
    requireWords(
      OP,
      { parameters, velocity, grads },
      { parameters: length, velocity: length, grads: length },
    );
    const paramsBuffer = this.gpu.createBuffer({
      label: `${OP}.update params`,
      size: sgdUniforms.byteSize,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const bindGroup = bindBuffers(this.gpu, `${OP}.update`, this.layout, [
      parameters,
      velocity,
      grads,
      paramsBuffer,
    ]);
    const grid = linearGrid(length, this.workgroupSize, this.gpu.limits.maxComputeWorkgroupsPerDimension);
    const binding: SgdBinding = {
      bindGroup,
      grid,
      length,
      paramsBuffer,
      destroy: () => paramsBuffer.destroy(),
    };
    this.writeParams(binding, p);
    return binding;
  }

  /** Validates `p` and writes it into the binding's uniform for the next submit (no allocation on the GPU). */
  writeParams(binding: SgdBinding, p: SgdParams): void {
    validateSgd(p);
    const bytes = sgdUniforms.pack({ length: binding.length, ...p });
    this.gpu.device.queue.writeBuffer(binding.paramsBuffer, 0, bytes);
  }

  /** Records one update; no allocation, no submit. */
  encodeUpdate(pass: GPUComputePassEncoder, binding: SgdBinding): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, binding.bindGroup);
    this.gpu.dispatch(pass, binding.grid);
  }
}
