// Workgroup-count arithmetic: ceil-division, folding a long 1-D grid into 2-D, and 3-D grids.

import { describe, expect, it } from 'vitest';
import { ceilDiv, grid3d, linearGrid } from '../../src/runtime/dispatch.ts';

describe('ceilDiv', () => {
  it('rounds up and rejects bad input', () => {
    expect([ceilDiv(0, 64), ceilDiv(1, 64), ceilDiv(64, 64), ceilDiv(65, 64), ceilDiv(100_003, 7)]).toEqual([
      0, 1, 1, 2, 14_287,
    ]);
    expect(() => ceilDiv(5, 0)).toThrow(RangeError);
    expect(() => ceilDiv(-1, 3)).toThrow(RangeError);
    expect(() => ceilDiv(2.5, 3)).toThrow(RangeError);
  });
});

describe('linearGrid', () => {
  it('uses x alone while it fits', () => {
    expect(linearGrid(4099, 64, 65_535)).toEqual({ x: 65, y: 1, z: 1 });
    expect(linearGrid(65_535, 1, 65_535)).toEqual({ x: 65_535, y: 1, z: 1 });
  });

  it('folds into y past the limit, with the smallest y and enough invocations', () => {
    expect(linearGrid(100_003, 1, 65_535)).toEqual({ x: 50_002, y: 2, z: 1 });
    for (const [n, wg, max] of [
      [65_536, 1, 65_535],
      [1_000_001, 3, 1000],
      [9_999_991, 64, 997],
    ]) {
      const { x, y, z } = linearGrid(n, wg, max);
      const workgroups = Math.ceil(n / wg);
      expect(x).toBeLessThanOrEqual(max);
      expect(x * y).toBeGreaterThanOrEqual(workgroups);
      expect(y).toBe(Math.ceil(workgroups / max));
      expect(z).toBe(1);
      // Rounding x up wastes less than one row of workgroups.
      expect(x * y - workgroups).toBeLessThan(y);
    }
  });

  it('throws, naming the sizes, when even max x max workgroups are too few', () => {
    expect(() => linearGrid(101 * 100 + 1, 1, 100)).toThrow(/10101 invocations need 10101 workgroups of 1/);
  });
});

describe('grid3d', () => {
  it('ceil-divides each dimension and names the one that overflows', () => {
    expect(grid3d([28, 28, 6], [8, 8, 1], 65_535)).toEqual({ x: 4, y: 4, z: 6 });
    expect(() => grid3d([10, 70_000, 1], [1, 1, 1], 65_535)).toThrow(/70000 workgroups along y/);
  });
});
