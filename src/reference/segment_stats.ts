// CPU reference for segment_stats (src/ops/segment_stats.ts): per segment, the finite values'
// min, max, sum and sum of squares accumulated in doubles, and the count of NaN / infinite values.
// Also what the CPU backend's parameterStats() uses. Naive loop, no GPU.

import {
  validateSegments,
  validateSegmentStatsParams,
  type Segment,
  type SegmentStats,
  type SegmentStatsParams,
} from '../ops/segment_stats.ts';

const OP = 'segment_stats';

/** Statistics of x (plain) or of the Adam direction of (x = m, y = v), per segment. */
export function segmentStats(
  x: ArrayLike<number>,
  y: ArrayLike<number> | null,
  segments: readonly Segment[],
  p: SegmentStatsParams,
): SegmentStats[] {
  validateSegments(OP, segments, x.length);
  validateSegmentStatsParams(OP, p);
  if (p.mode === 'adam' && (!y || y.length !== x.length)) {
    throw new RangeError(`${OP}: adam mode needs y (v) as long as x (m)`);
  }
  return segments.map(({ offset, length }) => {
    const stats: SegmentStats = {
      count: length,
      nonFinite: 0,
      min: Infinity,
      max: -Infinity,
      sum: 0,
      sumSquares: 0,
    };
    for (let i = offset; i < offset + length; i++) {
      // Math.fround: the GPU computes the direction in f32.
      const value =
        p.mode === 'plain'
          ? x[i]
          : Math.fround(
              Math.fround(x[i] / p.correction1) /
                Math.fround(Math.fround(Math.sqrt(Math.fround(y![i] / p.correction2))) + p.epsilon),
            );
      if (!Number.isFinite(value)) {
        stats.nonFinite++;
        continue;
      }
      if (value < stats.min) stats.min = value;
      if (value > stats.max) stats.max = value;
      stats.sum += value;
      stats.sumSquares += value * value;
    }
    return stats;
  });
}
