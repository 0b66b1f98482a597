// WGSL kernel for the adam update (shaders/adam.update.wgsl): one dispatch updates every parameter
// of a network held in one flat buffer. The pipeline is prepared once in create(); bind() makes the
// bind group and the params uniform once per buffer set; writeParams() rewrites that uniform with
// queue.writeBuffer (no new buffer) before each step, carrying the step's bias corrections
// 1 - beta^t (computed in doubles by adamBiasCorrections) and any change of learning rate;
// encodeUpdate() only records. Not a scheduler: the caller opens passes and submits.
//
// writeParams() takes effect at the next queue.submit: every update recorded in one command
// buffer sees the same step t, so record one adam update per submit.

import shaderCode from '../../shaders/adam.update.wgsl?raw';
import { adamBiasCorrections, validateAdam, type AdamParams } from '../ops/adam.ts';
import { linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { bindBuffers, createComputeBindGroupLayout, createComputePipeline } from '../runtime/pipeline.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { checkWorkgroupSize, requireWords } from './kernel_args.ts';

/** Must match `struct AdamParams` in the shader (a test compares the two). */
export const adamUniforms = defineUniformLayout({
  length: 'u32',
  learningRate: 'f32',
  beta1: 'f32',
  beta2: 'f32',
  epsilon: 'f32',
  weightDecay: 'f32',
  correction1: 'f32',
  correction2: 'f32',
});

/** The packed uniform for step `p.step` over `length` floats. */
export function packAdamParams(length: number, p: AdamParams): ArrayBuffer {
  const { learningRate, beta1, beta2, epsilon, weightDecay } = p;
  const { correction1, correction2 } = adamBiasCorrections(p);
  return adamUniforms.pack({
    length,
    learningRate,
    beta1,
    beta2,
    epsilon,
    weightDecay,
    correction1,
    correction2,
  });
}

/** Outputs (updated in place), then inputs: the shader's binding order. Each needs STORAGE usage. */
export interface AdamBuffers {
  parameters: TensorBuffer;
  /** First and second moments, zeros before the first step. */
  m: TensorBuffer;
  v: TensorBuffer;
  grads: TensorBuffer;
}

/** A bind group plus its params uniform; whoever calls bind() destroys it. */
export interface AdamBinding {
  readonly bindGroup: GPUBindGroup;
  readonly grid: WorkgroupGrid;
  readonly length: number;
  /** The uniform writeParams() rewrites. */
  readonly paramsBuffer: GPUBuffer;
  destroy(): void;
}

export interface AdamKernelOptions {
  workgroupSize?: number;
}

const OP = 'adam';

export class AdamKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly workgroupSize: number,
    private readonly layout: GPUBindGroupLayout,
    private readonly pipeline: GPUComputePipeline,
  ) {}

  static async create(gpu: Gpu, options: AdamKernelOptions = {}): Promise<AdamKernel> {
    const workgroupSize = checkWorkgroupSize(gpu, OP, options.workgroupSize);
    const layout = createComputeBindGroupLayout(gpu, `${OP}.update`, [
      'storage',
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
    return new AdamKernel(gpu, workgroupSize, layout, pipeline);
  }

  /** Prepares updates of the first `length` floats of each buffer, starting with the params `p`. */
  bind(buffers: AdamBuffers, length: number, p: AdamParams): AdamBinding {
    if (!Number.isInteger(length) || length < 1) {
      throw new RangeError(`${OP}: length must be a whole number >= 1, got ${length}`);
    }
    validateAdam(p); // before any GPU object exists, so a bad value leaks nothing
    const { parameters, m, v, grads } = buffers;
    requireWords(
      OP,
      { parameters, m, v, grads },
      { parameters: length, m: length, v: length, grads: length },
    );
    const paramsBuffer = this.gpu.createBuffer({
      label: `${OP}.update params`,
      size: adamUniforms.byteSize,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const bindGroup = bindBuffers(this.gpu, `${OP}.update`, this.layout, [
      parameters,
      m,
      v,
      grads,
      paramsBuffer,
    ]);
    const grid = linearGrid(length, this.workgroupSize, this.gpu.limits.maxComputeWorkgroupsPerDimension);
    const binding: AdamBinding = {
      bindGroup,
      grid,
      length,
      paramsBuffer,
      destroy: () => paramsBuffer.destroy(),
    };
    this.writeParams(binding, p);
    return binding;
  }

  /** Validates `p` and writes it (with its step's bias corrections) for the next submit; no GPU allocation. */
  writeParams(binding: AdamBinding, p: AdamParams): void {
    validateAdam(p);
    this.gpu.device.queue.writeBuffer(binding.paramsBuffer, 0, packAdamParams(binding.length, p));
  }

  /** Records one update; no allocation, no submit. */
  encodeUpdate(pass: GPUComputePassEncoder, binding: AdamBinding): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, binding.bindGroup);
    this.gpu.dispatch(pass, binding.grid);
  }
}
