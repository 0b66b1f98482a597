// The shape of a GPU benchmark case and the buffers it owns: a preparer creates the kernel
// (pipelines compiled there, never in a timed region), uploads the layer's tensors, binds once and
// returns encode(), which records one iteration. Outputs start as NaN so an element the kernel
// never writes shows up as an infinite error.

import type { BenchPass } from './cases.ts';
import type { LayerData } from './data.ts';
import type { KernelTuning } from '../src/model/kernel-tuning.ts';
import { createBufferWithData } from '../src/runtime/buffers.ts';
import type { Gpu } from '../src/runtime/gpu.ts';

/** One prepared (layer, pass): record `encode` N times to run N iterations. */
export interface GpuCaseRun {
  encode(pass: GPUComputePassEncoder): void;
  /** The buffer the pass writes (COPY_SRC), holding `outputLength` floats. */
  output: GPUBuffer;
  outputLength: number;
  destroy(): void;
}

/** `tuning` picks the GEMM tiles (conv2d, dense); the pools have none. */
export type GpuCasePreparer = (
  gpu: Gpu,
  data: LayerData,
  pass: BenchPass,
  tuning: KernelTuning,
) => Promise<GpuCaseRun>;

/** Creates device buffers and destroys them all at once. */
export class BufferSet {
  private readonly buffers: GPUBuffer[] = [];
  constructor(private readonly gpu: Gpu) {}

  upload(label: string, data: Float32Array | Uint32Array): GPUBuffer {
    // Read at call time: in Node, GPUBufferUsage exists only once createNodeGpu() has run.
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buffer = createBufferWithData(this.gpu, label, data, usage);
    this.buffers.push(buffer);
    return buffer;
  }

  /** An output buffer filled with NaN, so unwritten elements are caught by the check. */
  output(label: string, length: number): GPUBuffer {
    return this.upload(label, new Float32Array(length).fill(NaN));
  }

  destroy(): void {
    for (const buffer of this.buffers) buffer.destroy();
  }
}
