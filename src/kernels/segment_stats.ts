// WGSL kernel for segment_stats (shaders/segment_stats.forward.wgsl): min, max, sum, sum of
// squares and non-finite count of each segment of a flat buffer, one workgroup per segment,
// deterministic. Used by the GPU backend's parameterStats() so the health view reads a few words
// per tensor instead of whole parameter and gradient buffers. The pipeline is prepared once in
// create(); bind() makes the segment list and the params uniform once; writeParams() rewrites the
// uniform (the Adam corrections change every step); encodeForward() only records.

import shaderCode from '../../shaders/segment_stats.forward.wgsl?raw';
import {
  SEGMENT_STATS_WORDS,
  validateSegments,
  validateSegmentStatsParams,
  type Segment,
  type SegmentStats,
  type SegmentStatsParams,
} from '../ops/segment_stats.ts';
import { createBufferWithData } from '../runtime/buffers.ts';
import { linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { bindBuffers, createComputeBindGroupLayout, createComputePipeline } from '../runtime/pipeline.ts';
import { bindingBytes, type TensorBuffer } from '../runtime/tensor-binding.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import { checkWorkgroupSize, requireWords } from './kernel_args.ts';

/** Must match `struct SegmentStatsParams` in the shader (a test compares the two). */
export const segmentStatsUniforms = defineUniformLayout({
  segments: 'u32',
  mode: 'u32',
  correction1: 'f32',
  correction2: 'f32',
  epsilon: 'f32',
});

/** Output first, then inputs (the shader's binding order). */
export interface SegmentStatsBuffers {
  /** SEGMENT_STATS_WORDS words per segment. */
  out: TensorBuffer;
  x: TensorBuffer;
  /** adam mode: v (x is m); leave out in plain mode. */
  y?: TensorBuffer;
}

export interface SegmentStatsBinding {
  readonly bindGroup: GPUBindGroup;
  readonly grid: WorkgroupGrid;
  readonly segments: readonly Segment[];
  readonly paramsBuffer: GPUBuffer;
  destroy(): void;
}

export interface SegmentStatsKernelOptions {
  /** A power of two (the tree reduction halves it). */
  workgroupSize?: number;
}

const OP = 'segment_stats';

export class SegmentStatsKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly workgroupSize: number,
    private readonly layout: GPUBindGroupLayout,
    private readonly pipeline: GPUComputePipeline,
  ) {}

  static async create(gpu: Gpu, options: SegmentStatsKernelOptions = {}): Promise<SegmentStatsKernel> {
    const workgroupSize = checkWorkgroupSize(gpu, OP, options.workgroupSize, 256);
    if ((workgroupSize & (workgroupSize - 1)) !== 0) {
      throw new RangeError(`${OP}: workgroupSize must be a power of two, got ${workgroupSize}`);
    }
    const layout = createComputeBindGroupLayout(gpu, `${OP}.forward`, [
      'storage',
      'read-only-storage',
      'read-only-storage',
      'read-only-storage',
      'uniform',
    ]);
    const pipeline = await createComputePipeline(gpu, {
      label: `${OP}.forward`,
      code: shaderCode,
      bindGroupLayouts: [layout],
      constants: { WG_SIZE: workgroupSize },
    });
    return new SegmentStatsKernel(gpu, workgroupSize, layout, pipeline);
  }

  /** Prepares the statistics of `segments` of x (and y in adam mode) into `out`. */
  bind(
    buffers: SegmentStatsBuffers,
    segments: readonly Segment[],
    params: SegmentStatsParams,
  ): SegmentStatsBinding {
    const length = bindingBytes(buffers.x) / 4;
    validateSegments(OP, segments, length);
    if (params.mode === 'adam' && !buffers.y) throw new RangeError(`${OP}: adam mode needs y (v)`);
    requireWords(
      OP,
      { out: buffers.out, ...(buffers.y ? { y: buffers.y } : {}) },
      {
        out: SEGMENT_STATS_WORDS * segments.length,
        ...(buffers.y ? { y: length } : {}),
      },
    );
    const list = new Uint32Array(segments.flatMap((s) => [s.offset, s.length]));
    const segmentBuffer = createBufferWithData(this.gpu, `${OP} segments`, list, GPUBufferUsage.STORAGE);
    const paramsBuffer = this.gpu.createBuffer({
      label: `${OP}.forward params`,
      size: segmentStatsUniforms.byteSize,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    try {
      const bindGroup = bindBuffers(this.gpu, `${OP}.forward`, this.layout, [
        buffers.out,
        buffers.x,
        buffers.y ?? buffers.x,
        segmentBuffer,
        paramsBuffer,
      ]);
      const grid = linearGrid(segments.length, 1, this.gpu.limits.maxComputeWorkgroupsPerDimension);
      const binding: SegmentStatsBinding = {
        bindGroup,
        grid,
        segments: segments.map((s) => ({ ...s })),
        paramsBuffer,
        destroy: () => {
          segmentBuffer.destroy();
          paramsBuffer.destroy();
        },
      };
      this.writeParams(binding, params);
      return binding;
    } catch (error) {
      segmentBuffer.destroy();
      paramsBuffer.destroy();
      throw error;
    }
  }

  /** Rewrites mode and Adam corrections for the next submit (no new buffer). */
  writeParams(binding: SegmentStatsBinding, params: SegmentStatsParams): void {
    validateSegmentStatsParams(OP, params);
    const bytes = segmentStatsUniforms.pack({
      segments: binding.segments.length,
      mode: params.mode === 'plain' ? 0 : 1,
      correction1: params.correction1,
      correction2: params.correction2,
      epsilon: params.epsilon,
    });
    this.gpu.device.queue.writeBuffer(binding.paramsBuffer, 0, bytes);
  }

  /** Records the dispatch; no allocation, no submit. */
  encodeForward(pass: GPUComputePassEncoder, binding: SegmentStatsBinding): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, binding.bindGroup);
    this.gpu.dispatch(pass, binding.grid);
  }
}

/** Reads the words the kernel wrote for `segments` (from `byteOffset` of `bytes`). */
export function parseSegmentStats(
  bytes: ArrayBuffer,
  segments: readonly Segment[],
  byteOffset = 0,
): SegmentStats[] {
  const floats = new Float32Array(bytes, byteOffset, SEGMENT_STATS_WORDS * segments.length);
  const words = new Uint32Array(bytes, byteOffset, SEGMENT_STATS_WORDS * segments.length);
  return segments.map((segment, s) => {
    const at = SEGMENT_STATS_WORDS * s;
    const nonFinite = words[at + 4];
    const none = nonFinite === segment.length; // no finite value: min and max kept their start values
    return {
      count: segment.length,
      nonFinite,
      min: none ? Infinity : floats[at],
      max: none ? -Infinity : floats[at + 1],
      sum: floats[at + 2],
      sumSquares: floats[at + 3],
    };
  });
}
