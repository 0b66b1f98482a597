// WGSL kernels for dense (fully connected) layers. The three matrix passes run the GEMM of
// shaders/matmul.forward.wgsl (one pipeline with bias + activation fused, one plain one for
// everything else); a pass whose output has too few tiles to fill the GPU splits K and finishes
// with a fixed-order sum: dense.forward.wgsl (+ bias + activation) for the forward, split_sum for
// backward_weight. The bias gradient is a fixed-order column sum (dense.backward_bias.wgsl).
// Pipelines are prepared once in create(); bind*() make params buffers, bind groups and split-K
// partial buffers once per buffer set; encode*() only record. Weight is [out, in] like nn.Linear.
// The activation is fused into the forward only; its backward is src/kernels/activation.ts. Two
// backward fusions save dispatches: with options.inputActivation, backward_input also applies the
// slope of the activation that produced this layer's input (the previous layer's activation
// backward), and a backward_weight bound with dBias (no split-K) also writes the bias gradient
// (the GEMM's row sums, same order as dense.backward_bias.wgsl).
//
//   forward          output[batch, out] = act(input[batch, in] x weight^T + bias)   M=batch N=out K=in
//   backward_input   dInput[batch, in]  = dOut[batch, out] x weight[out, in]         M=batch N=in  K=out
//   backward_weight  dWeight[out, in]   = dOut^T x input[batch, in]                  M=out   N=in  K=batch
//   backward_bias    dBias[out]         = column sums of dOut, b = 0, 1, ... in order

import biasCode from '../../shaders/dense.backward_bias.wgsl?raw';
import forwardCode from '../../shaders/dense.forward.wgsl?raw';
import { ACTIVATION_CODE, type Activation } from '../ops/activation.ts';
import { denseShapes, validateDense, type DenseParams } from '../ops/dense.ts';
import { numel } from '../ops/types.ts';
import { createBufferWithData } from '../runtime/buffers.ts';
import { linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { bindBuffers, createComputeBindGroupLayout, createComputePipeline } from '../runtime/pipeline.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { checkWorkgroupSize, requireWords } from './kernel_args.ts';
import {
  chooseMatmulSplits,
  MatmulKernel,
  resolveMatmulTiles,
  splitK,
  type MatmulBinding,
  type MatmulBuffers,
  type MatmulShape,
  type MatmulTiles,
} from './matmul.ts';
import { SplitSumKernel, type SplitSumBinding } from './split_sum.ts';

const OP = 'dense';

/** Must match `struct DenseForwardParams` in shaders/dense.forward.wgsl (a unit test compares). */
export const denseForwardUniforms = defineUniformLayout({ batch: 'u32', out_features: 'u32', splits: 'u32' });
/** Must match `struct DenseBiasParams` in shaders/dense.backward_bias.wgsl (a unit test compares). */
export const denseBiasUniforms = defineUniformLayout({ batch: 'u32', out_features: 'u32' });

export interface DenseKernelOptions {
  /** Applied after the bias in the forward. */
  activation?: Activation;
  /** Tiles of the GEMM passes. */
  tiles?: Partial<MatmulTiles>;
  /** 1-D workgroup of the split-K finishing passes and the bias gradient. */
  workgroupSize?: number;
  /**
   * The activation whose output is this layer's input: backward_input then writes
   * dInput * act'(input), the previous layer's d loss / d pre-activation. Default 'none'.
   */
  inputActivation?: Activation;
}

/** Split-K chunks for a GEMM pass; undefined lets chooseMatmulSplits decide from the shape. */
export interface DenseSplitOptions {
  splits?: number;
}

/** Each interface lists outputs, then inputs: the bindings' order. */
export interface DenseForwardBuffers {
  output: TensorBuffer;
  input: TensorBuffer;
  weight: TensorBuffer;
  bias: TensorBuffer;
}

export interface DenseBackwardInputBuffers {
  dInput: TensorBuffer;
  dOut: TensorBuffer;
  weight: TensorBuffer;
  /** The forward's input, needed with inputActivation (the slope is taken from it). */
  input?: TensorBuffer;
}

export interface DenseBackwardWeightBuffers {
  dWeight: TensorBuffer;
  dOut: TensorBuffer;
  input: TensorBuffer;
  /** Also writes the bias gradient: in the same dispatch without split-K, else its own pass. */
  dBias?: TensorBuffer;
}

export interface DenseBackwardBiasBuffers {
  dBias: TensorBuffer;
  dOut: TensorBuffer;
}

/** A 1-D pass (split-K finish, bias gradient) bound to one buffer set. */
export interface DenseLinearBinding {
  readonly bindGroup: GPUBindGroup;
  readonly grid: WorkgroupGrid;
  destroy(): void;
}

/** A GEMM pass bound to one buffer set; whoever calls bind*() destroys it. */
export interface DenseGemmBinding<Finish = never> {
  /** The pipeline the binding was made for (plain or fused). */
  readonly gemm: MatmulKernel;
  readonly matmul: MatmulBinding;
  /** Chunks K was cut into; 1 means the GEMM writes the output directly. */
  readonly splits: number;
  /** Only with splits > 1: the pass that adds the partials in a fixed order. */
  readonly finish?: Finish;
  /** backward_weight with dBias and split-K only: the separate bias-gradient pass. */
  readonly bias?: DenseLinearBinding;
  destroy(): void;
}

/** Split-K finishes with dense.forward.wgsl (sum + bias + activation). */
export type DenseForwardBinding = DenseGemmBinding<DenseLinearBinding>;
/** Split-K finishes with split_sum. */
export type DenseBackwardWeightBinding = DenseGemmBinding<SplitSumBinding>;

export class DenseKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly tiles: MatmulTiles,
    readonly workgroupSize: number,
    readonly activation: Activation,
    readonly inputActivation: Activation,
    private readonly gemms: Record<'fused' | 'plain' | 'rowSums' | 'inputGradient', MatmulKernel>,
    private readonly splitSum: SplitSumKernel,
    private readonly linear: { forward: LinearPipeline; bias: LinearPipeline },
  ) {}

  static async create(gpu: Gpu, options: DenseKernelOptions = {}): Promise<DenseKernel> {
    const tiles = resolveMatmulTiles(gpu, options.tiles);
    const workgroupSize = checkWorkgroupSize(gpu, OP, options.workgroupSize, 64);
    const activation = options.activation ?? 'none';
    const inputActivation = options.inputActivation ?? 'none';
    const constants = { WORKGROUP_SIZE: workgroupSize };
    const plainGemm = MatmulKernel.create(gpu, { tiles, label: `${OP} gemm` });
    const [fused, plain, rowSums, inputGradient, splitSum, forward, bias] = await Promise.all([
      MatmulKernel.create(gpu, { tiles, bias: true, activation, label: `${OP}.forward (${activation})` }),
      plainGemm,
      MatmulKernel.create(gpu, { tiles, rowSums: true, label: `${OP}.backward_weight + bias` }),
      inputActivation === 'none'
        ? plainGemm
        : MatmulKernel.create(gpu, {
            tiles,
            gradientActivation: inputActivation,
            label: `${OP}.backward_input (${inputActivation}')`,
          }),
      SplitSumKernel.create(gpu, { workgroupSize }),
      createLinearPipeline(gpu, `${OP}.forward`, forwardCode, 2, {
        ...constants,
        ACTIVATION: ACTIVATION_CODE[activation],
      }),
      createLinearPipeline(gpu, `${OP}.backward_bias`, biasCode, 1, constants),
    ]);
    const gemms = { fused, plain, rowSums, inputGradient };
    return new DenseKernel(gpu, tiles, workgroupSize, activation, inputActivation, gemms, splitSum, {
      forward,
      bias,
    });
  }

  /** Fused bias + activation, or (split-K) raw partials then dense.forward adds bias, applies act. */
  bindForward(
    buffers: DenseForwardBuffers,
    p: DenseParams,
    options: DenseSplitOptions = {},
  ): DenseForwardBinding {
    const label = `${OP}.forward`;
    checkBuffers(label, p, buffers, { output: 'output', input: 'input', weight: 'weight', bias: 'bias' });
    const { output, input: a, weight: b, bias } = buffers;
    const shape = this.plan({ m: p.batch, n: p.outFeatures, k: p.inFeatures, transposeB: true }, options);
    if (shape.splits === 1) return single(this.gemms.fused, { result: output, a, b, bias }, shape);
    const partials = this.createPartials(label, shape);
    const gemm = this.gemms.plain;
    const matmul = gemm.bind({ result: partials, a, b }, shape);
    const words = denseForwardUniforms.pack({
      batch: p.batch,
      out_features: p.outFeatures,
      splits: shape.splits,
    });
    const finish = this.linear.forward.bind([output, partials, bias], words, p.batch * p.outFeatures);
    return {
      gemm,
      matmul,
      splits: shape.splits,
      finish,
      destroy: () => destroyAll(matmul, finish, partials),
    };
  }

  bindBackwardInput(buffers: DenseBackwardInputBuffers, p: DenseParams): DenseGemmBinding {
    checkBuffers(`${OP}.backward_input`, p, buffers, { dInput: 'input', dOut: 'output', weight: 'weight' });
    const { dInput: result, dOut: a, weight: b, input } = buffers;
    const shape = { m: p.batch, n: p.inFeatures, k: p.outFeatures };
    // K = outFeatures is short next to M x N in every layer of the reference networks: no split.
    if (this.inputActivation === 'none') return single(this.gemms.plain, { result, a, b }, shape);
    if (!input) {
      throw new RangeError(
        `${OP}.backward_input: a kernel with inputActivation '${this.inputActivation}' needs the input buffer`,
      );
    }
    checkBuffers(`${OP}.backward_input`, p, { input }, { input: 'input' });
    return single(this.gemms.inputGradient, { result, a, b, activationOutput: input }, shape);
  }

  /** Split-K over the batch when the weight gradient has too few tiles; the sum is fixed-order. */
  bindBackwardWeight(
    buffers: DenseBackwardWeightBuffers,
    p: DenseParams,
    options: DenseSplitOptions = {},
  ): DenseBackwardWeightBinding {
    const label = `${OP}.backward_weight`;
    checkBuffers(label, p, buffers, { dWeight: 'weight', dOut: 'output', input: 'input' });
    const { dWeight, dOut: a, input: b, dBias } = buffers;
    const shape = this.plan({ m: p.outFeatures, n: p.inFeatures, k: p.batch, transposeA: true }, options);
    if (shape.splits === 1) {
      if (!dBias) return single(this.gemms.plain, { result: dWeight, a, b }, shape);
      checkBuffers(label, p, { dBias }, { dBias: 'bias' });
      return single(this.gemms.rowSums, { result: dWeight, a, b, rowSums: dBias }, shape);
    }
    const partials = this.createPartials(label, shape);
    const gemm = this.gemms.plain;
    const matmul = gemm.bind({ result: partials, a, b }, shape);
    const length = p.outFeatures * p.inFeatures;
    const finish = this.splitSum.bind({ out: dWeight, parts: partials }, { length, splits: shape.splits });
    const bias = dBias ? this.bindBackwardBias({ dBias, dOut: a }, p) : undefined;
    const destroy = () => destroyAll(matmul, finish, partials, ...(bias ? [bias] : []));
    return { gemm, matmul, splits: shape.splits, finish, bias, destroy };
  }

  bindBackwardBias(buffers: DenseBackwardBiasBuffers, p: DenseParams): DenseLinearBinding {
    checkBuffers(`${OP}.backward_bias`, p, buffers, { dBias: 'bias', dOut: 'output' });
    const words = denseBiasUniforms.pack({ batch: p.batch, out_features: p.outFeatures });
    return this.linear.bias.bind([buffers.dBias, buffers.dOut], words, p.outFeatures);
  }

  encodeForward(pass: GPUComputePassEncoder, binding: DenseForwardBinding): void {
    if (binding.finish) {
      binding.gemm.encodeForward(pass, binding.matmul);
      this.linear.forward.encode(pass, binding.finish);
    } else {
      binding.gemm.encodeForward(pass, binding.matmul);
    }
  }

  encodeBackwardInput(pass: GPUComputePassEncoder, binding: DenseGemmBinding): void {
    binding.gemm.encodeForward(pass, binding.matmul);
  }

  /**
   * The GEMM (with dBias: + row sums), then (split-K only) the fixed-order sum and, with dBias,
   * the bias pass; dispatches in one pass run in order.
   */
  encodeBackwardWeight(pass: GPUComputePassEncoder, binding: DenseBackwardWeightBinding): void {
    binding.gemm.encodeForward(pass, binding.matmul);
    if (binding.finish) this.splitSum.encodeForward(pass, binding.finish);
    if (binding.bias) this.linear.bias.encode(pass, binding.bias);
  }

  encodeBackwardBias(pass: GPUComputePassEncoder, binding: DenseLinearBinding): void {
    this.linear.bias.encode(pass, binding);
  }

  /** The shape with its split count settled: requested or chosen, less any empty chunks. */
  private plan(shape: MatmulShape, options: DenseSplitOptions): MatmulShape & { splits: number } {
    const requested =
      options.splits ?? chooseMatmulSplits(shape, this.tiles, this.gpu.limits.maxStorageBufferBindingSize);
    return { ...shape, splits: splitK(shape.k, requested, this.tiles.tileK).splits };
  }

  private createPartials(label: string, shape: MatmulShape & { splits: number }): GPUBuffer {
    const size = 4 * shape.splits * shape.m * shape.n;
    return this.gpu.createBuffer({ label: `${label} partials`, size, usage: GPUBufferUsage.STORAGE });
  }
}

function single<Finish>(
  gemm: MatmulKernel,
  buffers: MatmulBuffers,
  shape: MatmulShape,
): DenseGemmBinding<Finish> {
  const matmul = gemm.bind(buffers, shape);
  return { gemm, matmul, splits: 1, destroy: () => matmul.destroy() };
}

function destroyAll(...things: { destroy(): void }[]): void {
  for (const thing of things) thing.destroy();
}

type DenseTensor = keyof ReturnType<typeof denseShapes>;

/** Validates p and that each buffer holds the tensor it stands for. */
function checkBuffers(
  label: string,
  p: DenseParams,
  buffers: object,
  tensorOf: Record<string, DenseTensor>,
): void {
  validateDense(p);
  const shapes = denseShapes(p);
  const needed = Object.fromEntries(Object.entries(tensorOf).map(([name, t]) => [name, numel(shapes[t])]));
  requireWords(label, buffers as Record<string, TensorBuffer>, needed);
}

/** A 1-D-grid pipeline: one written storage binding, `inputs` read-only ones, then one uniform. */
interface LinearPipeline {
  bind(buffers: readonly TensorBuffer[], params: ArrayBuffer, invocations: number): DenseLinearBinding;
  encode(pass: GPUComputePassEncoder, binding: DenseLinearBinding): void;
}

async function createLinearPipeline(
  gpu: Gpu,
  label: string,
  code: string,
  inputs: number,
  constants: Record<string, number>,
): Promise<LinearPipeline> {
  const kinds = [
    'storage',
    ...Array<'read-only-storage'>(inputs).fill('read-only-storage'),
    'uniform',
  ] as const;
  const layout = createComputeBindGroupLayout(gpu, label, kinds);
  const pipeline = await createComputePipeline(gpu, { label, code, bindGroupLayouts: [layout], constants });
  const workgroupSize = constants.WORKGROUP_SIZE;
  return {
    bind(buffers, params, invocations) {
      const uniform = createBufferWithData(
        gpu,
        `${label} params`,
        new Uint32Array(params),
        GPUBufferUsage.UNIFORM,
      );
      const bindGroup = bindBuffers(gpu, label, layout, [...buffers, uniform]);
      const grid = linearGrid(invocations, workgroupSize, gpu.limits.maxComputeWorkgroupsPerDimension);
      return { bindGroup, grid, destroy: () => uniform.destroy() };
    },
    encode(pass, binding) {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, binding.bindGroup);
      gpu.dispatch(pass, binding.grid);
    },
  };
}
