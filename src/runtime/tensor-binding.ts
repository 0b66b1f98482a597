// A tensor a kernel binds: a whole GPUBuffer, or a GPUBufferBinding ({ buffer, offset, size }) that
// names a range of one (e.g. one layer's weights inside the flat parameter buffer). Helpers for the
// bytes a binding covers and its checks; no GPU work, no allocation.

/** Whole buffer or a range of one; kernels accept either wherever they bind a tensor. */
export type TensorBuffer = GPUBuffer | GPUBufferBinding;

export function isBufferRange(tensor: TensorBuffer): tensor is GPUBufferBinding {
  return 'buffer' in tensor;
}

/** The GPUBuffer behind a tensor. */
export function bufferOf(tensor: TensorBuffer): GPUBuffer {
  return isBufferRange(tensor) ? tensor.buffer : tensor;
}

/** Byte offset of the tensor in its buffer (0 for a whole buffer). */
export function byteOffsetOf(tensor: TensorBuffer): number {
  return isBufferRange(tensor) ? (tensor.offset ?? 0) : 0;
}

/** Bytes the binding covers: its size, or the rest of the buffer after its offset. */
export function bindingBytes(tensor: TensorBuffer): number {
  if (!isBufferRange(tensor)) return tensor.size;
  return tensor.size ?? tensor.buffer.size - (tensor.offset ?? 0);
}

/**
 * The resource of a bind group entry. Throws (naming `label` and the binding) when a range starts
 * at an offset the device cannot bind or runs past its buffer, which WebGPU would only report as
 * an asynchronous validation error.
 */
export function bindingResource(
  tensor: TensorBuffer,
  alignment: number,
  label: string,
  binding: number,
): GPUBufferBinding {
  if (!isBufferRange(tensor)) return { buffer: tensor };
  const offset = tensor.offset ?? 0;
  const where = `${label}: binding ${binding} ('${tensor.buffer.label}')`;
  if (!Number.isInteger(offset) || offset < 0 || offset % alignment !== 0) {
    throw new RangeError(
      `${where} starts at byte offset ${offset}, which is not a multiple of ` +
        `minStorageBufferOffsetAlignment (${alignment}); align the tensor's offset in its buffer`,
    );
  }
  const bytes = bindingBytes(tensor);
  if (bytes <= 0 || offset + bytes > tensor.buffer.size) {
    throw new RangeError(
      `${where} covers bytes [${offset}, ${offset + bytes}) of a ${tensor.buffer.size}-byte buffer`,
    );
  }
  return { buffer: tensor.buffer, offset, size: bytes };
}
