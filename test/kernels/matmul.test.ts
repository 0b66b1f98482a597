// The matmul kernel's host-side arithmetic, without a GPU: the uniform layout against the WGSL
// struct, split-K chunking (never an empty chunk), the workgroup memory the tiles need, and the
// tile checks (even workgroup sides, the memory limit).

import { describe, expect, it } from 'vitest';
import {
  matmulUniforms,
  matmulWorkgroupBytes,
  resolveMatmulTiles,
  splitK,
} from '../../src/kernels/matmul.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
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
  it('counts both vec4 tiles, rows padded to an odd number of vec4s', () => {
    // 8x8 workgroup: 64-wide blocks = 16 vec4 (+ 1 pad) per k row, 16 rows, two tiles, 16 B a vec4.
    expect(matmulWorkgroupBytes({ workgroupX: 8, workgroupY: 8, tileK: 16 })).toBe(16 * 16 * (17 + 17));
    // A block 32 rows (8 + 1 vec4s), B block 64 columns (16 + 1 vec4s), 8 k rows.
    expect(matmulWorkgroupBytes({ workgroupX: 8, workgroupY: 4, tileK: 8 })).toBe(16 * 8 * (9 + 17));
    // 128-wide blocks: 33 vec4s a row, 16896 B, just over WebGPU's default 16384.
    expect(matmulWorkgroupBytes({ workgroupX: 16, workgroupY: 16, tileK: 16 })).toBe(16 * 16 * (33 + 33));
  });
});

/** Just enough of a Gpu for resolveMatmulTiles: WebGPU's default limits. */
const defaultLimitsGpu = {
  limits: {
    maxComputeWorkgroupSizeX: 256,
    maxComputeWorkgroupSizeY: 256,
    maxComputeInvocationsPerWorkgroup: 256,
    maxComputeWorkgroupStorageSize: 16384,
  },
} as unknown as Gpu;

describe('resolveMatmulTiles', () => {
  it('defaults to 8x8 workgroups (64 x 64 blocks of C), tileK 16', () => {
    expect(resolveMatmulTiles(defaultLimitsGpu)).toEqual({ workgroupX: 8, workgroupY: 8, tileK: 16 });
    expect(resolveMatmulTiles(defaultLimitsGpu, { workgroupY: 4, tileK: 8 })).toEqual({
      workgroupX: 8,
      workgroupY: 4,
      tileK: 8,
    });
  });

  it('refuses an odd workgroup side and names the even one to use', () => {
    expect(() => resolveMatmulTiles(defaultLimitsGpu, { workgroupX: 5 })).toThrow(
      /workgroup 5x8 has an odd side.*e\.g\. 6x8/,
    );
    expect(() => resolveMatmulTiles(defaultLimitsGpu, { workgroupX: 4, workgroupY: 1 })).toThrow(
      /must both be even \(e\.g\. 4x2\)/,
    );
  });

  it('refuses tiles over the workgroup memory limit: 16x16 needs tileK 8 under the default 16384 B', () => {
    expect(() => resolveMatmulTiles(defaultLimitsGpu, { workgroupX: 16, workgroupY: 16 })).toThrow(
      /need 16896 bytes of workgroup memory, this device allows 16384/,
    );
    expect(resolveMatmulTiles(defaultLimitsGpu, { workgroupX: 16, workgroupY: 16, tileK: 8 }).tileK).toBe(8);
  });
});
