// The training benchmark's time box and summaries: how steps and repeats shrink to fit a cell,
// when an impl is skipped or not timed, images/s from repeats, and the loss comparison.

import { describe, expect, it } from 'vitest';
import type { TrainRow } from '../../bench/train-api.ts';
import {
  maxRelativeDifference,
  msPerImageFrom,
  planTimedRun,
  predictedSkip,
  predictStepMs,
  summarizeRepeats,
  warmupSkip,
} from '../../bench/train-plan.ts';

describe('planTimedRun', () => {
  const limits = { steps: 20, repeats: 3, cellSeconds: 10 };

  it('keeps the nominal plan when it fits', () => {
    expect(planTimedRun(150, limits)).toEqual({ steps: 20, repeats: 3, note: '' });
    expect(planTimedRun(166, limits)).toEqual({ steps: 20, repeats: 3, note: '' });
  });

  it('cuts steps per repeat first, keeping the repeats for a median', () => {
    // 3 repeats x 7 steps x 450 ms = 9.45 s <= 10 s; 8 steps would be 10.8 s.
    expect(planTimedRun(450, limits)).toEqual({
      steps: 7,
      repeats: 3,
      note: '7 of 20 steps per repeat (time box 10 s)',
    });
  });

  it('then cuts repeats, down to one repeat of one step', () => {
    expect(planTimedRun(4_000, limits)).toEqual({
      steps: 1,
      repeats: 2,
      note: '1 of 20 steps, 2 of 3 repeats (time box 10 s)',
    });
    expect(planTimedRun(25_000, limits)).toMatchObject({ steps: 1, repeats: 1 });
  });
});

describe('skips', () => {
  it('predicts a step linearly in batch from ms per image at a smaller batch', () => {
    expect(predictStepMs(undefined, 256)).toBeNull();
    expect(predictStepMs(150, 256)).toBe(38_400);
  });

  it('skips a cell only when the prediction is over the limit', () => {
    expect(predictedSkip(null, 60)).toBeNull();
    expect(predictedSkip(60_000, 60)).toBeNull();
    expect(predictedSkip(153_600, 60)).toBe(
      'skipped for time: a step would take ~154 s (from the smaller batch) > 60 s',
    );
  });

  it('does not time an impl whose last warm-up step was over the limit', () => {
    expect(warmupSkip([], 60)).toBeNull();
    expect(warmupSkip([90_000, 30_000], 60)).toBeNull();
    expect(warmupSkip([2_000, 61_500], 60)).toBe('not timed: the warm-up step took 62 s > 60 s');
    expect(warmupSkip([8_250], 5)).toBe('not timed: the warm-up step took 8.3 s > 5 s');
  });
});

describe('summarizeRepeats', () => {
  it('gives the median images/s, its spread and ms per step', () => {
    // 10 steps of 64 images in 800, 1000 and 1600 ms: 800, 640 and 400 images/s.
    const s = summarizeRepeats([1000, 800, 1600], 10, 64);
    expect(s.imagesPerS).toBeCloseTo(640, 9);
    expect(s.spread).toBeCloseTo((800 - 400) / 640, 9);
    expect(s.msPerStep).toBeCloseTo(100, 9);
  });
});

describe('maxRelativeDifference', () => {
  it('compares the pairs both lists have', () => {
    expect(maxRelativeDifference([], [1])).toBeNull();
    expect(maxRelativeDifference([2.5, 2.02, 9], [2.5, 2])).toBeCloseTo(0.01, 12);
    expect(maxRelativeDifference([NaN], [2.3])).toBe(Infinity);
  });
});

describe('msPerImageFrom', () => {
  const row = (impl: TrainRow['impl'], ms_per_step: number | null, warmup_ms: number[]) =>
    ({ impl, batch: 64, ms_per_step, warmup_ms }) as TrainRow;

  it('takes the timed step, else the last warm-up step, per impl', () => {
    const got = msPerImageFrom([row('webgpu', 640, [900, 700]), row('tfjs-webgpu', null, [5000, 128_000])]);
    expect(got).toEqual({ webgpu: 10, 'tfjs-webgpu': 2000 });
    expect(msPerImageFrom([row('cpu', null, [])])).toEqual({});
  });
});
