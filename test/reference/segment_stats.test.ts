// The segment_stats reference on hand-computed cases: plain statistics with NaN / Inf counted and
// left out, an empty segment, overlapping segments, the Adam step direction against
// torch.optim.Adam's formula, and the argument checks.

import { describe, expect, it } from 'vitest';
import { PLAIN_STATS } from '../../src/ops/segment_stats.ts';
import { segmentStats } from '../../src/reference/segment_stats.ts';

describe('segmentStats', () => {
  it('min, max, sum, sum of squares of finite values; NaN and Inf counted apart', () => {
    const x = [3, -2, NaN, 0.5, Infinity, -Infinity, 4];
    const [all, empty, tail] = segmentStats(
      x,
      null,
      [
        { offset: 0, length: 7 },
        { offset: 2, length: 0 },
        { offset: 3, length: 4 },
      ],
      PLAIN_STATS,
    );
    expect(all).toEqual({ count: 7, nonFinite: 3, min: -2, max: 4, sum: 5.5, sumSquares: 29.25 });
    expect(empty).toEqual({ count: 0, nonFinite: 0, min: Infinity, max: -Infinity, sum: 0, sumSquares: 0 });
    expect(tail).toEqual({ count: 4, nonFinite: 2, min: 0.5, max: 4, sum: 4.5, sumSquares: 16.25 });
  });

  it('Adam direction: (m / c1) / (sqrt(v / c2) + eps), as the update divided by the learning rate', () => {
    const m = [0.02, -0.01, 0];
    const v = [4e-4, 1e-4, 0];
    const params = { mode: 'adam' as const, correction1: 0.1, correction2: 0.001, epsilon: 1e-8 };
    const [stats] = segmentStats(m, v, [{ offset: 0, length: 3 }], params);
    const direction = [0, 1, 2].map((i) => m[i] / 0.1 / (Math.sqrt(v[i] / 0.001) + 1e-8));
    expect(direction[0]).toBeCloseTo(0.3162, 4);
    expect(stats.nonFinite).toBe(0);
    expect(stats.max).toBeCloseTo(direction[0], 6);
    expect(stats.min).toBeCloseTo(direction[1], 6);
    expect(stats.sum).toBeCloseTo(direction[0] + direction[1], 6);
    expect(stats.sumSquares).toBeCloseTo(direction[0] ** 2 + direction[1] ** 2, 6);
  });

  it('rejects segments outside the buffer, Adam without v, and bad corrections', () => {
    expect(() => segmentStats([1, 2], null, [{ offset: 1, length: 2 }], PLAIN_STATS)).toThrow(
      /segment 0 \(offset 1, length 2\) is not inside the 2 floats/,
    );
    expect(() => segmentStats([1], null, [], PLAIN_STATS)).toThrow(/at least one segment/);
    const adam = { mode: 'adam' as const, correction1: 0.1, correction2: 0.1, epsilon: 1e-8 };
    expect(() => segmentStats([1], null, [{ offset: 0, length: 1 }], adam)).toThrow(/needs y/);
    expect(() => segmentStats([1], [1], [{ offset: 0, length: 1 }], { ...adam, correction2: 0 })).toThrow(
      /correction2 must be in \(0, 1\]/,
    );
  });
});
