// WGSL kernel for metrics_accumulate (shaders/metrics_accumulate.forward.wgsl): adds one batch's
// loss sum, correct count and (optionally) confusion counts to totals that stay on the GPU, so a
// training loop reads its metrics back once every N steps. Pipelines (with and without the
// confusion matrix) are prepared once in create(); bind() makes the params uniform and bind group
// once per buffer set; writeParams() rewrites the uniform (queue.writeBuffer, no new buffer);
// encodeForward() only records. Reading the totals back is the caller's job (parseMetricsTotals).

import shaderCode from '../../shaders/metrics_accumulate.forward.wgsl?raw';
import type { Gpu } from '../runtime/gpu.ts';
import { bindBuffers, createComputeBindGroupLayout, createComputePipeline } from '../runtime/pipeline.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { checkWorkgroupSize, requireWords } from './kernel_args.ts';

const OP = 'metrics_accumulate';

/** Must match `struct MetricsAccumulateParams` in the shader (a unit test compares the two). */
export const metricsAccumulateUniforms = defineUniformLayout({ rows: 'u32', classes: 'u32', slots: 'u32' });

export interface MetricsAccumulateParams {
  /** Rows of the batch to count (the rest is padding). */
  rows: number;
  classes: number;
  /** Loss slots in `totals`; batch n adds to slot n % slots. */
  slots: number;
}

/** Bytes of a totals buffer with `slots` loss slots: batches u32, correct u32, slots f32. */
export function metricsTotalsBytes(slots: number): number {
  return 8 + 4 * slots;
}

export interface MetricsTotals {
  batches: number;
  correct: number;
  /** The slots added in doubles. */
  lossSum: number;
}

/** Reads a totals buffer's bytes (as copied back from the GPU). */
export function parseMetricsTotals(bytes: ArrayBuffer, slots: number): MetricsTotals {
  const words = new Uint32Array(bytes, 0, 2);
  const sums = new Float32Array(bytes, 8, slots);
  let lossSum = 0;
  for (const value of sums) lossSum += value;
  return { batches: words[0], correct: words[1], lossSum };
}

/** Outputs, then inputs (the shader's binding order). Each needs STORAGE usage. */
export interface MetricsAccumulateBuffers {
  /** metricsTotalsBytes(slots) bytes, zeroed before the first batch. */
  totals: TensorBuffer;
  /** u32 [classes * classes], zeroed; omit to skip the confusion matrix. */
  confusion?: TensorBuffer;
  lossPerRow: TensorBuffer;
  logits: TensorBuffer;
  labels: TensorBuffer;
}

export interface MetricsAccumulateBinding {
  readonly bindGroup: GPUBindGroup;
  readonly confusion: boolean;
  readonly paramsBuffer: GPUBuffer;
  destroy(): void;
}

export interface MetricsAccumulateKernelOptions {
  /** A power of two; default 64. */
  workgroupSize?: number;
}

export class MetricsAccumulateKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly workgroupSize: number,
    private readonly layout: GPUBindGroupLayout,
    private readonly plain: GPUComputePipeline,
    private readonly withConfusion: GPUComputePipeline,
  ) {}

  static async create(
    gpu: Gpu,
    options: MetricsAccumulateKernelOptions = {},
  ): Promise<MetricsAccumulateKernel> {
    const workgroupSize = checkWorkgroupSize(gpu, OP, options.workgroupSize, 64);
    if ((workgroupSize & (workgroupSize - 1)) !== 0) {
      throw new RangeError(
        `${OP}: workgroupSize must be a power of two (tree reduction), got ${workgroupSize}`,
      );
    }
    const layout = createComputeBindGroupLayout(gpu, `${OP}.forward`, [
      'storage',
      'storage',
      'read-only-storage',
      'read-only-storage',
      'read-only-storage',
      'uniform',
    ]);
    const pipeline = (confusion: number) =>
      createComputePipeline(gpu, {
        label: `${OP}.forward${confusion ? ' (confusion)' : ''}`,
        code: shaderCode,
        bindGroupLayouts: [layout],
        constants: { WORKGROUP_SIZE: workgroupSize, CONFUSION: confusion },
      });
    const [plain, withConfusion] = await Promise.all([pipeline(0), pipeline(1)]);
    return new MetricsAccumulateKernel(gpu, workgroupSize, layout, plain, withConfusion);
  }

  /** Checks sizes, then makes the params uniform (and a placeholder confusion buffer) and bind group once. */
  bind(buffers: MetricsAccumulateBuffers, p: MetricsAccumulateParams): MetricsAccumulateBinding {
    checkParams(p);
    const { totals, confusion, lossPerRow, logits, labels } = buffers;
    requireWords(
      OP,
      { totals, lossPerRow, logits, labels },
      { totals: 2 + p.slots, lossPerRow: p.rows, logits: p.rows * p.classes, labels: p.rows },
    );
    if (confusion) requireWords(OP, { confusion }, { confusion: p.classes * p.classes });
    const owned: GPUBuffer[] = [];
    const make = (label: string, size: number, usage: GPUBufferUsageFlags) => {
      const buffer = this.gpu.createBuffer({ label: `${OP} ${label}`, size, usage });
      owned.push(buffer);
      return buffer;
    };
    const paramsBuffer = make(
      'params',
      metricsAccumulateUniforms.byteSize,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    );
    // The layout needs a buffer at binding 1 even when the pipeline without confusion ignores it.
    const confusionBuffer = confusion ?? make('no confusion', 16, GPUBufferUsage.STORAGE);
    const bindGroup = bindBuffers(this.gpu, `${OP}.forward`, this.layout, [
      totals,
      confusionBuffer,
      lossPerRow,
      logits,
      labels,
      paramsBuffer,
    ]);
    const binding = {
      bindGroup,
      confusion: confusion !== undefined,
      paramsBuffer,
      destroy: () => owned.forEach((buffer) => buffer.destroy()),
    };
    this.writeParams(binding, p);
    return binding;
  }

  /** Rewrites the binding's params for the next submit (e.g. the rows of a last partial batch). */
  writeParams(binding: MetricsAccumulateBinding, p: MetricsAccumulateParams): void {
    checkParams(p);
    this.gpu.device.queue.writeBuffer(binding.paramsBuffer, 0, metricsAccumulateUniforms.pack({ ...p }));
  }

  /** Records the one-workgroup dispatch; no allocation, no submit. */
  encodeForward(pass: GPUComputePassEncoder, binding: MetricsAccumulateBinding): void {
    pass.setPipeline(binding.confusion ? this.withConfusion : this.plain);
    pass.setBindGroup(0, binding.bindGroup);
    this.gpu.dispatch(pass, { x: 1, y: 1, z: 1 });
  }
}

function checkParams(p: MetricsAccumulateParams): void {
  for (const [name, value] of Object.entries(p)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${OP}: ${name} must be a whole number >= 1, got ${value}`);
    }
  }
}
