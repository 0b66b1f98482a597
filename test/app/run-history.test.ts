// The curves' data: training metrics pooled into points (early first point, then by examples or
// by time), test points, epochs from examples seen, weighted thinning of long runs, and the
// images/s rate over a sliding window.
import { describe, expect, it } from 'vitest';
import { RunHistory } from '../../src/app/run-history.ts';

const chunk = (steps: number, batch: number, loss: number, accuracy: number) => ({
  steps,
  examples: steps * batch,
  lossSum: loss * steps * batch,
  correct: Math.round(accuracy * steps * batch),
});

describe('RunHistory', () => {
  it('pools chunks into points: the first after 256 examples, then every 2000 or every second', () => {
    const h = new RunHistory({ trainCount: 6000 });
    expect(h.addTraining(chunk(3, 64, 2.0, 0.25), 0)).toBe(false);
    expect(h.addTraining(chunk(1, 64, 1.0, 0.5), 10)).toBe(true);
    expect(h.train).toEqual([{ epoch: 256 / 6000, step: 4, loss: 1.75, accuracy: 0.3125 }]);
    expect(h.addTraining(chunk(20, 64, 1.0, 0.5), 20)).toBe(false);
    expect(h.addTraining(chunk(20, 64, 0.5, 0.75), 30)).toBe(true); // 2560 examples pooled
    expect(h.train[1]).toEqual({ epoch: (44 * 64) / 6000, step: 44, loss: 0.75, accuracy: 0.625 });
    expect(h.addTraining(chunk(1, 64, 0.4, 0.5), 1029)).toBe(false);
    expect(h.addTraining(chunk(1, 64, 0.2, 1), 1031)).toBe(true); // a second since the last point
    expect(h.train[2]).toMatchObject({ step: 46, loss: 0.30000000000000004, accuracy: 0.75 });
  });

  it('makes a point at once for a non-finite loss, and flushes what is pooled', () => {
    const h = new RunHistory({ trainCount: 1000 });
    h.addTraining(chunk(5, 64, 1, 0.5), 0);
    h.addTraining(chunk(1, 64, 1, 0.5), 1);
    expect(h.addTraining({ steps: 1, examples: 64, lossSum: NaN, correct: 3 }, 2)).toBe(true);
    expect(h.train.at(-1)?.loss).toBeNaN();
    h.addTraining(chunk(1, 64, 0.5, 0.5), 3);
    h.flush();
    expect(h.train.at(-1)).toMatchObject({ step: 8, loss: 0.5 });
    h.flush();
    expect(h.train).toHaveLength(3);
  });

  it('thins a long curve by merging neighbours weighted by their examples', () => {
    const h = new RunHistory({ trainCount: 1000, examplesPerPoint: 10, maxPoints: 4 });
    h.addTraining(chunk(1, 30, 1, 0), 0);
    h.addTraining(chunk(1, 10, 3, 1), 1);
    h.addTraining(chunk(1, 10, 5, 1), 2);
    h.addTraining(chunk(1, 30, 1, 0), 3);
    h.addTraining(chunk(1, 10, 2, 1), 4);
    expect(h.train.map((p) => [p.step, p.loss, p.accuracy])).toEqual([
      [2, 1.5, 0.25],
      [4, 2, 0.25],
      [5, 2, 1],
    ]);
  });

  it('records test points at the current position and measures images per second', () => {
    const h = new RunHistory({ trainCount: 500, rateWindowMs: 1000 });
    h.addTraining(chunk(2, 50, 1, 0.5), 0);
    h.addTraining(chunk(2, 50, 1, 0.5), 500);
    h.addTraining(chunk(2, 50, 1, 0.5), 1000);
    expect(h.imagesPerSecond(1000)).toBe(200);
    expect(h.addTest(40, 20, 30)).toEqual({ epoch: 0.6, step: 6, loss: 0.5, accuracy: 0.75, examples: 40 });
    h.addTraining(chunk(1, 50, 1, 0.5), 3000);
    expect(h.imagesPerSecond(3000)).toBeCloseTo(50 / 2, 10);
    h.resetRate();
    expect(h.imagesPerSecond(3000)).toBe(0);
  });
});
