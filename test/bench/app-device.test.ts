// deviceShares: a submit's device time runs from the later of its submission and the previous
// completion to its own completion; labels fold step counts but keep probe image counts; only
// submits completed inside the window count; addShares sums runs.

import { describe, expect, it } from 'vitest';
import { addShares, describeShares, deviceShares, type SubmitRecord } from '../../bench/app-device.ts';

const records: SubmitRecord[] = [
  { label: 'train 2 steps', at: 0, done: 50 }, // before the window: only sets "previous"
  { label: 'train 1 steps', at: 40, done: 300 }, // queued behind it: 250 ms of its own
  { label: 'probe 8 image(s)', at: 120, done: 340 }, // 40 ms
  { label: 'readback', at: 500, done: 510 }, // idle device before: 10 ms
  { label: 'train 3 steps', at: 505, done: 900 }, // 390 ms
  { label: 'probe 16 image(s)', at: 600, done: 0 }, // never finished: ignored
  { label: 'ascent step', at: 950, done: 1200 }, // after the window
];

describe('deviceShares', () => {
  it('sums device time per folded label inside the window', () => {
    const shares = deviceShares(records, 100, 1000);
    expect(shares.windowMs).toBe(900);
    expect(shares.shares).toEqual([
      { label: 'train N steps', submits: 2, ms: 640, meanLatencyMs: (260 + 395) / 2 },
      { label: 'probe 8 image(s)', submits: 1, ms: 40, meanLatencyMs: 220 },
      { label: 'readback', submits: 1, ms: 10, meanLatencyMs: 10 },
    ]);
    expect(shares.busy).toBeCloseTo(690 / 900, 12);
    expect(describeShares(shares)[0]).toBe('device busy 76.7% of 1 s');
  });

  it('adds runs', () => {
    const one = deviceShares(records, 100, 1000);
    const both = addShares([one, one]);
    expect(both.windowMs).toBe(1800);
    expect(both.shares[0]).toEqual({ ...one.shares[0], submits: 4, ms: 1280 });
    expect(both.busy).toBeCloseTo(one.busy, 12);
  });
});
