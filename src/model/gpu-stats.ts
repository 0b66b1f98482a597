// The GPU backend's parameterStats (Backend.parameterStats): segment_stats over the trainer's flat
// parameter, gradient and optimizer-state buffers, one segment per weight or bias tensor, so the
// health view reads 5 words per tensor instead of whole buffers. Bindings, outputs and one
// staging buffer are made once; a read records three dispatches (values, gradients, update) and
// three copies, submits once and maps; reads are chained, so at most one mapping is in flight.
// Not the statistics' meaning (backend.ts, src/ops/segment_stats.ts).

import { SegmentStatsKernel, parseSegmentStats, type SegmentStatsBinding } from '../kernels/segment_stats.ts';
import { PLAIN_STATS, SEGMENT_STATS_WORDS } from '../ops/segment_stats.ts';
import type { Gpu } from '../runtime/gpu.ts';
import type { OptimizerSettings, ParameterTensorStats } from './backend.ts';
import {
  joinParameterStats,
  parameterTensors,
  updateStatsParams,
  type ParameterTensor,
} from './backend-views.ts';
import type { ParameterLayout } from './layout.ts';

/** The trainer's flat buffers, all in the layout of `layout`. */
export interface StatsSources {
  layout: ParameterLayout;
  parameters: GPUBuffer;
  gradients: GPUBuffer;
  /** SGD velocity or Adam's m, then Adam's v. */
  optimizerSlots: readonly [GPUBuffer, GPUBuffer];
}

type Source = 'parameters' | 'gradients' | 'sgd' | 'adam';

export class GpuParameterStats {
  private readonly tensors: ParameterTensor[];
  private readonly bytesPerSource: number;
  /** Per source: where segment_stats writes, and its binding. */
  private readonly targets = new Map<Source, { out: GPUBuffer; binding: SegmentStatsBinding }>();
  private readonly staging: GPUBuffer;
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly gpu: Gpu,
    private readonly kernel: SegmentStatsKernel,
    sources: StatsSources,
  ) {
    this.tensors = parameterTensors(sources.layout);
    this.bytesPerSource = 4 * SEGMENT_STATS_WORDS * this.tensors.length;
    this.staging = gpu.createBuffer({
      label: 'parameter stats readback',
      size: 3 * this.bytesPerSource,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    try {
      const [first, second] = sources.optimizerSlots;
      this.bind('parameters', sources.parameters, null);
      this.bind('gradients', sources.gradients, null);
      this.bind('sgd', first, null);
      this.bind('adam', first, second);
    } catch (error) {
      this.destroy();
      throw error;
    }
  }

  /** `workgroupSize`: the backend tuning's reductionWorkgroupSize (default 256). */
  static async create(gpu: Gpu, sources: StatsSources, workgroupSize?: number): Promise<GpuParameterStats> {
    return new GpuParameterStats(gpu, await SegmentStatsKernel.create(gpu, { workgroupSize }), sources);
  }

  private bind(source: Source, x: GPUBuffer, y: GPUBuffer | null): void {
    const out = this.gpu.createBuffer({
      label: `parameter stats (${source})`,
      size: this.bytesPerSource,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    // Real corrections are written before each Adam read; these only make a valid first uniform.
    const params = y ? { mode: 'adam' as const, correction1: 1, correction2: 1, epsilon: 1 } : PLAIN_STATS;
    try {
      const binding = this.kernel.bind({ out, x, ...(y ? { y } : {}) }, this.tensors, params);
      this.targets.set(source, { out, binding });
    } catch (error) {
      out.destroy();
      throw error;
    }
  }

  /**
   * Statistics after everything submitted so far. `kind` and `updates` are the optimizer's (its
   * update count, Adam's t of the last update); `adam` gives Adam's betas and epsilon.
   */
  read(
    kind: OptimizerSettings['kind'],
    updates: number,
    adam: Pick<OptimizerSettings, 'beta1' | 'beta2' | 'epsilon'>,
  ): Promise<ParameterTensorStats[]> {
    const how = updateStatsParams(kind, updates, adam); // checked now, before the turn comes
    const next = this.chain.then(() => this.readNow(kind, how));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async readNow(
    kind: OptimizerSettings['kind'],
    how: ReturnType<typeof updateStatsParams>,
  ): Promise<ParameterTensorStats[]> {
    const sources: Source[] = ['parameters', 'gradients'];
    if (how) sources.push(kind);
    if (how?.mode === 'adam') this.kernel.writeParams(this.target('adam').binding, how);
    const encoder = this.gpu.device.createCommandEncoder({ label: 'parameter stats' });
    const pass = encoder.beginComputePass({ label: 'parameter stats' });
    for (const source of sources) this.kernel.encodeForward(pass, this.target(source).binding);
    pass.end();
    const bytes = this.bytesPerSource;
    sources.forEach((source, i) => {
      encoder.copyBufferToBuffer(this.target(source).out, 0, this.staging, i * bytes, bytes);
    });
    this.gpu.submit([encoder.finish()]);
    const size = sources.length * bytes;
    await this.gpu.mapAsync(this.staging, GPUMapMode.READ, 0, size);
    let copy: ArrayBuffer;
    try {
      copy = this.staging.getMappedRange(0, size).slice(0);
    } finally {
      this.staging.unmap();
    }
    const parse = (i: number) => parseSegmentStats(copy, this.tensors, i * bytes);
    return joinParameterStats(this.tensors, parse(0), parse(1), how ? parse(2) : null);
  }

  private target(source: Source): { out: GPUBuffer; binding: SegmentStatsBinding } {
    const target = this.targets.get(source);
    if (!target) throw new Error(`parameter stats: nothing bound for ${source}`);
    return target;
  }

  destroy(): void {
    for (const { out, binding } of this.targets.values()) {
      binding.destroy();
      out.destroy();
    }
    this.targets.clear();
    this.staging.destroy();
  }
}
