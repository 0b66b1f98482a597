// When the session evaluates the test subset: at once for a new run, then no sooner than the
// interval or four times the last evaluation's duration, never twice at one step or while one is
// running; forced on pause; the subset halves when slow and doubles when quick, within bounds.
import { describe, expect, it } from 'vitest';
import { EvalSchedule } from '../../src/app/eval-schedule.ts';

describe('EvalSchedule', () => {
  it('spaces evaluations by the interval or four times their duration', () => {
    const s = new EvalSchedule({ minIntervalMs: 2000 });
    expect(s.due(0, 5)).toBe(true);
    expect(s.begin(5)).toBe(1000);
    expect(s.due(10, 6)).toBe(false); // one is running
    s.end(1000, 1000);
    expect(s.subset).toBe(1000);
    expect(s.due(3999, 9)).toBe(false);
    expect(s.due(5000, 9)).toBe(true); // 4 x 1000 ms after the end
    expect(s.due(5000, 5)).toBe(false); // same step as the last one
    expect(s.due(1001, 9, true)).toBe(true); // forced
  });

  it('halves a slow subset and doubles a quick one, within its bounds', () => {
    const s = new EvalSchedule({ initialSubset: 400, minSubset: 150, maxSubset: 1000, slowMs: 1000 });
    s.begin(1);
    s.end(0, 1200);
    expect(s.subset).toBe(200);
    s.begin(2);
    s.end(0, 1200);
    expect(s.subset).toBe(150);
    s.begin(3);
    s.end(0, 500);
    expect(s.subset).toBe(150);
    s.begin(4);
    s.end(0, 100);
    expect(s.subset).toBe(300);
    for (let i = 5; i < 9; i++) {
      s.begin(i);
      s.end(0, 10);
    }
    expect(s.subset).toBe(1000);
    s.reset();
    expect(s.due(0, 4)).toBe(true);
  });
});
