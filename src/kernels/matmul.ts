// WGSL GEMM kernel (shaders/matmul.forward.wgsl): C = act(op(A) op(B) + bias). Bias, activation and
// tile sizes are fixed per pipeline in create(); transposes and split-K are chosen per binding.
// The building block of src/kernels/dense.ts; not an op of its own (no reference, no layer uses it
// directly). bind() checks shapes and buffer sizes and makes the bind group and params buffer once;
// encodeForward() only records. Adding split-K partials is the caller's job (split_sum).
// Backward fusions (options): gradientActivation multiplies C by an activation's slope, rowSums
// also writes the row sums of op(A); neither combines with split-K or bias.

import shaderCode from '../../shaders/matmul.forward.wgsl?raw';
import { ACTIVATION_CODE, validateActivation, type Activation } from '../ops/activation.ts';
import { requirePositiveInteger } from '../ops/validate.ts';
import { createBufferWithData } from '../runtime/buffers.ts';
import { ceilDiv, grid3d, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { bindBuffers, createComputeBindGroupLayout, createComputePipeline } from '../runtime/pipeline.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { requireWords } from './kernel_args.ts';

const OP = 'matmul';

/** Must match `struct MatmulParams` in the shader (a unit test compares the two). */
export const matmulUniforms = defineUniformLayout({
  m: 'u32',
  n: 'u32',
  k: 'u32',
  k_chunk: 'u32',
  transpose_a: 'u32',
  transpose_b: 'u32',
});

/** Each invocation computes an 8 x 8 block of C (16 vec4 accumulators in the shader). */
export const MATMUL_THREAD_BLOCK = 8;

/** Workgroup shape (both sides even) and K step; a workgroup computes 8 wgY x 8 wgX of C. */
export interface MatmulTiles {
  workgroupX: number;
  workgroupY: number;
  tileK: number;
}

/** 64 x 64 blocks of C with 64 invocations: the classic vec4 SGEMM shape for real GPUs. */
export const DEFAULT_MATMUL_TILES: Readonly<MatmulTiles> = { workgroupX: 8, workgroupY: 8, tileK: 16 };

export interface MatmulKernelOptions {
  /** Adds bias[n] to every row (needs a `bias` buffer in bind()). */
  bias?: boolean;
  activation?: Activation;
  tiles?: Partial<MatmulTiles>;
  /** Names the pipeline in errors and GPU debuggers. */
  label?: string;
  /** C *= act'(y), y = that activation's output [M, N] (bind it as `activationOutput`). */
  gradientActivation?: Activation;
  /** Also rowSums[m] = sum over k of op(A)[m, k] (bind a `rowSums` buffer of M floats). */
  rowSums?: boolean;
}

/** C[M, N] = op(A)[M, K] op(B)[K, N]; `splits` > 1 cuts K into that many chunks (split-K). */
export interface MatmulShape {
  m: number;
  n: number;
  k: number;
  splits?: number;
  /** A is stored [K, M] instead of [M, K]. */
  transposeA?: boolean;
  /** B is stored [N, K] instead of [K, N]. */
  transposeB?: boolean;
}

/** Outputs, then inputs: the shader's binding order. `result` holds splits * M * N floats. */
export interface MatmulBuffers {
  result: TensorBuffer;
  a: TensorBuffer;
  b: TensorBuffer;
  bias?: TensorBuffer;
  /** With gradientActivation: the activation's output y, [M, N]. */
  activationOutput?: TensorBuffer;
  /** With rowSums: M floats. */
  rowSums?: TensorBuffer;
}

export interface MatmulBinding {
  readonly bindGroup: GPUBindGroup;
  readonly grid: WorkgroupGrid;
  /** Chunks actually used (requested splits less any that would be empty); blocks in `result`. */
  readonly splits: number;
  destroy(): void;
}

/**
 * Workgroup memory the two vec4 tiles take, mirroring A_STRIDE / B_STRIDE in the shader: tileK rows
 * of (block / 4 + 1) vec4s each, the + 1 making the row stride odd.
 */
export function matmulWorkgroupBytes(t: MatmulTiles): number {
  const strideA = (t.workgroupY * MATMUL_THREAD_BLOCK) / 4 + 1;
  const strideB = (t.workgroupX * MATMUL_THREAD_BLOCK) / 4 + 1;
  return 16 * t.tileK * (strideA + strideB);
}

/** Fills defaults and throws unless the tiles fit this device's workgroup limits. */
export function resolveMatmulTiles(gpu: Gpu, tiles: Partial<MatmulTiles> = {}): MatmulTiles {
  const t = { ...DEFAULT_MATMUL_TILES, ...tiles };
  for (const field of ['workgroupX', 'workgroupY', 'tileK'] as const)
    requirePositiveInteger(OP, field, t[field]);
  if (t.workgroupX % 2 !== 0 || t.workgroupY % 2 !== 0) {
    // The k-major tile fills step WG_X / 2 (A) and WG_Y / 2 (B) rows of k per pass.
    const even = (side: number) => side + (side % 2);
    throw new RangeError(
      `${OP}: workgroup ${t.workgroupX}x${t.workgroupY} has an odd side; workgroupX and workgroupY ` +
        `must both be even (e.g. ${even(t.workgroupX)}x${even(t.workgroupY)})`,
    );
  }
  const l = gpu.limits;
  if (
    t.workgroupX > l.maxComputeWorkgroupSizeX ||
    t.workgroupY > l.maxComputeWorkgroupSizeY ||
    t.workgroupX * t.workgroupY > l.maxComputeInvocationsPerWorkgroup
  ) {
    throw new RangeError(
      `${OP}: workgroup ${t.workgroupX}x${t.workgroupY} exceeds this device's limits ` +
        `(${l.maxComputeWorkgroupSizeX}x${l.maxComputeWorkgroupSizeY}, ` +
        `${l.maxComputeInvocationsPerWorkgroup} invocations); choose a smaller workgroup`,
    );
  }
  const bytes = matmulWorkgroupBytes(t);
  if (bytes > l.maxComputeWorkgroupStorageSize) {
    throw new RangeError(
      `${OP}: tiles ${t.workgroupX}x${t.workgroupY}, tileK ${t.tileK} need ${bytes} bytes of workgroup ` +
        `memory, this device allows ${l.maxComputeWorkgroupStorageSize}; lower tileK or the workgroup size`,
    );
  }
  return t;
}

/** K per chunk (a multiple of tileK) and the number of non-empty chunks for `splits` requested. */
export function splitK(k: number, splits: number, tileK: number): { kChunk: number; splits: number } {
  const kChunk = ceilDiv(ceilDiv(k, splits), tileK) * tileK;
  return { kChunk, splits: ceilDiv(k, kChunk) };
}

/** About one workgroup per SM of a large GPU (H100: 132); a guess, not yet timed on one. */
const TARGET_WORKGROUPS = 128;
const MAX_SPLITS = 32;
/** A chunk shorter than this many K-steps costs more in partial-sum traffic than it gains. */
const MIN_CHUNK_STEPS = 4;

/**
 * How many chunks to cut K into so that an M x N GEMM runs about TARGET_WORKGROUPS workgroups:
 * 1 when the output alone has enough tiles or K is short, never more than MAX_SPLITS, and never
 * more partials than one storage binding of `maxBindingBytes` holds.
 */
export function chooseMatmulSplits(shape: MatmulShape, tiles: MatmulTiles, maxBindingBytes: number): number {
  const { m, n, k } = shape;
  const blocks =
    ceilDiv(m, tiles.workgroupY * MATMUL_THREAD_BLOCK) * ceilDiv(n, tiles.workgroupX * MATMUL_THREAD_BLOCK);
  const wanted = ceilDiv(TARGET_WORKGROUPS, blocks);
  const byLength = Math.floor(k / (MIN_CHUNK_STEPS * tiles.tileK));
  const capacity = Math.floor(maxBindingBytes / (4 * m * n));
  return Math.max(1, Math.min(wanted, byLength, capacity, MAX_SPLITS));
}

export class MatmulKernel {
  private constructor(
    private readonly gpu: Gpu,
    private readonly label: string,
    readonly tiles: MatmulTiles,
    readonly hasBias: boolean,
    readonly activation: Activation,
    readonly gradientActivation: Activation,
    readonly rowSums: boolean,
    private readonly layout: GPUBindGroupLayout,
    private readonly pipeline: GPUComputePipeline,
  ) {}

  static async create(gpu: Gpu, options: MatmulKernelOptions = {}): Promise<MatmulKernel> {
    const tiles = resolveMatmulTiles(gpu, options.tiles);
    const activation = options.activation ?? 'none';
    validateActivation(activation);
    const hasBias = options.bias ?? false;
    const gradientActivation = options.gradientActivation ?? 'none';
    validateActivation(gradientActivation);
    const rowSums = options.rowSums ?? false;
    const label = options.label ?? OP;
    if (gradientActivation !== 'none' && (hasBias || activation !== 'none')) {
      throw new Error(`${label}: gradientActivation cannot be combined with bias or activation`);
    }
    const layout = createComputeBindGroupLayout(gpu, label, [
      'storage',
      'read-only-storage',
      'read-only-storage',
      'read-only-storage',
      'uniform',
      ...(rowSums ? (['storage'] as const) : []),
    ]);
    const pipeline = await createComputePipeline(gpu, {
      label,
      code: shaderCode,
      entryPoint: rowSums ? 'main_row_sums' : 'main',
      bindGroupLayouts: [layout],
      constants: {
        WG_X: tiles.workgroupX,
        WG_Y: tiles.workgroupY,
        TILE_K: tiles.tileK,
        HAS_BIAS: Number(hasBias),
        ACTIVATION: ACTIVATION_CODE[activation],
        GRAD_ACTIVATION: ACTIVATION_CODE[gradientActivation],
      },
    });
    return new MatmulKernel(
      gpu,
      label,
      tiles,
      hasBias,
      activation,
      gradientActivation,
      rowSums,
      layout,
      pipeline,
    );
  }

  /** Rows and columns of C one workgroup computes. */
  get blockM(): number {
    return this.tiles.workgroupY * MATMUL_THREAD_BLOCK;
  }

  get blockN(): number {
    return this.tiles.workgroupX * MATMUL_THREAD_BLOCK;
  }

  /** Checks the shape against the buffers, then makes the params buffer and bind group once. */
  bind(buffers: MatmulBuffers, shape: MatmulShape): MatmulBinding {
    const { m, n, k } = shape;
    for (const field of ['m', 'n', 'k'] as const) requirePositiveInteger(this.label, field, shape[field]);
    const requested = shape.splits ?? 1;
    requirePositiveInteger(this.label, 'splits', requested);
    const { kChunk, splits } = splitK(k, requested, this.tiles.tileK);
    const fused = this.gradientActivation !== 'none' || this.rowSums;
    if (splits > 1 && (this.hasBias || this.activation !== 'none' || fused)) {
      throw new Error(
        `${this.label}: split-K (splits ${requested}) cannot be combined with bias or activation, ` +
          'because every partial would get them; use splits 1 or apply them after the split sum',
      );
    }
    if (this.hasBias !== (buffers.bias !== undefined)) {
      throw new Error(
        `${this.label}: the kernel was created with bias ${this.hasBias} but a bias buffer was ` +
          `${buffers.bias ? '' : 'not '}given; create and bind alike`,
      );
    }
    this.checkFusedBuffers(buffers);
    const { result, a, b, bias, activationOutput, rowSums } = buffers;
    requireWords(this.label, { result, a, b }, { result: splits * m * n, a: m * k, b: k * n });
    if (bias) requireWords(this.label, { bias }, { bias: n });
    if (activationOutput) requireWords(this.label, { activationOutput }, { activationOutput: m * n });
    if (rowSums) requireWords(this.label, { rowSums }, { rowSums: m });
    const transposes = {
      transpose_a: Number(shape.transposeA ?? false),
      transpose_b: Number(shape.transposeB ?? false),
    };
    const words = new Uint32Array(matmulUniforms.pack({ m, n, k, k_chunk: kChunk, ...transposes }));
    const params = createBufferWithData(this.gpu, `${this.label} params`, words, GPUBufferUsage.UNIFORM);
    // Binding 3 is read only with HAS_BIAS or GRAD_ACTIVATION; any storage buffer satisfies it otherwise.
    const bindGroup = bindBuffers(this.gpu, this.label, this.layout, [
      buffers.result,
      buffers.a,
      buffers.b,
      buffers.bias ?? buffers.activationOutput ?? buffers.a,
      params,
      ...(rowSums ? [rowSums] : []),
    ]);
    const grid = grid3d(
      [n, m, splits],
      [this.blockN, this.blockM, 1],
      this.gpu.limits.maxComputeWorkgroupsPerDimension,
    );
    return { bindGroup, grid, splits, destroy: () => params.destroy() };
  }

  /** Throws unless activationOutput and rowSums are given exactly when the pipeline uses them. */
  private checkFusedBuffers(buffers: MatmulBuffers): void {
    const wantsOutput = this.gradientActivation !== 'none';
    if (
      wantsOutput !== (buffers.activationOutput !== undefined) ||
      this.rowSums !== (buffers.rowSums !== undefined)
    ) {
      throw new Error(
        `${this.label}: give activationOutput exactly with gradientActivation (${this.gradientActivation}) ` +
          `and rowSums exactly with rowSums (${this.rowSums}); create and bind alike`,
      );
    }
  }

  /** Records the dispatch; no allocation, no submit. */
  encodeForward(pass: GPUComputePassEncoder, binding: MatmulBinding): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, binding.bindGroup);
    this.gpu.dispatch(pass, binding.grid);
  }
}
