// WGSL kernels for the standalone elementwise activation (shaders/activation.forward.wgsl and
// activation.backward_input.wgsl): the activation is an override fixed in create(), bind*() make the
// params buffer and bind group once per buffer set, encode*() only record. Dense and conv2d fuse
// the forward into their own epilogue; the backward here takes the forward OUTPUT y, as the
// reference (src/reference/activation.ts) does.

import backwardCode from '../../shaders/activation.backward_input.wgsl?raw';
import forwardCode from '../../shaders/activation.forward.wgsl?raw';
import { ACTIVATION_CODE, validateActivation, type Activation } from '../ops/activation.ts';
import { requirePositiveInteger } from '../ops/validate.ts';
import { createBufferWithData } from '../runtime/buffers.ts';
import { linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { bindBuffers, createComputeBindGroupLayout, createComputePipeline } from '../runtime/pipeline.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { checkWorkgroupSize, requireWords } from './kernel_args.ts';

const OP = 'activation';

/** Must match `struct ActivationParams` in both shaders (a unit test compares them). */
export const activationUniforms = defineUniformLayout({ length: 'u32' });

export interface ActivationKernelOptions {
  activation: Activation;
  workgroupSize?: number;
}

/** Outputs, then inputs: the forward shader's binding order. */
export interface ActivationForwardBuffers {
  output: TensorBuffer;
  input: TensorBuffer;
}

/** `output` is the forward output y. */
export interface ActivationBackwardBuffers {
  dInput: TensorBuffer;
  dOut: TensorBuffer;
  output: TensorBuffer;
}

/** A bind group plus its params buffer; whoever calls bind*() destroys it. */
export interface ActivationBinding {
  readonly bindGroup: GPUBindGroup;
  readonly grid: WorkgroupGrid;
  destroy(): void;
}

export class ActivationKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly activation: Activation,
    readonly workgroupSize: number,
    private readonly forwardLayout: GPUBindGroupLayout,
    private readonly backwardLayout: GPUBindGroupLayout,
    private readonly forwardPipeline: GPUComputePipeline,
    private readonly backwardPipeline: GPUComputePipeline,
  ) {}

  static async create(gpu: Gpu, options: ActivationKernelOptions): Promise<ActivationKernel> {
    const { activation } = options;
    validateActivation(activation);
    const workgroupSize = checkWorkgroupSize(gpu, OP, options.workgroupSize, 256);
    const constants = { WORKGROUP_SIZE: workgroupSize, ACTIVATION: ACTIVATION_CODE[activation] };
    const forwardLayout = createComputeBindGroupLayout(gpu, `${OP}.forward`, [
      'storage',
      'read-only-storage',
      'uniform',
    ]);
    const backwardLayout = createComputeBindGroupLayout(gpu, `${OP}.backward_input`, [
      'storage',
      'read-only-storage',
      'read-only-storage',
      'uniform',
    ]);
    const [forwardPipeline, backwardPipeline] = await Promise.all([
      createComputePipeline(gpu, {
        label: `${OP}.forward (${activation})`,
        code: forwardCode,
        bindGroupLayouts: [forwardLayout],
        constants,
      }),
      createComputePipeline(gpu, {
        label: `${OP}.backward_input (${activation})`,
        code: backwardCode,
        bindGroupLayouts: [backwardLayout],
        constants,
      }),
    ]);
    return new ActivationKernel(
      gpu,
      activation,
      workgroupSize,
      forwardLayout,
      backwardLayout,
      forwardPipeline,
      backwardPipeline,
    );
  }

  /** Prepares output = f(input) over the first `length` floats. */
  bindForward(buffers: ActivationForwardBuffers, length: number): ActivationBinding {
    const ordered: [string, TensorBuffer][] = [
      ['output', buffers.output],
      ['input', buffers.input],
    ];
    return this.bindPass(`${OP}.forward`, this.forwardLayout, ordered, length);
  }

  /** Prepares dInput = dOut * f'(y) over the first `length` floats, y = buffers.output. */
  bindBackwardInput(buffers: ActivationBackwardBuffers, length: number): ActivationBinding {
    const ordered: [string, TensorBuffer][] = [
      ['dInput', buffers.dInput],
      ['dOut', buffers.dOut],
      ['output', buffers.output],
    ];
    return this.bindPass(`${OP}.backward_input`, this.backwardLayout, ordered, length);
  }

  encodeForward(pass: GPUComputePassEncoder, binding: ActivationBinding): void {
    this.encode(pass, this.forwardPipeline, binding);
  }

  encodeBackwardInput(pass: GPUComputePassEncoder, binding: ActivationBinding): void {
    this.encode(pass, this.backwardPipeline, binding);
  }

  /** Binds `ordered` (the shader's binding order: outputs first) and then the params buffer. */
  private bindPass(
    label: string,
    layout: GPUBindGroupLayout,
    ordered: readonly [string, TensorBuffer][],
    length: number,
  ): ActivationBinding {
    requirePositiveInteger(label, 'length', length);
    const named = Object.fromEntries(ordered);
    requireWords(label, named, Object.fromEntries(ordered.map(([name]) => [name, length])));
    const words = new Uint32Array(activationUniforms.pack({ length }));
    const params = createBufferWithData(this.gpu, `${label} params`, words, GPUBufferUsage.UNIFORM);
    const buffers = [...ordered.map(([, buffer]) => buffer), params];
    const bindGroup = bindBuffers(this.gpu, label, layout, buffers);
    const grid = linearGrid(length, this.workgroupSize, this.gpu.limits.maxComputeWorkgroupsPerDimension);
    return { bindGroup, grid, destroy: () => params.destroy() };
  }

  private encode(
    pass: GPUComputePassEncoder,
    pipeline: GPUComputePipeline,
    binding: ActivationBinding,
  ): void {
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, binding.bindGroup);
    this.gpu.dispatch(pass, binding.grid);
  }
}
