// gather_batch kernel host side, no GPU: the uniform layout agrees with the shader's struct, order
// buffers are checked against the split before upload, and a dataset too large for one storage
// binding is refused with the sizes and the limit named.

import { describe, expect, it } from 'vitest';
import { gatherBatchUniforms } from '../../src/kernels/gather_batch.ts';
import { checkOrder, checkStorageSize } from '../../src/kernels/gather_batch_data.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { wgslStructFields } from './wgsl_struct.ts';

/** Just enough of a Gpu for checkStorageSize: its limits. */
function gpuWithLimits(maxStorageBufferBindingSize: number, maxBufferSize: number): Gpu {
  return { limits: { maxStorageBufferBindingSize, maxBufferSize } } as unknown as Gpu;
}

describe('gather_batch params', () => {
  it('match GatherBatchParams in gather_batch.forward.wgsl, field by field', () => {
    expect(wgslStructFields('gather_batch.forward.wgsl', 'GatherBatchParams')).toEqual(
      Object.entries(gatherBatchUniforms.fields),
    );
  });
});

describe('checkOrder', () => {
  it('accepts indices below the split size', () => {
    expect(() => checkOrder(Uint32Array.from([4, 0, 3, 1, 2]), 5)).not.toThrow();
  });

  it('names the first index outside the split and the fix', () => {
    expect(() => checkOrder(Uint32Array.from([0, 7, 9]), 7)).toThrow(
      /order\[1\] is 7, outside the 7 images of the split; build the order with epochPermutation/,
    );
  });

  it('rejects an empty order', () => {
    expect(() => checkOrder(new Uint32Array(0), 7)).toThrow(/the order is empty/);
  });
});

describe('checkStorageSize', () => {
  const mnistTrainBytes = 60000 * 784;

  it('lets the MNIST training images (47 MB) through under the default 128 MiB limit', () => {
    expect(() =>
      checkStorageSize(gpuWithLimits(128 * 2 ** 20, 256 * 2 ** 20), 'mnist train images', mnistTrainBytes),
    ).not.toThrow();
  });

  it('refuses data larger than the binding limit, naming sizes and limit', () => {
    expect(() =>
      checkStorageSize(gpuWithLimits(32 * 2 ** 20, 256 * 2 ** 20), 'mnist train images', mnistTrainBytes),
    ).toThrow(
      /mnist train images: 44\.9 MiB does not fit one storage binding on this device \(maxStorageBufferBindingSize 32\.0 MiB\)/,
    );
  });

  it('names maxBufferSize when that is the smaller limit', () => {
    expect(() =>
      checkStorageSize(gpuWithLimits(128 * 2 ** 20, 40 * 2 ** 20), 'images', mnistTrainBytes),
    ).toThrow(/maxBufferSize 40\.0 MiB/);
  });
});
