// WGSL kernel for softmax_cross_entropy (shaders/softmax_cross_entropy.forward.wgsl): one dispatch
// writes the per-row loss, probs, correct flags AND dLogits (the forward and backward of the
// reference, fused: the backward needs only the probs this pass has just made). The pipeline is
// prepared once in create(); bind() makes the params buffer and bind group once per buffer set;
// encodeForwardBackward() only records. Not a loss accumulator: the trainer sums loss and correct.

import shaderCode from '../../shaders/softmax_cross_entropy.forward.wgsl?raw';
import { validateSoftmaxCrossEntropy, type SoftmaxCrossEntropyParams } from '../ops/softmax_cross_entropy.ts';
import { createBufferWithData } from '../runtime/buffers.ts';
import { linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { bindBuffers, createComputeBindGroupLayout, createComputePipeline } from '../runtime/pipeline.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { checkWorkgroupSize, requireWords } from './kernel_args.ts';

const OP = 'softmax_cross_entropy';

/** Must match `struct SoftmaxCrossEntropyParams` in the shader (a unit test compares the two). */
export const softmaxCrossEntropyUniforms = defineUniformLayout({ batch: 'u32', classes: 'u32' });

/**
 * Outputs, then inputs: the shader's binding order. `correct` and `labels` hold u32 (labels are
 * class indices; one outside [0, classes) makes that row's loss NaN), the rest f32.
 */
export interface SoftmaxCrossEntropyBuffers {
  lossPerRow: TensorBuffer;
  probs: TensorBuffer;
  correct: TensorBuffer;
  dLogits: TensorBuffer;
  logits: TensorBuffer;
  labels: TensorBuffer;
}

/** A bind group plus its params buffer; whoever calls bind() destroys it. */
export interface SoftmaxCrossEntropyBinding {
  readonly bindGroup: GPUBindGroup;
  readonly grid: WorkgroupGrid;
  destroy(): void;
}

export interface SoftmaxCrossEntropyKernelOptions {
  workgroupSize?: number;
}

export class SoftmaxCrossEntropyKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly workgroupSize: number,
    private readonly layout: GPUBindGroupLayout,
    private readonly pipeline: GPUComputePipeline,
  ) {}

  static async create(
    gpu: Gpu,
    options: SoftmaxCrossEntropyKernelOptions = {},
  ): Promise<SoftmaxCrossEntropyKernel> {
    const workgroupSize = checkWorkgroupSize(gpu, OP, options.workgroupSize, 64);
    const layout = createComputeBindGroupLayout(gpu, `${OP}.forward`, [
      'storage',
      'storage',
      'storage',
      'storage',
      'read-only-storage',
      'read-only-storage',
      'uniform',
    ]);
    const pipeline = await createComputePipeline(gpu, {
      label: `${OP}.forward`,
      code: shaderCode,
      bindGroupLayouts: [layout],
      constants: { WORKGROUP_SIZE: workgroupSize },
    });
    return new SoftmaxCrossEntropyKernel(gpu, workgroupSize, layout, pipeline);
  }

  /** Checks params and buffer sizes, then makes the params buffer and bind group once. */
  bind(buffers: SoftmaxCrossEntropyBuffers, p: SoftmaxCrossEntropyParams): SoftmaxCrossEntropyBinding {
    validateSoftmaxCrossEntropy(p);
    const rows = p.batch;
    const values = p.batch * p.classes;
    requireWords(
      OP,
      { ...buffers },
      {
        lossPerRow: rows,
        probs: values,
        correct: rows,
        dLogits: values,
        logits: values,
        labels: rows,
      },
    );
    const words = new Uint32Array(softmaxCrossEntropyUniforms.pack({ batch: p.batch, classes: p.classes }));
    const params = createBufferWithData(this.gpu, `${OP}.forward params`, words, GPUBufferUsage.UNIFORM);
    const bindGroup = bindBuffers(this.gpu, `${OP}.forward`, this.layout, [
      buffers.lossPerRow,
      buffers.probs,
      buffers.correct,
      buffers.dLogits,
      buffers.logits,
      buffers.labels,
      params,
    ]);
    const grid = linearGrid(rows, this.workgroupSize, this.gpu.limits.maxComputeWorkgroupsPerDimension);
    return { bindGroup, grid, destroy: () => params.destroy() };
  }

  /** Records the one dispatch (loss, probs, correct and dLogits); no allocation, no submit. */
  encodeForwardBackward(pass: GPUComputePassEncoder, binding: SoftmaxCrossEntropyBinding): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, binding.bindGroup);
    this.gpu.dispatch(pass, binding.grid);
  }
}
