// GPU conv_transpose2d: no GEMM of its own. Its passes record the conv2d kernels' pipelines with
// the roles swapped (the conv2d of convTranspose2dAsConv2d(p)), which keeps one tuned implicit GEMM
// for both ops:
//   forward         = conv2d backward_input (dInput := output, dOut := input), then an in-place
//                     bias + activation epilogue (shaders/conv_transpose2d.forward.wgsl)
//   backward_input  = conv2d forward with a zero bias and no activation
//   backward_weight = conv2d backward_weight with input := dOut, dOut := input (same weight layout)
//   backward_bias   = conv2d backward_bias of a 1x1 conv2d whose output has the convT output's shape
// Not a layer: no activation backward (use ActivationKernel), no allocation of the tensors.

import epilogueCode from '../../shaders/conv_transpose2d.forward.wgsl?raw';
import { ACTIVATION_CODE, validateActivation, type Activation } from '../ops/activation.ts';
import type { Conv2dParams } from '../ops/conv2d.ts';
import {
  convTranspose2dAsConv2d,
  convTranspose2dOutputSize,
  convTranspose2dShapes,
  validateConvTranspose2d,
  type ConvTranspose2dParams,
} from '../ops/conv_transpose2d.ts';
import { numel } from '../ops/types.ts';
import { createBufferWithData } from '../runtime/buffers.ts';
import { linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { bindBuffers, createComputeBindGroupLayout, createComputePipeline } from '../runtime/pipeline.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import {
  Conv2dKernel,
  type Conv2dBackwardBinding,
  type Conv2dForwardBinding,
  type Conv2dKernelOptions,
} from './conv2d.ts';
import { checkWorkgroupSize, requireWords } from './kernel_args.ts';

const OP = 'conv_transpose2d';

/** Must match `struct BiasActivationParams` in conv_transpose2d.forward.wgsl (a unit test compares). */
export const convTranspose2dEpilogueUniforms = defineUniformLayout({
  length: 'u32',
  channels: 'u32',
  plane: 'u32',
});

export interface ConvTranspose2dKernelOptions {
  /** Applied after the bias in the forward epilogue. Default 'none'. */
  activation?: Activation;
  /**
   * Share this conv2d kernel's pipelines. One with activation 'none' is used as is; another gets a
   * variant without activation (with default split targets: conv2d's variant() does not copy them).
   */
  conv?: Conv2dKernel;
  /** Tiles and split targets of a new conv2d kernel, when `conv` is not given. */
  convOptions?: Omit<Conv2dKernelOptions, 'activation'>;
  /** Workgroup size of the epilogue. Default 256. */
  workgroupSize?: number;
}

export interface ConvTranspose2dForwardBuffers {
  output: TensorBuffer;
  input: TensorBuffer;
  weight: TensorBuffer;
  bias: TensorBuffer;
}

/** dInput needs `weight`; dWeight needs `input`; dBias only dOut. Omit outputs a layer does not need. */
export interface ConvTranspose2dBackwardBuffers {
  dOut: TensorBuffer;
  dInput?: TensorBuffer;
  weight?: TensorBuffer;
  dWeight?: TensorBuffer;
  input?: TensorBuffer;
  dBias?: TensorBuffer;
}

export interface ConvTranspose2dForwardBinding {
  readonly params: Readonly<ConvTranspose2dParams>;
  readonly gemm: Conv2dBackwardBinding;
  readonly epilogue: { readonly bindGroup: GPUBindGroup; readonly grid: WorkgroupGrid };
  destroy(): void;
}

export interface ConvTranspose2dBackwardBinding {
  readonly params: Readonly<ConvTranspose2dParams>;
  readonly input?: Conv2dForwardBinding;
  readonly weight?: Conv2dBackwardBinding;
  readonly bias?: Conv2dBackwardBinding;
  destroy(): void;
}

/** The 1x1 conv2d whose output is [batch, outC, outH, outW]: its bias gradient is the convT's. */
function biasAsConv2d(p: ConvTranspose2dParams): Conv2dParams {
  const { outHeight, outWidth } = convTranspose2dOutputSize(p);
  return {
    batch: p.batch,
    inChannels: 1,
    inHeight: outHeight,
    inWidth: outWidth,
    outChannels: p.outChannels,
    kernelH: 1,
    kernelW: 1,
    stride: 1,
    padding: 0,
  };
}

export class ConvTranspose2dKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly activation: Activation,
    readonly workgroupSize: number,
    /** Activation 'none': its forward pipeline is the convT's backward_input. */
    readonly conv: Conv2dKernel,
    private readonly layout: GPUBindGroupLayout,
    private readonly pipeline: GPUComputePipeline,
  ) {}

  static async create(gpu: Gpu, options: ConvTranspose2dKernelOptions = {}): Promise<ConvTranspose2dKernel> {
    const activation = options.activation ?? 'none';
    validateActivation(activation);
    const workgroupSize = checkWorkgroupSize(gpu, OP, options.workgroupSize, 256);
    const layout = createComputeBindGroupLayout(gpu, `${OP}.forward`, [
      'storage',
      'read-only-storage',
      'uniform',
    ]);
    const [conv, pipeline] = await Promise.all([
      !options.conv
        ? Conv2dKernel.create(gpu, { ...options.convOptions, activation: 'none' })
        : options.conv.activation === 'none'
          ? options.conv // used as is, so its split targets are kept (variant() would reset them)
          : options.conv.variant({ activation: 'none' }),
      createComputePipeline(gpu, {
        label: `${OP}.forward epilogue (${activation})`,
        code: epilogueCode,
        bindGroupLayouts: [layout],
        constants: { WORKGROUP_SIZE: workgroupSize, ACTIVATION: ACTIVATION_CODE[activation] },
      }),
    ]);
    return new ConvTranspose2dKernel(gpu, activation, workgroupSize, conv, layout, pipeline);
  }

  /** Prepares output = act(convT(input, weight) + bias); destroy the binding when done. */
  bindForward(
    buffers: ConvTranspose2dForwardBuffers,
    p: ConvTranspose2dParams,
  ): ConvTranspose2dForwardBinding {
    validateConvTranspose2d(p);
    const shapes = convTranspose2dShapes(p);
    const length = numel(shapes.output);
    // Checked here so errors name the convT's tensors, not the swapped conv2d roles.
    const words = {
      output: length,
      input: numel(shapes.input),
      weight: numel(shapes.weight),
      bias: p.outChannels,
    };
    requireWords(`${OP} forward`, { ...buffers }, words);
    const gemm = this.conv.bindBackward(
      { dOut: buffers.input, dInput: buffers.output, weight: buffers.weight },
      convTranspose2dAsConv2d(p),
    );
    let params: GPUBuffer | undefined;
    try {
      const plane = shapes.output[2] * shapes.output[3];
      const words = convTranspose2dEpilogueUniforms.pack({ length, channels: p.outChannels, plane });
      params = createBufferWithData(
        this.gpu,
        `${OP}.forward params`,
        new Uint32Array(words),
        GPUBufferUsage.UNIFORM,
      );
      const bindGroup = bindBuffers(this.gpu, `${OP}.forward`, this.layout, [
        buffers.output,
        buffers.bias,
        params,
      ]);
      const grid = linearGrid(length, this.workgroupSize, this.gpu.limits.maxComputeWorkgroupsPerDimension);
      const owned = params;
      return {
        params: { ...p },
        gemm,
        epilogue: { bindGroup, grid },
        destroy: () => {
          gemm.destroy();
          owned.destroy();
        },
      };
    } catch (error) {
      gemm.destroy();
      params?.destroy();
      throw error;
    }
  }

  /** Prepares the backward passes whose outputs are given; destroy the binding when done. */
  bindBackward(
    buffers: ConvTranspose2dBackwardBuffers,
    p: ConvTranspose2dParams,
  ): ConvTranspose2dBackwardBinding {
    validateConvTranspose2d(p);
    const { dOut, dInput, weight, dWeight, input, dBias } = buffers;
    if (!dInput && !dWeight && !dBias)
      throw new RangeError(`${OP} backward: give at least one of dInput, dWeight, dBias`);
    if (dInput && !weight) throw new RangeError(`${OP} backward: dInput needs the weight buffer`);
    if (dWeight && !input) throw new RangeError(`${OP} backward: dWeight needs the input buffer`);
    const shapes = convTranspose2dShapes(p);
    const words: Record<string, number> = { dOut: numel(shapes.output) };
    if (dInput) Object.assign(words, { dInput: numel(shapes.input), weight: numel(shapes.weight) });
    if (dWeight) Object.assign(words, { dWeight: numel(shapes.weight), input: numel(shapes.input) });
    if (dBias) words.dBias = p.outChannels;
    requireWords(`${OP} backward`, { ...buffers } as Record<string, TensorBuffer>, words);
    const q = convTranspose2dAsConv2d(p);
    const made: { destroy(): void }[] = [];
    const keep = <T extends { destroy(): void }>(x: T): T => (made.push(x), x);
    try {
      let inputPass: Conv2dForwardBinding | undefined;
      if (dInput && weight) {
        // conv2d forward always adds a bias: give it zeros (owned by this binding).
        const zeros = keep(
          createBufferWithData(
            this.gpu,
            `${OP} zero bias`,
            new Float32Array(p.inChannels),
            GPUBufferUsage.STORAGE,
          ),
        );
        inputPass = keep(this.conv.bindForward({ output: dInput, input: dOut, weight, bias: zeros }, q));
      }
      const weightPass =
        dWeight && input ? keep(this.conv.bindBackward({ dOut: input, dWeight, input: dOut }, q)) : undefined;
      const biasPass = dBias ? keep(this.conv.bindBackward({ dOut, dBias }, biasAsConv2d(p))) : undefined;
      return {
        params: { ...p },
        input: inputPass,
        weight: weightPass,
        bias: biasPass,
        destroy: () => made.forEach((x) => x.destroy()),
      };
    } catch (error) {
      made.forEach((x) => x.destroy());
      throw error;
    }
  }

  /** The scatter GEMM (conv2d backward_input), then bias + activation in place. */
  encodeForward(pass: GPUComputePassEncoder, binding: ConvTranspose2dForwardBinding): void {
    this.conv.encodeBackwardInput(pass, binding.gemm);
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, binding.epilogue.bindGroup);
    this.gpu.dispatch(pass, binding.epilogue.grid);
  }

  /** dInput (overwritten) = conv2d forward of dOut. */
  encodeBackwardInput(pass: GPUComputePassEncoder, binding: ConvTranspose2dBackwardBinding): void {
    this.conv.encodeForward(pass, required(binding.input, 'backward_input', 'dInput'));
  }

  /** dWeight (overwritten), reduced over batch and pixels without atomics (split_sum). */
  encodeBackwardWeight(pass: GPUComputePassEncoder, binding: ConvTranspose2dBackwardBinding): void {
    this.conv.encodeBackwardWeight(pass, required(binding.weight, 'backward_weight', 'dWeight'));
  }

  /** dBias (overwritten). */
  encodeBackwardBias(pass: GPUComputePassEncoder, binding: ConvTranspose2dBackwardBinding): void {
    this.conv.encodeBackwardBias(pass, required(binding.bias, 'backward_bias', 'dBias'));
  }
}

function required<T>(pass: T | undefined, name: string, output: string): T {
  if (!pass) throw new Error(`${OP} ${name}: the binding was made without the ${output} buffer`);
  return pass;
}
