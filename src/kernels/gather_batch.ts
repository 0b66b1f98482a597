// WGSL kernel for gather_batch (shaders/gather_batch.forward.wgsl): builds each training batch on
// the GPU from a dataset split uploaded once as bytes and an epoch's shuffled order uploaded once,
// so a training step uploads nothing. The pipeline is prepared once in create(); uploadSplit() and
// uploadOrder() make the resident buffers; bind() writes one params slot per batch of the epoch
// (selected with a dynamic uniform offset, so several steps can share one command buffer);
// encodeForward() only records. Not a data loader: shuffling is epochPermutation's job.

import shaderCode from '../../shaders/gather_batch.forward.wgsl?raw';
import { PIXEL_SCALE, batchCount, type LastBatch } from '../data/batching.ts';
import type { Dataset, SplitName } from '../data/dataset.ts';
import { linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { createComputePipeline } from '../runtime/pipeline.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import { checkWorkgroupSize, requireWords } from './kernel_args.ts';
import { checkOrder, uploadBytes, type GpuDatasetSplit, type GpuEpochOrder } from './gather_batch_data.ts';

export type { GpuDatasetSplit, GpuEpochOrder } from './gather_batch_data.ts';

/** Must match `struct GatherBatchParams` in the shader (a test compares the two). */
export const gatherBatchUniforms = defineUniformLayout({
  batch: 'u32',
  pixelsPerImage: 'u32',
  orderOffset: 'u32',
  count: 'u32',
  pixelScale: 'f32',
});

/** The label a batch gets for an order index outside the split (its pixels are NaN). */
export const BAD_LABEL = 0xffffffff;

/** Outputs: images [batchSize, C, H, W] f32 and labels [batchSize] u32. Each needs STORAGE usage. */
export interface GatherBatchBuffers {
  images: GPUBuffer;
  labels: GPUBuffer;
}

export interface GatherBatchOptions {
  batchSize: number;
  /** 'drop' (default, training) skips a last partial batch; 'keep' gathers it too. */
  lastBatch?: LastBatch;
}

/** Bind group plus one params slot per batch; whoever calls bind() destroys it. */
export interface GatherBatchBinding {
  readonly bindGroup: GPUBindGroup;
  readonly grid: WorkgroupGrid;
  /** Batches in one pass over the order: valid batch indices are 0 .. batches - 1. */
  readonly batches: number;
  readonly batchSize: number;
  /** Images in batch `batchIndex` (batchSize, except a kept last partial batch). */
  imagesIn(batchIndex: number): number;
  /** The dynamic uniform offset of each batch's params slot (read by encodeForward, no copy). */
  readonly slotOffsets: Uint32Array;
  destroy(): void;
}

export interface GatherBatchKernelOptions {
  workgroupSize?: number;
}

const OP = 'gather_batch';

export class GatherBatchKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly workgroupSize: number,
    private readonly layout: GPUBindGroupLayout,
    private readonly pipeline: GPUComputePipeline,
  ) {}

  static async create(gpu: Gpu, options: GatherBatchKernelOptions = {}): Promise<GatherBatchKernel> {
    const workgroupSize = checkWorkgroupSize(gpu, OP, options.workgroupSize);
    const storage = (type: GPUBufferBindingType, binding: number): GPUBindGroupLayoutEntry => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type },
    });
    const layout = gpu.createBindGroupLayout({
      label: `${OP}.forward`,
      entries: [
        storage('storage', 0),
        storage('storage', 1),
        storage('read-only-storage', 2),
        storage('read-only-storage', 3),
        storage('read-only-storage', 4),
        {
          binding: 5,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: 'uniform', hasDynamicOffset: true },
        },
      ],
    });
    const pipeline = await createComputePipeline(gpu, {
      label: `${OP}.forward`,
      code: shaderCode,
      bindGroupLayouts: [layout],
      constants: { WORKGROUP_SIZE: workgroupSize },
    });
    return new GatherBatchKernel(gpu, workgroupSize, layout, pipeline);
  }

  /**
   * Uploads a split's image and label bytes once (4 bytes per u32 word, zero-padded). The caller
   * destroys the result. Throws when the images exceed this device's storage binding limit.
   */
  uploadSplit(dataset: Dataset, split: SplitName): GpuDatasetSplit {
    const { count, images, labels } = dataset[split];
    const pixelsPerImage = dataset.channels * dataset.imageHeight * dataset.imageWidth;
    const what = `${dataset.name} ${split}`;
    if (images.length !== count * pixelsPerImage || labels.length !== count) {
      throw new RangeError(
        `${OP}: the ${what} split has ${images.length} image bytes and ${labels.length} labels for ` +
          `${count} images of ${pixelsPerImage} pixels; validate the dataset (validateDataset) first`,
      );
    }
    const imageBuffer = uploadBytes(this.gpu, `${what} images`, images);
    let labelBuffer: GPUBuffer;
    try {
      labelBuffer = uploadBytes(this.gpu, `${what} labels`, labels);
    } catch (error) {
      imageBuffer.destroy();
      throw error;
    }
    return {
      images: imageBuffer,
      labels: labelBuffer,
      count,
      pixelsPerImage,
      destroy: () => {
        imageBuffer.destroy();
        labelBuffer.destroy();
      },
    };
  }

  /** Uploads an epoch's order (indices into `split`, checked) once; the caller destroys it. */
  uploadOrder(split: GpuDatasetSplit, order: Uint32Array): GpuEpochOrder {
    checkOrder(order, split.count);
    const buffer = uploadBytes(
      this.gpu,
      `${OP} order`,
      new Uint8Array(order.buffer, order.byteOffset, order.byteLength),
      GPUBufferUsage.COPY_DST,
    );
    return { buffer, length: order.length, count: split.count, destroy: () => buffer.destroy() };
  }

  /** Replaces the order for the next epoch (same length), for the next submit; no new buffer. */
  writeOrder(target: GpuEpochOrder, order: Uint32Array): void {
    if (order.length !== target.length) {
      throw new RangeError(
        `${OP}: the new order has ${order.length} indices, the buffer holds ${target.length}`,
      );
    }
    checkOrder(order, target.count);
    this.gpu.device.queue.writeBuffer(target.buffer, 0, order.buffer, order.byteOffset, order.byteLength);
  }

  /** Prepares every batch of one pass over `order` into `outputs` (params slots written once). */
  bind(
    outputs: GatherBatchBuffers,
    split: GpuDatasetSplit,
    order: GpuEpochOrder,
    options: GatherBatchOptions,
  ): GatherBatchBinding {
    const { batchSize, lastBatch = 'drop' } = options;
    if (order.count !== split.count) {
      throw new RangeError(`${OP}: the order indexes ${order.count} images but the split has ${split.count}`);
    }
    const batches = batchCount(order.length, batchSize, lastBatch);
    const { images, labels } = outputs;
    requireWords(OP, { images, labels }, { images: batchSize * split.pixelsPerImage, labels: batchSize });
    const imagesIn = (batchIndex: number) => Math.min(batchSize, order.length - batchIndex * batchSize);

    const { paramsBuffer, slotOffsets } = this.createParamSlots(split, batches, batchSize, imagesIn);
    const buffers = [images, labels, split.images, split.labels, order.buffer];
    const bindGroup = this.gpu.createBindGroup({
      label: `${OP}.forward`,
      layout: this.layout,
      entries: [
        ...buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
        { binding: 5, resource: { buffer: paramsBuffer, size: gatherBatchUniforms.byteSize } },
      ],
    });
    const grid = linearGrid(
      batchSize * split.pixelsPerImage,
      this.workgroupSize,
      this.gpu.limits.maxComputeWorkgroupsPerDimension,
    );
    return {
      bindGroup,
      grid,
      batches,
      batchSize,
      imagesIn,
      slotOffsets,
      destroy: () => paramsBuffer.destroy(),
    };
  }

  /**
   * One uniform slot per batch, each at a multiple of minUniformBufferOffsetAlignment (256 bytes by
   * default: 15 MB for 60000 batches of 1), written once at creation.
   */
  private createParamSlots(
    split: GpuDatasetSplit,
    batches: number,
    batchSize: number,
    imagesIn: (batchIndex: number) => number,
  ): { paramsBuffer: GPUBuffer; slotOffsets: Uint32Array } {
    const alignment = this.gpu.limits.minUniformBufferOffsetAlignment;
    const slotStride = Math.ceil(gatherBatchUniforms.byteSize / alignment) * alignment;
    const paramsBuffer = this.gpu.createBuffer({
      label: `${OP}.forward params (${batches} batches)`,
      size: batches * slotStride,
      usage: GPUBufferUsage.UNIFORM,
      mappedAtCreation: true,
    });
    const slots = new Uint8Array(paramsBuffer.getMappedRange());
    for (let k = 0; k < batches; k++) {
      const slot = gatherBatchUniforms.pack({
        batch: imagesIn(k),
        pixelsPerImage: split.pixelsPerImage,
        orderOffset: k * batchSize,
        count: split.count,
        pixelScale: PIXEL_SCALE,
      });
      slots.set(new Uint8Array(slot), k * slotStride);
    }
    paramsBuffer.unmap();
    const slotOffsets = Uint32Array.from({ length: batches }, (_, k) => k * slotStride);
    return { paramsBuffer, slotOffsets };
  }

  /** Records the gather of batch `batchIndex` (0 .. binding.batches - 1); no allocation, no submit. */
  encodeForward(pass: GPUComputePassEncoder, binding: GatherBatchBinding, batchIndex: number): void {
    if (!Number.isInteger(batchIndex) || batchIndex < 0 || batchIndex >= binding.batches) {
      throw new RangeError(`${OP}: batch ${batchIndex} is outside 0 .. ${binding.batches - 1}`);
    }
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, binding.bindGroup, binding.slotOffsets, batchIndex, 1);
    this.gpu.dispatch(pass, binding.grid);
  }
}
