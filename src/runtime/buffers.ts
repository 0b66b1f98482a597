// Buffer helpers: create a buffer holding given data, and read a buffer back (for tests, checks and
// occasional UI snapshots; the training loop must not wait on these). Every buffer created here is
// either returned to the caller, who destroys it, or destroyed before the function returns.

import type { Gpu } from './gpu.ts';

type Words = Float32Array | Uint32Array | Int32Array;

/** WebGPU sizes must be multiples of 4 and bindings must be non-empty: round up, at least 4 bytes. */
export function paddedByteSize(bytes: number): number {
  return Math.max(4, Math.ceil(bytes / 4) * 4);
}

/** A buffer initialised with `data` through mappedAtCreation (no queue write, no staging copy). */
export function createBufferWithData(
  gpu: Gpu,
  label: string,
  data: Words,
  usage: GPUBufferUsageFlags,
): GPUBuffer {
  const buffer = gpu.createBuffer({
    label,
    size: paddedByteSize(data.byteLength),
    usage,
    mappedAtCreation: true,
  });
  new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  buffer.unmap();
  return buffer;
}

/** Copies `byteLength` bytes of `source` (which needs COPY_SRC) into a new ArrayBuffer. */
export async function readBuffer(
  gpu: Gpu,
  source: GPUBuffer,
  byteOffset = 0,
  byteLength = source.size - byteOffset,
): Promise<ArrayBuffer> {
  if (byteOffset % 4 !== 0 || byteLength % 4 !== 0 || byteLength <= 0) {
    throw new RangeError(
      `readBuffer needs a positive multiple of 4 bytes at a 4-byte offset, got ${byteLength} at ${byteOffset}`,
    );
  }
  const size = byteLength;
  const staging = gpu.createBuffer({
    label: `readback of ${source.label || 'buffer'}`,
    size,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    const encoder = gpu.device.createCommandEncoder({ label: 'readback' });
    encoder.copyBufferToBuffer(source, byteOffset, staging, 0, size);
    gpu.submit([encoder.finish()]);
    await gpu.mapAsync(staging, GPUMapMode.READ);
    // slice() copies: the mapped range is detached by unmap().
    const bytes = staging.getMappedRange(0, size).slice(0);
    staging.unmap();
    return bytes;
  } finally {
    staging.destroy();
  }
}

export async function readFloat32(
  gpu: Gpu,
  source: GPUBuffer,
  count = source.size / 4,
): Promise<Float32Array> {
  return new Float32Array(await readBuffer(gpu, source, 0, count * 4));
}
