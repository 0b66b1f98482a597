// Times N iterations of an already-prepared GPU case: one command buffer holding one compute pass
// per iteration, submitted once. Two clocks per sample: host wall time from the start of encoding
// to queue.onSubmittedWorkDone() (what TFJS is also timed by, so the two compare like for like),
// and, where the device has timestamp-query, the GPU's own begin/end of each pass. Pipelines and
// bind groups are made before; nothing here compiles or allocates per sample.

import type { Gpu } from '../src/runtime/gpu.ts';

export interface GpuSample {
  /** Host wall clock per iteration, ms (encode + submit + GPU execution, divided by N). */
  wallMs: number;
  /** Sum of the passes' timestamp durations per iteration, ms; null without timestamp-query. */
  gpuMs: number | null;
}

/** WebGPU caps a query set at 4096 queries: two per iteration. */
export const MAX_TIMED_ITERATIONS = 2048;

export class GpuTimer {
  private readonly querySet: GPUQuerySet | null;
  private readonly resolve: GPUBuffer | null;
  private readonly staging: GPUBuffer | null;

  constructor(
    private readonly gpu: Gpu,
    readonly maxIterations: number,
  ) {
    if (maxIterations < 1 || maxIterations > MAX_TIMED_ITERATIONS) {
      throw new RangeError(
        `GpuTimer: maxIterations must be in [1, ${MAX_TIMED_ITERATIONS}], got ${maxIterations}`,
      );
    }
    const timestamps = gpu.features.has('timestamp-query');
    const bytes = 16 * maxIterations;
    this.querySet = timestamps
      ? gpu.device.createQuerySet({ label: 'bench timestamps', type: 'timestamp', count: 2 * maxIterations })
      : null;
    this.resolve = timestamps
      ? gpu.createBuffer({
          label: 'bench timestamps resolve',
          size: bytes,
          usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
        })
      : null;
    this.staging = timestamps
      ? gpu.createBuffer({
          label: 'bench timestamps readback',
          size: bytes,
          usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
        })
      : null;
  }

  get hasTimestamps(): boolean {
    return this.querySet !== null;
  }

  /** Records `iterations` passes of `encode`, submits once, waits for the GPU, returns per-iteration times. */
  async sample(encode: (pass: GPUComputePassEncoder) => void, iterations: number): Promise<GpuSample> {
    if (iterations < 1 || iterations > this.maxIterations) {
      throw new RangeError(`GpuTimer: iterations must be in [1, ${this.maxIterations}], got ${iterations}`);
    }
    const { device } = this.gpu;
    const start = performance.now();
    const encoder = device.createCommandEncoder({ label: 'bench sample' });
    for (let i = 0; i < iterations; i++) {
      const timestampWrites = this.querySet
        ? { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 }
        : undefined;
      const pass = encoder.beginComputePass({ label: 'bench iteration', timestampWrites });
      encode(pass);
      pass.end();
    }
    if (this.querySet && this.resolve && this.staging) {
      encoder.resolveQuerySet(this.querySet, 0, 2 * iterations, this.resolve, 0);
      encoder.copyBufferToBuffer(this.resolve, 0, this.staging, 0, 16 * iterations);
    }
    this.gpu.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    const wallMs = (performance.now() - start) / iterations;
    return { wallMs, gpuMs: await this.readDurations(iterations) };
  }

  /** Sum of end - begin over the passes, per iteration; null when the clock gave nothing usable. */
  private async readDurations(iterations: number): Promise<number | null> {
    if (!this.staging) return null;
    await this.gpu.mapAsync(this.staging, GPUMapMode.READ, 0, 16 * iterations);
    const stamps = new BigUint64Array(this.staging.getMappedRange(0, 16 * iterations).slice(0));
    this.staging.unmap();
    let totalNs = 0;
    for (let i = 0; i < iterations; i++) {
      const [begin, end] = [stamps[2 * i], stamps[2 * i + 1]];
      // A clock that went backwards is not a measurement. Equal stamps are kept: browsers may
      // quantize timestamps (100 us in Chrome without developer features), and the sum stays fair.
      if (end < begin) return null;
      totalNs += Number(end - begin);
    }
    return totalNs > 0 ? totalNs / 1e6 / iterations : null;
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolve?.destroy();
    this.staging?.destroy();
  }
}
