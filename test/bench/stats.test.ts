// Median, spread, GFLOP/s and the sampling plan of the kernel benchmark.

import { describe, expect, it } from 'vitest';
import { gflops, median, planSamples, summarize } from '../../bench/stats.ts';

describe('summaries', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/no values/);
  });

  it('reports spread as (max - min) / median', () => {
    expect(summarize([2, 4, 3])).toEqual({ median: 3, min: 2, max: 4, spread: 2 / 3, samples: 3 });
  });

  it('converts FLOPs per ms into GFLOP/s', () => {
    expect(gflops(3e9, 1500)).toBeCloseTo(2, 12);
    expect(gflops(1, 0)).toBeNaN();
  });
});

describe('planSamples', () => {
  it('fills a ~200 ms sample with fast iterations and warms up first', () => {
    expect(planSamples(7)).toEqual({ iterations: 29, samples: 7, warmup: true });
    expect(planSamples(0.0001)).toEqual({ iterations: 256, samples: 7, warmup: true });
  });

  it('gives slow cases one iteration, three samples and no extra warm-up', () => {
    expect(planSamples(2500)).toEqual({ iterations: 1, samples: 3, warmup: false });
  });

  it('obeys explicit iterations and samples', () => {
    expect(planSamples(2500, { iterations: 4, samples: 5 })).toEqual({
      iterations: 4,
      samples: 5,
      warmup: false,
    });
    expect(planSamples(10, { sampleMs: 50 })).toEqual({ iterations: 5, samples: 7, warmup: true });
    expect(planSamples(0.001, { maxIterations: 1e6 }).iterations).toBe(200_000);
  });
});
