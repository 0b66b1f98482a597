// Loss, accuracy and confusion counts that accumulate on the GPU (metrics_accumulate) and come
// back with one asynchronous readback: one accumulator for training steps, one for evaluation.
// Buffers, bindings and the staging buffer are made once; a read copies the totals into the
// staging buffer, zeroes them in the same submit, and maps the copy. At most one read per
// accumulator is in flight: a second one waits for the first (reads are chained).
// Not the metrics' meaning (backend.ts) and no training logic.

import {
  metricsTotalsBytes,
  parseMetricsTotals,
  type MetricsAccumulateBinding,
  type MetricsAccumulateKernel,
  type MetricsTotals,
} from '../kernels/metrics_accumulate.ts';
import type { Gpu } from '../runtime/gpu.ts';

/** Loss slots: successive batches add to slot n % SLOTS, so an f32 slot holds few additions. */
export const METRIC_SLOTS = 1024;

export interface MetricsSources {
  lossPerRow: GPUBuffer;
  logits: GPUBuffer;
  labels: GPUBuffer;
  batch: number;
  classes: number;
}

export interface MetricsReading extends MetricsTotals {
  /** classes x classes counts (row = label), only from an accumulator made with `confusion`. */
  confusion: Uint32Array | null;
}

export class GpuMetricsAccumulator {
  private readonly totals: GPUBuffer;
  private readonly confusion: GPUBuffer | null;
  private readonly staging: GPUBuffer;
  private readonly full: MetricsAccumulateBinding;
  /** The same sources with fewer rows: a last, partial batch. */
  private readonly partial: MetricsAccumulateBinding;
  private readonly totalsBytes = metricsTotalsBytes(METRIC_SLOTS);
  private readonly confusionBytes: number;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly gpu: Gpu,
    private readonly kernel: MetricsAccumulateKernel,
    private readonly sources: MetricsSources,
    withConfusion: boolean,
  ) {
    const { classes, batch } = sources;
    this.confusionBytes = withConfusion ? 4 * classes * classes : 0;
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.totals = gpu.createBuffer({ label: 'metrics totals', size: this.totalsBytes, usage });
    this.confusion = withConfusion
      ? gpu.createBuffer({ label: 'metrics confusion', size: this.confusionBytes, usage })
      : null;
    this.staging = gpu.createBuffer({
      label: 'metrics readback',
      size: this.totalsBytes + this.confusionBytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const buffers = {
      totals: this.totals,
      ...(this.confusion ? { confusion: this.confusion } : {}),
      ...sources,
    };
    this.full = kernel.bind(buffers, { rows: batch, classes, slots: METRIC_SLOTS });
    this.partial = kernel.bind(buffers, { rows: batch, classes, slots: METRIC_SLOTS });
  }

  /** Records the accumulation of the batch now in the sources (all rows, or `rows` of the partial binding). */
  encode(pass: GPUComputePassEncoder, partial = false): void {
    this.kernel.encodeForward(pass, partial ? this.partial : this.full);
  }

  /** Sets the rows the partial binding counts, from the next submit on. */
  setPartialRows(rows: number): void {
    const { classes } = this.sources;
    this.kernel.writeParams(this.partial, { rows, classes, slots: METRIC_SLOTS });
  }

  /**
   * Reads and zeroes the totals after everything submitted so far (and whatever `record` adds
   * first, in the same submit). `snapshot` runs when the copy is recorded, so host-side counters
   * taken there match the GPU totals exactly.
   */
  read<T>(
    record: (encoder: GPUCommandEncoder) => void,
    snapshot: () => T,
  ): Promise<{ reading: MetricsReading; snapshot: T }> {
    const next = this.chain.then(() => this.readNow(record, snapshot));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async readNow<T>(record: (encoder: GPUCommandEncoder) => void, snapshot: () => T) {
    const encoder = this.gpu.device.createCommandEncoder({ label: 'metrics readback' });
    record(encoder);
    encoder.copyBufferToBuffer(this.totals, 0, this.staging, 0, this.totalsBytes);
    encoder.clearBuffer(this.totals);
    if (this.confusion) {
      encoder.copyBufferToBuffer(this.confusion, 0, this.staging, this.totalsBytes, this.confusionBytes);
      encoder.clearBuffer(this.confusion);
    }
    this.gpu.submit([encoder.finish()]);
    const taken = snapshot();
    await this.gpu.mapAsync(this.staging, GPUMapMode.READ);
    try {
      const bytes = this.staging.getMappedRange().slice(0);
      const totals = parseMetricsTotals(bytes, METRIC_SLOTS);
      const confusion = this.confusion ? new Uint32Array(bytes, this.totalsBytes) : null;
      return { reading: { ...totals, confusion }, snapshot: taken };
    } finally {
      this.staging.unmap();
    }
  }

  destroy(): void {
    this.full.destroy();
    this.partial.destroy();
    this.totals.destroy();
    this.confusion?.destroy();
    this.staging.destroy();
  }
}
