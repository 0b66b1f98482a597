// segment_stats: min, max, sum and sum of squares of the finite values of each segment (offset,
// length) of a flat buffer, plus a count of the NaN and infinite values, which are left out of the
// rest. What the live health view reads per parameter tensor without reading the tensors back.
// The value of element i is x[i] ('plain'), or the Adam step direction
// (x[i] / correction1) / (sqrt(y[i] / correction2) + epsilon) with x = m and y = v ('adam'), so
// the last Adam update's size comes from the optimizer state. Shared by the CPU reference
// (src/reference/segment_stats.ts) and the GPU kernel; no loops over data, no GPU objects.

export type SegmentStatsMode = 'plain' | 'adam';

export interface Segment {
  offset: number;
  length: number;
}

export interface SegmentStatsParams {
  mode: SegmentStatsMode;
  /** adam: 1 - beta1^t and 1 - beta2^t of the last update (adamBiasCorrections); plain: ignored. */
  correction1: number;
  correction2: number;
  epsilon: number;
}

export const PLAIN_STATS: SegmentStatsParams = { mode: 'plain', correction1: 1, correction2: 1, epsilon: 0 };

/** Statistics of one segment. With no finite value, min is Infinity and max -Infinity. */
export interface SegmentStats {
  /** Elements in the segment. */
  count: number;
  /** NaN or infinite values (left out of min, max, sum and sumSquares). */
  nonFinite: number;
  min: number;
  max: number;
  sum: number;
  sumSquares: number;
}

/** Words the GPU writes per segment: min, max, sum, sumSquares (f32 bits), nonFinite (u32). */
export const SEGMENT_STATS_WORDS = 5;

/** Throws a RangeError naming the bad segment unless every segment lies inside `length` floats. */
export function validateSegments(op: string, segments: readonly Segment[], length: number): void {
  if (segments.length === 0) throw new RangeError(`${op}: give at least one segment`);
  segments.forEach((s, i) => {
    const whole = Number.isInteger(s.offset) && Number.isInteger(s.length) && s.offset >= 0 && s.length >= 0;
    if (!whole || s.offset + s.length > length) {
      throw new RangeError(
        `${op}: segment ${i} (offset ${s.offset}, length ${s.length}) is not inside the ${length} floats`,
      );
    }
  });
}

/** Throws unless the Adam parameters can be used (corrections in (0, 1], epsilon > 0). */
export function validateSegmentStatsParams(op: string, p: SegmentStatsParams): void {
  if (p.mode === 'plain') return;
  for (const name of ['correction1', 'correction2'] as const) {
    if (!(p[name] > 0 && p[name] <= 1)) {
      throw new RangeError(`${op}: ${name} must be in (0, 1] (1 - beta^t with t >= 1), got ${p[name]}`);
    }
  }
  if (!(p.epsilon > 0 && Number.isFinite(p.epsilon))) {
    throw new RangeError(`${op}: epsilon must be a finite number > 0, got ${p.epsilon}`);
  }
}
