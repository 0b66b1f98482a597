// The views' shared budget: while training, every active view rests n / share - 1 times its read
// (so n views together take at most `share`), an inactive view counts for nothing, not training
// means no rest; ReadCost rests on the least of the last three reads and not after the first; and
// a Feed given the budget's factor rests by the factor of the moment its read ends, under fake
// timers.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadCost, VIEWS_SHARE, ViewBudget } from '../../../src/app/feeds/budget.ts';
import { Feed } from '../../../src/app/feeds/feed.ts';

describe('ViewBudget', () => {
  it('splits a twentieth among the active views while training', () => {
    let training = true;
    const active = [true, true, false];
    const budget = new ViewBudget(() => training);
    const factors = active.map((_, i) => budget.join(() => active[i]));
    expect(VIEWS_SHARE).toBe(0.05);
    expect(budget.activeViews).toBe(2);
    for (const factor of factors) expect(factor()).toBeCloseTo(39, 12);
    active[2] = true;
    expect(factors[0]()).toBeCloseTo(59, 12);
    // Each active view's share 1 / (1 + factor); together at most the budget's share.
    const n = budget.activeViews;
    expect(n / (1 + factors[0]())).toBeCloseTo(VIEWS_SHARE, 12);
    active.fill(false);
    expect(factors[1]()).toBeCloseTo(19, 12); // the view asking counts, even if its panel just closed
    training = false;
    expect(factors[0]()).toBe(0);
  });

  it('takes another share; rejects one outside (0, 1]', () => {
    const budget = new ViewBudget(() => true, 0.05);
    const factor = budget.join(() => true);
    budget.join(() => true);
    expect(factor()).toBeCloseTo(39, 12);
    expect(() => new ViewBudget(() => true, 0)).toThrow(/share/);
    expect(() => new ViewBudget(() => true, 1.5)).toThrow(/share/);
  });
});

describe('ReadCost', () => {
  it('nothing for the first read, then the least of the last three', () => {
    const cost = new ReadCost();
    expect(cost.add(25_000)).toBe(0); // pipelines made, a test evaluation queued ahead
    expect(cost.add(300)).toBe(300);
    expect(cost.add(4000)).toBe(300);
    expect(cost.add(500)).toBe(300);
    expect(cost.add(700)).toBe(500); // 300 is four reads back
    expect(cost.add(900)).toBe(500);
    expect(cost.add(800)).toBe(700);
  });
});

describe('a Feed on the budget', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rests by the factor of the moment each read ends', async () => {
    let training = true;
    let others = 1;
    const budget = new ViewBudget(() => training);
    budget.join(() => others > 0);
    const resolves: (() => void)[] = [];
    const starts: number[] = [];
    const feed = new Feed<number, string>(
      () =>
        new Promise((resolve) => {
          starts.push(Date.now());
          resolves.push(() => resolve('x'));
        }),
      () => {},
      { minIntervalMs: 0, restFactor: budget.join(() => true), now: () => Date.now() },
    );
    feed.request(0);
    await vi.advanceTimersByTimeAsync(10);
    resolves.shift()!(); // the first read: no rest
    starts.length = 0;
    const t0 = Date.now();
    feed.request(1);
    await vi.advanceTimersByTimeAsync(10);
    resolves[0](); // 10 ms with 2 views active: rest 39 x 10 = 390 ms
    feed.request(2);
    await vi.advanceTimersByTimeAsync(389);
    expect(starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts.map((t) => t - t0)).toEqual([0, 400]);
    others = 0;
    await vi.advanceTimersByTimeAsync(10);
    resolves[1](); // alone now: rest 19 x 10 = 190 ms
    feed.request(3);
    await vi.advanceTimersByTimeAsync(189);
    expect(starts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts.map((t) => t - t0)).toEqual([0, 400, 600]);
    training = false;
    await vi.advanceTimersByTimeAsync(10);
    resolves[2](); // not training: no rest
    feed.request(4);
    await vi.advanceTimersByTimeAsync(0);
    expect(starts.map((t) => t - t0)).toEqual([0, 400, 600, 610]);
    feed.stop();
  });
});
