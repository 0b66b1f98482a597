// The generic rate-limited feed under fake timers: the first request reads at once, later ones
// wait out the interval, requests made while a read is in flight are not queued but replace each
// other (the latest wins), never two reads in flight, drop() forgets what waits, stop() drops what
// waits and ignores what is in flight, a failed read is reported and the feed goes on, a null read
// delivers nothing.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Feed } from '../../../src/app/feeds/feed.ts';

/** A read the test resolves by hand, counting how many are in flight at once. */
function manualRead() {
  const calls: { request: number; resolve: (value: string | null) => void; reject: (e: Error) => void }[] =
    [];
  let inFlight = 0;
  let maxInFlight = 0;
  const read = (request: number) =>
    new Promise<string | null>((resolve, reject) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const done = () => inFlight--;
      calls.push({
        request,
        resolve: (v) => {
          done();
          resolve(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
    });
  return { read, calls, maxInFlight: () => maxInFlight };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function makeFeed(minIntervalMs = 100) {
  const reads = manualRead();
  const delivered: [string, number][] = [];
  const errors: unknown[] = [];
  const feed = new Feed<number, string>(reads.read, (value, request) => delivered.push([value, request]), {
    minIntervalMs,
    now: () => Date.now(),
    onError: (e) => errors.push(e),
  });
  return { feed, reads, delivered, errors };
}

describe('Feed', () => {
  it('reads at once, then no sooner than minIntervalMs after the previous start', async () => {
    const { feed, reads, delivered } = makeFeed(100);
    feed.request(1);
    expect(reads.calls.map((c) => c.request)).toEqual([1]);
    await vi.advanceTimersByTimeAsync(10);
    reads.calls[0].resolve('one');
    await vi.advanceTimersByTimeAsync(0);
    expect(delivered).toEqual([['one', 1]]);
    feed.request(2);
    await vi.advanceTimersByTimeAsync(80); // 90 ms after the first start
    expect(reads.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10); // 100 ms
    expect(reads.calls.map((c) => c.request)).toEqual([1, 2]);
  });

  it('never has two reads in flight; requests made meanwhile collapse into the latest', async () => {
    const { feed, reads, delivered } = makeFeed(0);
    feed.request(1);
    for (let r = 2; r <= 9; r++) {
      feed.request(r);
      await vi.advanceTimersByTimeAsync(5);
    }
    expect(reads.calls).toHaveLength(1);
    expect(feed.busy).toBe(true);
    reads.calls[0].resolve('first');
    await vi.advanceTimersByTimeAsync(0);
    expect(reads.calls.map((c) => c.request)).toEqual([1, 9]); // 2..8 were dropped
    expect(feed.counts).toEqual({ reads: 2, dropped: 7 });
    feed.request(10);
    feed.request(11);
    reads.calls[1].resolve('latest');
    await vi.advanceTimersByTimeAsync(0);
    reads.calls[2].resolve('last');
    await vi.advanceTimersByTimeAsync(0);
    expect(reads.calls.map((c) => c.request)).toEqual([1, 9, 11]);
    expect(delivered).toEqual([
      ['first', 1],
      ['latest', 9],
      ['last', 11],
    ]);
    expect(reads.maxInFlight()).toBe(1);
    expect(feed.busy).toBe(false);
  });

  it('a request waiting for the interval is replaced, not added', async () => {
    const { feed, reads } = makeFeed(100);
    feed.request(1);
    reads.calls[0].resolve('a');
    await vi.advanceTimersByTimeAsync(1);
    feed.request(2);
    feed.request(3);
    await vi.advanceTimersByTimeAsync(200);
    expect(reads.calls.map((c) => c.request)).toEqual([1, 3]);
  });

  it('stop() drops the waiting request and ignores the read in flight; later requests do nothing', async () => {
    const { feed, reads, delivered } = makeFeed(50);
    feed.request(1);
    feed.request(2);
    feed.stop();
    reads.calls[0].resolve('late');
    await vi.advanceTimersByTimeAsync(500);
    feed.request(3);
    await vi.advanceTimersByTimeAsync(500);
    expect(reads.calls).toHaveLength(1);
    expect(delivered).toEqual([]);
    expect(feed.stopped).toBe(true);
  });

  it('drop() forgets the waiting request (also one waiting for its timer); later requests are served', async () => {
    const { feed, reads, delivered } = makeFeed(100);
    feed.request(1);
    feed.request(2); // waits for read 1
    feed.drop();
    reads.calls[0].resolve('one');
    await vi.advanceTimersByTimeAsync(500);
    feed.request(3); // the interval is over: reads at once
    reads.calls[1].resolve('three');
    await vi.advanceTimersByTimeAsync(1);
    feed.request(4); // waits for the interval on a timer
    feed.drop();
    await vi.advanceTimersByTimeAsync(500);
    expect(reads.calls.map((c) => c.request)).toEqual([1, 3]);
    expect(delivered).toEqual([
      ['one', 1],
      ['three', 3],
    ]);
    expect(feed.counts).toEqual({ reads: 2, dropped: 2 });
    expect(feed.stopped).toBe(false);
  });

  it('reports a failed read and goes on; a null read delivers nothing', async () => {
    const { feed, reads, delivered, errors } = makeFeed(0);
    feed.request(1);
    reads.calls[0].reject(new Error('device lost'));
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual([new Error('device lost')]);
    feed.request(2);
    reads.calls[1].resolve(null);
    await vi.advanceTimersByTimeAsync(0);
    feed.request(3);
    reads.calls[2].resolve('back');
    await vi.advanceTimersByTimeAsync(0);
    expect(delivered).toEqual([['back', 3]]);
  });

  /** A feed with a 100 ms interval that rests 9x each read's duration. */
  const restingFeed = (reads: ReturnType<typeof manualRead>) =>
    new Feed<number, string>(reads.read, () => {}, {
      minIntervalMs: 100,
      restFactor: 9,
      now: () => Date.now(),
    });

  /** Makes the feed's first read (it earns no rest: budget.ts ReadCost) take `ms`; returns after it. */
  const firstRead = async (feed: Feed<number, string>, reads: ReturnType<typeof manualRead>, ms: number) => {
    feed.request(0);
    await vi.advanceTimersByTimeAsync(ms);
    reads.calls[0].resolve('first');
    feed.request(1);
    await vi.advanceTimersByTimeAsync(Math.max(0, 100 - ms)); // the interval only
    expect(reads.calls.map((c) => c.request)).toEqual([0, 1]);
  };

  it('with restFactor, rests after each read but the first in proportion to how long it took', async () => {
    const reads = manualRead();
    const feed = restingFeed(reads);
    await firstRead(feed, reads, 2000);
    await vi.advanceTimersByTimeAsync(50);
    reads.calls[1].resolve('slow'); // took 50 ms, the least of the two: the next may start 450 ms after it ended
    feed.request(2);
    await vi.advanceTimersByTimeAsync(449);
    expect(reads.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads.calls.map((c) => c.request)).toEqual([0, 1, 2]);
    reads.calls[2].resolve('quick'); // took 0 ms: only the interval applies
    feed.request(3);
    await vi.advanceTimersByTimeAsync(99);
    expect(reads.calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads.calls.map((c) => c.request)).toEqual([0, 1, 2, 3]);
    await vi.advanceTimersByTimeAsync(5000);
    reads.calls[3].resolve('waited'); // 5 s behind other work: rests on the least of the last three (0 ms)
    feed.request(4);
    await vi.advanceTimersByTimeAsync(100);
    expect(reads.calls.map((c) => c.request)).toEqual([0, 1, 2, 3, 4]);
  });

  it('an urgent request skips the rest, not the interval', async () => {
    const reads = manualRead();
    const feed = restingFeed(reads);
    await firstRead(feed, reads, 50);
    await vi.advanceTimersByTimeAsync(50);
    reads.calls[1].resolve('slow'); // earns a rest of 450 ms
    feed.request(2);
    await vi.advanceTimersByTimeAsync(20); // resting
    feed.request(3, true);
    await vi.advanceTimersByTimeAsync(29); // 99 ms after its start: the interval still holds
    expect(reads.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads.calls.map((c) => c.request)).toEqual([0, 1, 3]);
  });

  it('rejects a negative interval or rest factor', () => {
    const make = (options: { minIntervalMs: number; restFactor?: number }) => () =>
      new Feed(
        async () => 1,
        () => {},
        options,
      );
    expect(make({ minIntervalMs: 0, restFactor: -1 })).toThrow(/restFactor/);
    expect(
      () =>
        new Feed(
          async () => 1,
          () => {},
          { minIntervalMs: -1 },
        ),
    ).toThrow(/minIntervalMs/);
  });
});
