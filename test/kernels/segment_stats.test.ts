// segment_stats host side, no GPU: the uniform layout agrees with the shader's struct, and the
// words the shader writes are read back as the documented statistics (a segment with no finite
// value reads as min Infinity, max -Infinity).

import { describe, expect, it } from 'vitest';
import { parseSegmentStats, segmentStatsUniforms } from '../../src/kernels/segment_stats.ts';
import { wgslStructFields } from './wgsl_struct.ts';

describe('segment_stats params', () => {
  it('match SegmentStatsParams in segment_stats.forward.wgsl, field by field', () => {
    expect(wgslStructFields('segment_stats.forward.wgsl', 'SegmentStatsParams')).toEqual(
      Object.entries(segmentStatsUniforms.fields),
    );
  });

  it('parses 5 words per segment from an offset; all non-finite means no min / max', () => {
    const bytes = new ArrayBuffer(4 * 11);
    const floats = new Float32Array(bytes);
    const words = new Uint32Array(bytes);
    floats.set([-1.5, 2.25, 0.75, 7.5], 1);
    words[5] = 2;
    floats.set([3.4028234663852886e38, -3.4028234663852886e38, 0, 0], 6);
    words[10] = 3;
    const segments = [
      { offset: 10, length: 9 },
      { offset: 0, length: 3 },
    ];
    expect(parseSegmentStats(bytes, segments, 4)).toEqual([
      { count: 9, nonFinite: 2, min: -1.5, max: 2.25, sum: 0.75, sumSquares: 7.5 },
      { count: 3, nonFinite: 3, min: Infinity, max: -Infinity, sum: 0, sumSquares: 0 },
    ]);
  });
});
