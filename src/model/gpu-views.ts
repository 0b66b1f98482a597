// What the GPU backend adds for the live views (Backend.probe, readParameters, parameterStats, and
// evaluate's per-example predictions), kept out of gpu-backend.ts. The probe network and the
// statistics bindings are made on first use, so a backend that is never watched pays nothing.
// Everything here is queued after the training already submitted and read back asynchronously.

import { readBuffer } from '../runtime/buffers.ts';
import type { Gpu } from '../runtime/gpu.ts';
import type { OptimizerSettings, ParameterTensorStats, ProbeResult } from './backend.ts';
import { argmaxRows, checkParameterRange } from './backend-views.ts';
import type { NetworkKernels } from './gpu-kernels.ts';
import type { GpuNetworkPlan } from './gpu-plan.ts';
import { GpuProbe } from './gpu-probe.ts';
import { GpuParameterStats } from './gpu-stats.ts';

export class GpuViews {
  private prober: GpuProbe | null = null;
  private stats: GpuParameterStats | null = null;
  private statsCreated: Promise<GpuParameterStats> | null = null;
  private destroyed = false;

  constructor(
    private readonly gpu: Gpu,
    private readonly kernels: NetworkKernels,
    private readonly plan: GpuNetworkPlan,
  ) {}

  async probe(images: Float32Array, count: number): Promise<ProbeResult> {
    return this.probeNetwork().run(images, count);
  }

  /** A probe that reads back only the logits, [count, classes] (GpuBackend.probeLogits). */
  async probeLogits(images: Float32Array, count: number): Promise<Float32Array> {
    return this.probeNetwork().logits(images, count);
  }

  private probeNetwork(): GpuProbe {
    this.prober ??= new GpuProbe(this.gpu, this.kernels, this.plan.description, this.plan);
    return this.prober;
  }

  async readParameters(offset: number, length: number): Promise<Float32Array> {
    checkParameterRange(offset, length, this.plan.layout.length);
    return new Float32Array(await readBuffer(this.gpu, this.plan.parameters, 4 * offset, 4 * length));
  }

  async parameterStats(
    kind: OptimizerSettings['kind'],
    updates: number,
    adam: Pick<OptimizerSettings, 'beta1' | 'beta2' | 'epsilon'>,
  ): Promise<ParameterTensorStats[]> {
    const workgroupSize = this.kernels.reductionWorkgroupSize;
    this.statsCreated ??= GpuParameterStats.create(this.gpu, this.plan, workgroupSize).then((stats) => {
      // Compiled after the backend was destroyed: nothing may be left behind.
      if (this.destroyed) {
        stats.destroy();
        throw new Error('parameterStats: this GPU backend was destroyed');
      }
      this.stats = stats;
      return stats;
    });
    return (await this.statsCreated).read(kind, updates, adam);
  }

  destroy(): void {
    this.destroyed = true;
    this.prober?.destroy();
    this.prober = null;
    this.stats?.destroy();
    this.stats = null;
  }
}

/**
 * Copies each evaluation batch's logits (the classify layer's output) into one buffer while
 * evaluate() records its batches, then reads them back once as predicted classes (the first
 * maximum, as metrics_accumulate counts them). Made per evaluate() call and destroyed after it.
 */
export class EvaluationPredictions {
  private readonly logits: GPUBuffer;
  private readonly batchBytes: number;

  constructor(
    private readonly gpu: Gpu,
    private readonly source: GPUBuffer,
    batch: number,
    private readonly classes: number,
    batches: number,
  ) {
    this.batchBytes = 4 * batch * classes;
    this.logits = gpu.createBuffer({
      label: 'evaluation logits',
      size: batches * this.batchBytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
  }

  /** Records the copy of batch `index`'s logits; call after that batch's forward pass, outside a pass. */
  encodeCopy(encoder: GPUCommandEncoder, index: number): void {
    encoder.copyBufferToBuffer(this.source, 0, this.logits, index * this.batchBytes, this.batchBytes);
  }

  /** The predicted class of the first `total` examples, once the copies were submitted. */
  async read(total: number): Promise<Uint8Array> {
    const predictions = new Uint8Array(total);
    if (total === 0) return predictions;
    const bytes = 4 * total * this.classes;
    await this.gpu.mapAsync(this.logits, GPUMapMode.READ, 0, bytes);
    try {
      argmaxRows(new Float32Array(this.logits.getMappedRange(0, bytes)), total, this.classes, predictions);
    } finally {
      this.logits.unmap();
    }
    return predictions;
  }

  destroy(): void {
    this.logits.destroy();
  }
}
