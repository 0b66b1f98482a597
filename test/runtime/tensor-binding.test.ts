// Binding ranges (GPUBufferBinding) as kernel tensors: the bytes a range covers, the checks of
// bindingResource (offset alignment, bounds) and requireWords counting a range's size, not its
// buffer's. Plain objects stand in for GPUBuffers: nothing here touches a device.

import { describe, expect, it } from 'vitest';
import { requireWords } from '../../src/kernels/kernel_args.ts';
import { bindingBytes, bindingResource, bufferOf } from '../../src/runtime/tensor-binding.ts';

const flat = { label: 'flat', size: 4096 } as unknown as GPUBuffer;

describe('tensor bindings', () => {
  it('a whole buffer covers its size; a range its size, or the rest of the buffer', () => {
    expect(bindingBytes(flat)).toBe(4096);
    expect(bindingBytes({ buffer: flat, offset: 512, size: 100 })).toBe(100);
    expect(bindingBytes({ buffer: flat, offset: 768 })).toBe(4096 - 768);
    expect(bufferOf({ buffer: flat, offset: 256 })).toBe(flat);
  });

  it('bindingResource passes aligned ranges and rejects misaligned or overrunning ones', () => {
    expect(bindingResource(flat, 256, 'op', 0)).toEqual({ buffer: flat });
    expect(bindingResource({ buffer: flat, offset: 512, size: 12 }, 256, 'op', 1)).toEqual({
      buffer: flat,
      offset: 512,
      size: 12,
    });
    expect(() => bindingResource({ buffer: flat, offset: 300, size: 4 }, 256, 'dense', 2)).toThrow(
      /dense: binding 2 \('flat'\) starts at byte offset 300.*minStorageBufferOffsetAlignment \(256\)/,
    );
    expect(() => bindingResource({ buffer: flat, offset: 3840, size: 260 }, 256, 'op', 0)).toThrow(
      /covers bytes \[3840, 4100\) of a 4096-byte buffer/,
    );
  });

  it('requireWords counts the range, not the buffer behind it', () => {
    const weight = { buffer: flat, offset: 256, size: 4 * 150 };
    expect(() => requireWords('dense', { weight }, { weight: 150 })).not.toThrow();
    expect(() => requireWords('dense', { weight }, { weight: 151 })).toThrow(
      /dense: buffer 'weight' holds 600 bytes but needs 604/,
    );
  });
});
