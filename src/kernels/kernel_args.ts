// Argument checks shared by the 1-D-grid kernels of max_pool2d, avg_pool2d, sgd, adam and
// gather_batch: a workgroup size the device accepts, and buffers large enough for what the
// shader will touch. Plain checks that throw RangeError naming the op and the fix; no GPU work.

import type { Gpu } from '../runtime/gpu.ts';
import { bindingBytes, type TensorBuffer } from '../runtime/tensor-binding.ts';

/** The largest 1-D workgroup this device runs. */
export function maxLinearWorkgroup(gpu: Gpu): number {
  return Math.min(gpu.limits.maxComputeInvocationsPerWorkgroup, gpu.limits.maxComputeWorkgroupSizeX);
}

/** Returns `requested ?? fallback` after checking it is a whole number the device accepts. */
export function checkWorkgroupSize(
  gpu: Gpu,
  op: string,
  requested: number | undefined,
  fallback = 64,
): number {
  const size = requested ?? fallback;
  const max = maxLinearWorkgroup(gpu);
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw new RangeError(`${op}: workgroupSize must be an integer in [1, ${max}], got ${size}`);
  }
  return size;
}

/** Throws unless every buffer (or binding range: its size) holds at least `elements[name]` 4-byte words. */
export function requireWords(
  op: string,
  buffers: Readonly<Record<string, TensorBuffer>>,
  elements: Readonly<Record<string, number>>,
): void {
  for (const [name, count] of Object.entries(elements)) {
    const bytes = bindingBytes(buffers[name]);
    if (bytes < count * 4) {
      throw new RangeError(
        `${op}: buffer '${name}' holds ${bytes} bytes but needs ${count * 4} (${count} words); ` +
          'allocate it from the same params',
      );
    }
  }
}
