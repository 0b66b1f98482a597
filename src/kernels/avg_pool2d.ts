// WGSL kernels for avg_pool2d (shaders/avg_pool2d.forward.wgsl and .backward_input.wgsl): both
// pipelines are prepared once in create(); bind() makes the params buffer and the bind groups once
// per buffer set; encode*() only record into a compute pass. The backward is a gather (each input
// element adds the dOut of the windows containing it, in a fixed order): no atomics. Not a scheduler.

import backwardCode from '../../shaders/avg_pool2d.backward_input.wgsl?raw';
import forwardCode from '../../shaders/avg_pool2d.forward.wgsl?raw';
import { pool2dOutputSize, validateAvgPool2d, type Pool2dParams } from '../ops/avg_pool2d.ts';
import { createBufferWithData } from '../runtime/buffers.ts';
import { linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { bindBuffers, createComputeBindGroupLayout, createComputePipeline } from '../runtime/pipeline.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { checkWorkgroupSize, requireWords } from './kernel_args.ts';

/** Must match `struct AvgPool2dParams` in both shaders (a test compares them). */
export const avgPool2dUniforms = defineUniformLayout({
  planes: 'u32',
  inHeight: 'u32',
  inWidth: 'u32',
  outHeight: 'u32',
  outWidth: 'u32',
  kernel: 'u32',
  stride: 'u32',
  inverseArea: 'f32',
});

/** The packed uniform for `p` (planes = batch * channels, inverseArea = 1 / kernel^2). */
export function packAvgPool2dParams(p: Pool2dParams): ArrayBuffer {
  validateAvgPool2d(p);
  const { outHeight, outWidth } = pool2dOutputSize(p);
  const { inHeight, inWidth, kernel, stride } = p;
  const planes = p.batch * p.channels;
  const inverseArea = 1 / (kernel * kernel);
  return avgPool2dUniforms.pack({
    planes,
    inHeight,
    inWidth,
    outHeight,
    outWidth,
    kernel,
    stride,
    inverseArea,
  });
}

/** Forward buffers (out, input), and optionally the backward ones (dInput, dOut); all f32, STORAGE. */
export interface AvgPool2dBuffers {
  out: TensorBuffer;
  input: TensorBuffer;
  dInput?: TensorBuffer;
  dOut?: TensorBuffer;
}

/** Bind groups plus their shared params buffer; whoever calls bind() destroys it. */
export interface AvgPool2dBinding {
  readonly forward: GPUBindGroup;
  readonly forwardGrid: WorkgroupGrid;
  /** Present when bind() was given dInput and dOut. */
  readonly backwardInput?: GPUBindGroup;
  readonly backwardInputGrid: WorkgroupGrid;
  destroy(): void;
}

export interface AvgPool2dKernelOptions {
  workgroupSize?: number;
}

const OP = 'avg_pool2d';

export class AvgPool2dKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly workgroupSize: number,
    private readonly forwardLayout: GPUBindGroupLayout,
    private readonly forwardPipeline: GPUComputePipeline,
    private readonly backwardLayout: GPUBindGroupLayout,
    private readonly backwardPipeline: GPUComputePipeline,
  ) {}

  static async create(gpu: Gpu, options: AvgPool2dKernelOptions = {}): Promise<AvgPool2dKernel> {
    const workgroupSize = checkWorkgroupSize(gpu, OP, options.workgroupSize);
    const constants = { WORKGROUP_SIZE: workgroupSize };
    // Both passes have the same shape of bindings: one output, one input, params.
    const kinds = ['storage', 'read-only-storage', 'uniform'] as const;
    const forwardLayout = createComputeBindGroupLayout(gpu, `${OP}.forward`, kinds);
    const backwardLayout = createComputeBindGroupLayout(gpu, `${OP}.backward_input`, kinds);
    const [forwardPipeline, backwardPipeline] = await Promise.all([
      createComputePipeline(gpu, {
        label: `${OP}.forward`,
        code: forwardCode,
        bindGroupLayouts: [forwardLayout],
        constants,
      }),
      createComputePipeline(gpu, {
        label: `${OP}.backward_input`,
        code: backwardCode,
        bindGroupLayouts: [backwardLayout],
        constants,
      }),
    ]);
    return new AvgPool2dKernel(
      gpu,
      workgroupSize,
      forwardLayout,
      forwardPipeline,
      backwardLayout,
      backwardPipeline,
    );
  }

  /** Validates `p` and the buffer sizes, then makes the params buffer and bind group(s) once. */
  bind(buffers: AvgPool2dBuffers, p: Pool2dParams): AvgPool2dBinding {
    const paramsBytes = new Uint32Array(packAvgPool2dParams(p)); // validates p
    const { outHeight, outWidth } = pool2dOutputSize(p);
    const outputs = p.batch * p.channels * outHeight * outWidth;
    const inputs = p.batch * p.channels * p.inHeight * p.inWidth;
    const { out, input, dInput, dOut } = buffers;
    requireWords(OP, { out, input }, { out: outputs, input: inputs });
    if ((dInput === undefined) !== (dOut === undefined)) {
      throw new RangeError(`${OP}: pass both dInput and dOut to bind the backward pass, or neither`);
    }
    if (dInput && dOut) requireWords(OP, { dInput, dOut }, { dInput: inputs, dOut: outputs });

    const paramsBuffer = createBufferWithData(this.gpu, `${OP} params`, paramsBytes, GPUBufferUsage.UNIFORM);
    const maxPerDimension = this.gpu.limits.maxComputeWorkgroupsPerDimension;
    return {
      forward: bindBuffers(this.gpu, `${OP}.forward`, this.forwardLayout, [out, input, paramsBuffer]),
      forwardGrid: linearGrid(outputs, this.workgroupSize, maxPerDimension),
      backwardInput:
        dInput && dOut
          ? bindBuffers(this.gpu, `${OP}.backward_input`, this.backwardLayout, [dInput, dOut, paramsBuffer])
          : undefined,
      backwardInputGrid: linearGrid(inputs, this.workgroupSize, maxPerDimension),
      destroy: () => paramsBuffer.destroy(),
    };
  }

  /** Records out = window mean; no allocation, no submit. */
  encodeForward(pass: GPUComputePassEncoder, binding: AvgPool2dBinding): void {
    pass.setPipeline(this.forwardPipeline);
    pass.setBindGroup(0, binding.forward);
    this.gpu.dispatch(pass, binding.forwardGrid);
  }

  /** Records dInput = gathered dOut / kernel^2 (overwritten); needs a backward binding. */
  encodeBackwardInput(pass: GPUComputePassEncoder, binding: AvgPool2dBinding): void {
    if (!binding.backwardInput) {
      throw new Error(`${OP}: this binding has no backward pass; give bind() dInput and dOut`);
    }
    pass.setPipeline(this.backwardPipeline);
    pass.setBindGroup(0, binding.backwardInput);
    this.gpu.dispatch(pass, binding.backwardInputGrid);
  }
}
