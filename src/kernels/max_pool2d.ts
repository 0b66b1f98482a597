// WGSL kernels for max_pool2d (shaders/max_pool2d.forward.wgsl and .backward_input.wgsl): both
// pipelines are prepared once in create(); bind() makes the params buffer and the bind groups once
// per buffer set; encode*() only record into a compute pass. The forward writes argmax as u32 flat
// indices into the whole input (ties: first maximum in row-major window order; NaN wins), and the
// backward gathers by it, so no atomics and a fixed summation order. Options may fuse the
// backward of the activation that produced the pool's input into the backward pass (one dispatch
// instead of two). Not a scheduler.

import backwardCode from '../../shaders/max_pool2d.backward_input.wgsl?raw';
import forwardCode from '../../shaders/max_pool2d.forward.wgsl?raw';
import { pool2dOutputSize, validateMaxPool2d, type Pool2dParams } from '../ops/max_pool2d.ts';
import { ACTIVATION_CODE, validateActivation, type Activation } from '../ops/activation.ts';
import { createBufferWithData } from '../runtime/buffers.ts';
import { linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { bindBuffers, createComputeBindGroupLayout, createComputePipeline } from '../runtime/pipeline.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { checkWorkgroupSize, requireWords } from './kernel_args.ts';

/** Must match `struct MaxPool2dParams` in both shaders (a test compares them). */
export const maxPool2dUniforms = defineUniformLayout({
  planes: 'u32',
  inHeight: 'u32',
  inWidth: 'u32',
  outHeight: 'u32',
  outWidth: 'u32',
  kernel: 'u32',
  stride: 'u32',
});

/** The packed uniform for `p` (planes = batch * channels). */
export function packMaxPool2dParams(p: Pool2dParams): ArrayBuffer {
  validateMaxPool2d(p);
  const { outHeight, outWidth } = pool2dOutputSize(p);
  const { inHeight, inWidth, kernel, stride } = p;
  return maxPool2dUniforms.pack({
    planes: p.batch * p.channels,
    inHeight,
    inWidth,
    outHeight,
    outWidth,
    kernel,
    stride,
  });
}

/**
 * Forward buffers (out f32, argmax u32, input f32), and optionally the backward ones (dInput
 * f32, dOut f32; the backward reads `argmax` too). Each needs STORAGE usage.
 */
export interface MaxPool2dBuffers {
  out: TensorBuffer;
  argmax: TensorBuffer;
  input: TensorBuffer;
  dInput?: TensorBuffer;
  dOut?: TensorBuffer;
}

/** Bind groups plus their shared params buffer; whoever calls bind() destroys it. */
export interface MaxPool2dBinding {
  readonly forward: GPUBindGroup;
  readonly forwardGrid: WorkgroupGrid;
  /** Present when bind() was given dInput and dOut. */
  readonly backwardInput?: GPUBindGroup;
  readonly backwardInputGrid: WorkgroupGrid;
  destroy(): void;
}

export interface MaxPool2dKernelOptions {
  workgroupSize?: number;
  /**
   * The activation whose output is the pool's input. The backward then writes
   * dInput * act'(input), i.e. d loss / d pre-activation of the previous layer, so that layer
   * needs no activation backward pass. Default 'none' (plain dInput).
   */
  inputActivation?: Activation;
}

const OP = 'max_pool2d';

export class MaxPool2dKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly workgroupSize: number,
    readonly inputActivation: Activation,
    private readonly forwardLayout: GPUBindGroupLayout,
    private readonly forwardPipeline: GPUComputePipeline,
    private readonly backwardLayout: GPUBindGroupLayout,
    private readonly backwardPipeline: GPUComputePipeline,
  ) {}

  static async create(gpu: Gpu, options: MaxPool2dKernelOptions = {}): Promise<MaxPool2dKernel> {
    const workgroupSize = checkWorkgroupSize(gpu, OP, options.workgroupSize);
    const inputActivation = options.inputActivation ?? 'none';
    validateActivation(inputActivation);
    const constants = { WORKGROUP_SIZE: workgroupSize };
    const forwardLayout = createComputeBindGroupLayout(gpu, `${OP}.forward`, [
      'storage',
      'storage',
      'read-only-storage',
      'uniform',
    ]);
    const backwardLayout = createComputeBindGroupLayout(gpu, `${OP}.backward_input`, [
      'storage',
      'read-only-storage',
      'read-only-storage',
      'read-only-storage',
      'uniform',
    ]);
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
        constants: { ...constants, ACTIVATION: ACTIVATION_CODE[inputActivation] },
      }),
    ]);
    return new MaxPool2dKernel(
      gpu,
      workgroupSize,
      inputActivation,
      forwardLayout,
      forwardPipeline,
      backwardLayout,
      backwardPipeline,
    );
  }

  /** Validates `p` and the buffer sizes, then makes the params buffer and bind group(s) once. */
  bind(buffers: MaxPool2dBuffers, p: Pool2dParams): MaxPool2dBinding {
    const paramsBytes = new Uint32Array(packMaxPool2dParams(p)); // validates p
    const { outHeight, outWidth } = pool2dOutputSize(p);
    const outputs = p.batch * p.channels * outHeight * outWidth;
    const inputs = p.batch * p.channels * p.inHeight * p.inWidth;
    const { out, argmax, input, dInput, dOut } = buffers;
    requireWords(OP, { out, argmax, input }, { out: outputs, argmax: outputs, input: inputs });
    if ((dInput === undefined) !== (dOut === undefined)) {
      throw new RangeError(`${OP}: pass both dInput and dOut to bind the backward pass, or neither`);
    }
    if (dInput && dOut) requireWords(OP, { dInput, dOut }, { dInput: inputs, dOut: outputs });

    const paramsBuffer = createBufferWithData(this.gpu, `${OP} params`, paramsBytes, GPUBufferUsage.UNIFORM);
    const maxPerDimension = this.gpu.limits.maxComputeWorkgroupsPerDimension;
    return {
      forward: bindBuffers(this.gpu, `${OP}.forward`, this.forwardLayout, [out, argmax, input, paramsBuffer]),
      forwardGrid: linearGrid(outputs, this.workgroupSize, maxPerDimension),
      backwardInput:
        dInput && dOut
          ? bindBuffers(this.gpu, `${OP}.backward_input`, this.backwardLayout, [
              dInput,
              dOut,
              argmax,
              input,
              paramsBuffer,
            ])
          : undefined,
      backwardInputGrid: linearGrid(inputs, this.workgroupSize, maxPerDimension),
      destroy: () => paramsBuffer.destroy(),
    };
  }

  /** Records out = window max and argmax; no allocation, no submit. */
  encodeForward(pass: GPUComputePassEncoder, binding: MaxPool2dBinding): void {
    pass.setPipeline(this.forwardPipeline);
    pass.setBindGroup(0, binding.forward);
    this.gpu.dispatch(pass, binding.forwardGrid);
  }

  /** Records dInput = gathered dOut (overwritten, not accumulated); needs a backward binding. */
  encodeBackwardInput(pass: GPUComputePassEncoder, binding: MaxPool2dBinding): void {
    if (!binding.backwardInput) {
      throw new Error(`${OP}: this binding has no backward pass; give bind() dInput and dOut`);
    }
    pass.setPipeline(this.backwardPipeline);
    pass.setBindGroup(0, binding.backwardInput);
    this.gpu.dispatch(pass, binding.backwardInputGrid);
  }
}
