// The matmul kernel's host-side arithmetic, without a GPU: the uniform layout against the WGSL
// struct, split-K chunking (never an empty chunk), and the workgroup memory the tiles need.

import { describe, expect, it } from 'vitest';
import { matmulUniforms, matmulWorkgroupBytes, splitK } from '../../src/kernels/matmul.ts';
import { wgslStructFields } from './wgsl_struct.ts';

describe('matmul params', () => {
  it('match struct MatmulParams in the shader, field by field', () => {
    expect(wgslStructFields('matmul.forward.wgsl', 'MatmulParams')).toEqual(
      Object.entries(matmulUniforms.fields),
    );
  });
});

describe('splitK', () => {
  it('rounds chunks up to whole K-steps', () => {
    expect(splitK(130, 3, 16)).toEqual({ kChunk: 48, splits: 3 });
    expect(splitK(200, 4, 8)).toEqual({ kChunk: 56, splits: 4 });
  });

  it('drops chunks that rounding would leave empty', () => {
    // ceil(100 / 6) = 17 -> 32 per chunk: only 4 chunks hold any of K.
    expect(splitK(100, 6, 16)).toEqual({ kChunk: 32, splits: 4 });
    expect(splitK(3, 3, 16)).toEqual({ kChunk: 16, splits: 1 });
  });

  it('covers K exactly: the last chunk is non-empty and none runs past K', () => {
    for (const [k, splits, tileK] of [
      [1, 1, 16],
      [65, 5, 16],
      [785, 7, 8],
      [4096, 32, 16],
    ]) {
      const plan = splitK(k, splits, tileK);
      expect(plan.kChunk % tileK).toBe(0);
      expect(plan.splits * plan.kChunk).toBeGreaterThanOrEqual(k);
      expect((plan.splits - 1) * plan.kChunk).toBeLessThan(k);
    }
  });
});

describe('matmulWorkgroupBytes', () => {
  it('counts both padded tiles: 16 x (64 + 2) floats each for the default 16x16, tileK 16', () => {
    expect(matmulWorkgroupBytes({ workgroupX: 16, workgroupY: 16, tileK: 16 })).toBe(4 * 16 * 2 * 66);
    expect(matmulWorkgroupBytes({ workgroupX: 8, workgroupY: 4, tileK: 8 })).toBe(4 * 8 * (20 + 36));
    expect(matmulWorkgroupBytes({ workgroupX: 16, workgroupY: 16, tileK: 64 })).toBe(4 * 64 * 2 * 65);
  });
});
