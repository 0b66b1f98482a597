// Resident dataset buffers for gather_batch: byte arrays (image pixels, labels, epoch orders)
// copied once into STORAGE buffers that the shader reads as u32 words, and the checks that keep
// such an upload inside the device's limits and an order inside its split. Used by
// GatherBatchKernel (gather_batch.ts); not a loader and no per-step work.

import { paddedByteSize } from '../runtime/buffers.ts';
import type { Gpu } from '../runtime/gpu.ts';

/** A dataset split resident on the GPU; whoever uploaded it destroys it. */
export interface GpuDatasetSplit {
  /** count * pixelsPerImage bytes, 4 per u32 word, zero-padded to a whole word. */
  readonly images: GPUBuffer;
  /** count label bytes, packed the same way. */
  readonly labels: GPUBuffer;
  readonly count: number;
  readonly pixelsPerImage: number;
  destroy(): void;
}

/** An epoch's order (indices into a split of `count` images); whoever uploaded it destroys it. */
export interface GpuEpochOrder {
  readonly buffer: GPUBuffer;
  readonly length: number;
  readonly count: number;
  destroy(): void;
}

const MIB = 2 ** 20;

/** Throws naming the data, its size and the limit when `bytes` cannot be one storage binding. */
export function checkStorageSize(gpu: Gpu, label: string, bytes: number): void {
  const { maxStorageBufferBindingSize, maxBufferSize } = gpu.limits;
  const limit = Math.min(maxStorageBufferBindingSize, maxBufferSize);
  if (bytes > limit) {
    const name = limit === maxBufferSize ? 'maxBufferSize' : 'maxStorageBufferBindingSize';
    throw new RangeError(
      `${label}: ${(bytes / MIB).toFixed(1)} MiB does not fit one storage binding on this device ` +
        `(${name} ${(limit / MIB).toFixed(1)} MiB); use fewer images or a device with a larger limit`,
    );
  }
}

/** A STORAGE buffer holding `bytes` (zero-padded to a multiple of 4); the caller destroys it. */
export function uploadBytes(gpu: Gpu, label: string, bytes: Uint8Array, extraUsage = 0): GPUBuffer {
  const size = paddedByteSize(bytes.byteLength);
  checkStorageSize(gpu, label, size);
  const buffer = gpu.createBuffer({
    label,
    size,
    usage: GPUBufferUsage.STORAGE | extraUsage,
    mappedAtCreation: true,
  });
  // Mapped ranges start zeroed, so the padding bytes are 0.
  new Uint8Array(buffer.getMappedRange()).set(bytes);
  buffer.unmap();
  return buffer;
}

/** Throws unless `order` is non-empty and every index is below `count`. */
export function checkOrder(order: Uint32Array, count: number): void {
  if (order.length === 0) throw new RangeError('gather_batch: the order is empty; give at least one index');
  for (let i = 0; i < order.length; i++) {
    if (order[i] >= count) {
      throw new RangeError(
        `gather_batch: order[${i}] is ${order[i]}, outside the ${count} images of the split; ` +
          'build the order with epochPermutation(count, ...)',
      );
    }
  }
}
