// The app bench's rounds: the mode order alternates between rounds; each round's ratio is its
// views window over its own closed window (rounds missing one are left out); the summary gives
// their median (odd and even counts), smallest, largest and the pooled ratio weighted by window
// length; the line prints all of them.

import { describe, expect, it } from 'vitest';
import {
  alternation,
  describeRatios,
  median,
  summariseRatios,
  type ViewsMode,
  type WindowResult,
} from '../../bench/app-rounds.ts';

const w = (round: number, views: ViewsMode, imagesPerSecond: number, seconds = 20): WindowResult => ({
  round,
  views,
  steps: Math.round((imagesPerSecond * seconds) / 8),
  seconds,
  imagesPerSecond,
  longTasks: 0,
  device: null,
});

describe('app bench rounds', () => {
  it('alternates the order of the modes', () => {
    expect(alternation(['closed', 'open'], 3)).toEqual([
      ['closed', 'open'],
      ['open', 'closed'],
      ['closed', 'open'],
    ]);
  });

  it('median of odd and even counts; NaN of none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('a ratio per round against its own closed window, their median, range and pooled ratio', () => {
    const windows = [
      w(0, 'closed', 50),
      w(0, 'open', 45),
      w(1, 'open', 66),
      w(1, 'closed', 60),
      w(2, 'closed', 40, 10),
      w(2, 'open', 38, 10),
      w(3, 'closed', 55), // its open window is missing: no ratio
    ];
    const s = summariseRatios(windows, 'open');
    expect(s.ratios).toEqual([0.9, 66 / 60, 0.95]);
    expect(s.median).toBeCloseTo(0.95, 12);
    expect([s.min, s.max]).toEqual([0.9, 66 / 60]);
    const open = (45 * 20 + 66 * 20 + 38 * 10) / 50;
    const closed = (50 * 20 + 60 * 20 + 40 * 10 + 55 * 20) / 70;
    expect(s.pooled).toBeCloseTo(open / closed, 12);
    expect(describeRatios('gpu', 'open', s)).toBe(
      `gpu open/closed: median 0.950 over 3 rounds (min 0.900, max 1.100; pooled ${(open / closed).toFixed(3)}); ` +
        'rounds: 0.900 1.100 0.950',
    );
  });
});
