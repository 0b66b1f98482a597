// RedrawThrottle: at most one run per interval, requests within it coalesced into one run at its end.
import { describe, expect, it } from 'vitest';
import { RedrawThrottle, type ThrottleClock } from '../../src/ui/redraw-throttle.ts';

function fakeClock() {
  let now = 0;
  let next = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const clock: ThrottleClock = {
    now: () => now,
    setTimeout: (callback, ms) => {
      timers.set(++next, { at: now + ms, callback });
      return next;
    },
    clearTimeout: (handle) => timers.delete(handle as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= now) {
        timers.delete(id);
        t.callback();
      }
    }
  };
  return { clock, advance, pending: () => timers.size, time: () => now };
}

describe('RedrawThrottle', () => {
  it('runs the first request at once and coalesces the next ones into one run at the interval end', () => {
    const { clock, advance, pending } = fakeClock();
    const runs: number[] = [];
    const throttle = new RedrawThrottle(450, () => runs.push(clock.now()), clock);
    throttle.request();
    expect(runs).toEqual([0]);
    advance(100);
    throttle.request();
    advance(37);
    throttle.request();
    throttle.request();
    expect(runs).toEqual([0]);
    expect(pending()).toBe(1);
    advance(312); // t = 449
    expect(runs).toEqual([0]);
    advance(1); // t = 450
    expect(runs).toEqual([0, 450]);
    expect(pending()).toBe(0);
  });

  it('runs at once again when the interval has passed since the last run', () => {
    const { clock, advance } = fakeClock();
    const runs: number[] = [];
    const throttle = new RedrawThrottle(450, () => runs.push(clock.now()), clock);
    throttle.request();
    advance(451);
    throttle.request();
    advance(900);
    throttle.request();
    expect(runs).toEqual([0, 451, 1351]);
  });

  it('drops a waiting run on cancel, and a later request waits only for what is left of the interval', () => {
    const { clock, advance, pending } = fakeClock();
    const runs: number[] = [];
    const throttle = new RedrawThrottle(300, () => runs.push(clock.now()), clock);
    throttle.request();
    advance(50);
    throttle.request();
    throttle.cancel();
    expect(pending()).toBe(0);
    advance(100); // t = 150
    throttle.request();
    advance(149);
    expect(runs).toEqual([0]);
    advance(1);
    expect(runs).toEqual([0, 300]);
  });
});
