// Learning-rate schedules (src/model/schedule.ts): warm-up, constant / cosine / linear values at
// known steps, the end of the run, validation messages and the per-step rate check the backends use.

import { describe, expect, it } from 'vitest';
import {
  checkStepLearningRates,
  CONSTANT_SCHEDULE,
  fillLearningRates,
  isConstantSchedule,
  learningRateAt,
  learningRateFactor,
  scheduleForRun,
  validateSchedule,
  type LearningRateSchedule,
} from '../../src/model/schedule.ts';

const cosine: LearningRateSchedule = { kind: 'cosine', warmupSteps: 3, totalSteps: 23 };
const linear: LearningRateSchedule = { kind: 'linear', warmupSteps: 3, totalSteps: 23 };

describe('learningRateFactor', () => {
  it('warms up linearly: step t < warmup gets (t + 1) / warmup, then the full rate', () => {
    for (const s of [cosine, linear, { ...CONSTANT_SCHEDULE, warmupSteps: 3 }]) {
      expect([0, 1, 2, 3].map((t) => learningRateFactor(s, t))).toEqual([1 / 3, 2 / 3, 1, 1]);
    }
  });

  it('cosine: 1 after the warm-up, 1/2 halfway through the decay, 0 at totalSteps and after', () => {
    // The decay spans steps 3..23 (20 steps): halfway is step 13, a quarter is step 8.
    expect(learningRateFactor(cosine, 13)).toBeCloseTo(0.5, 15);
    expect(learningRateFactor(cosine, 8)).toBeCloseTo((1 + Math.SQRT1_2) / 2, 15);
    expect(learningRateFactor(cosine, 22)).toBeCloseTo((1 + Math.cos((Math.PI * 19) / 20)) / 2, 15);
    expect(learningRateFactor(cosine, 23)).toBe(0);
    expect(learningRateFactor(cosine, 40)).toBe(0);
  });

  it('linear: falls by 1/20 per step from step 3 to 0 at step 23', () => {
    expect(learningRateFactor(linear, 8)).toBeCloseTo(0.75, 15);
    expect(learningRateFactor(linear, 22)).toBeCloseTo(0.05, 15);
    expect(learningRateFactor(linear, 23)).toBe(0);
    expect(learningRateFactor(linear, 99)).toBe(0);
  });

  it('constant without warm-up is 1 everywhere and needs no per-step rates', () => {
    expect([0, 5, 1e6].map((t) => learningRateFactor(CONSTANT_SCHEDULE, t))).toEqual([1, 1, 1]);
    expect(isConstantSchedule(CONSTANT_SCHEDULE)).toBe(true);
    expect(isConstantSchedule({ ...CONSTANT_SCHEDULE, warmupSteps: 1 })).toBe(false);
    expect(isConstantSchedule(cosine)).toBe(false);
  });

  it('decays without warm-up start at the full rate', () => {
    const s: LearningRateSchedule = { kind: 'cosine', warmupSteps: 0, totalSteps: 7 };
    expect(learningRateFactor(s, 0)).toBe(1);
    expect(learningRateFactor({ ...s, kind: 'linear' }, 0)).toBe(1);
  });
});

describe('learningRateAt and fillLearningRates', () => {
  it('scale the base rate; the filled rates are the f32 values from firstStep on', () => {
    expect(learningRateAt(0.003, linear, 8)).toBeCloseTo(0.00225, 15);
    const rates = fillLearningRates(new Float32Array(5), 0.003, cosine, 1);
    const expected = [1, 2, 3, 4, 5].map((t) => Math.fround(learningRateAt(0.003, cosine, t)));
    expect(Array.from(rates)).toEqual(expected);
  });
});

describe('validateSchedule', () => {
  it('accepts usable schedules, constant with any totalSteps', () => {
    for (const s of [
      cosine,
      linear,
      CONSTANT_SCHEDULE,
      { kind: 'constant', warmupSteps: 9, totalSteps: 2 },
    ]) {
      expect(() => validateSchedule(s as LearningRateSchedule)).not.toThrow();
    }
  });

  it.each([
    [
      { kind: 'step', warmupSteps: 0, totalSteps: 5 },
      /kind must be one of constant, cosine, linear, got "step"/,
    ],
    [{ kind: 'cosine', warmupSteps: -1, totalSteps: 5 }, /warmupSteps must be a whole number >= 0, got -1/],
    [{ kind: 'linear', warmupSteps: 0, totalSteps: 2.5 }, /totalSteps must be a whole number >= 0, got 2.5/],
    [{ kind: 'cosine', warmupSteps: 5, totalSteps: 5 }, /warmupSteps \(5\) below totalSteps \(5\)/],
    [{ kind: 'linear', warmupSteps: 0, totalSteps: 0 }, /set totalSteps to the length of the run/],
  ])('rejects %j', (s, message) => {
    expect(() => validateSchedule(s as LearningRateSchedule)).toThrow(message);
  });
});

describe('checkStepLearningRates', () => {
  it('accepts no rates, or one finite rate >= 0 per step (0 included)', () => {
    expect(() => checkStepLearningRates(undefined, 4)).not.toThrow();
    expect(() => checkStepLearningRates(new Float32Array([0.1, 0, 0.05]), 3)).not.toThrow();
  });

  it('rejects a wrong length, NaN, Inf and negative rates, naming the entry', () => {
    expect(() => checkStepLearningRates(new Float32Array(2), 3)).toThrow(/2 entries for 3 steps/);
    expect(() => checkStepLearningRates(new Float32Array([0.1, NaN]), 2)).toThrow(/learningRates\[1\]/);
    expect(() => checkStepLearningRates(new Float32Array([Infinity]), 1)).toThrow(/learningRates\[0\]/);
    expect(() => checkStepLearningRates(new Float32Array([0.1, 0.1, -0.01]), 3)).toThrow(
      /learningRates\[2\].*>= 0/,
    );
  });
});

describe('scheduleForRun', () => {
  it('spans the run, shortening a decay warm-up that does not fit', () => {
    expect(scheduleForRun('cosine', 100, 937)).toEqual({ kind: 'cosine', warmupSteps: 100, totalSteps: 937 });
    expect(scheduleForRun('linear', 100, 20)).toEqual({ kind: 'linear', warmupSteps: 19, totalSteps: 20 });
    expect(scheduleForRun('cosine', 5, 1)).toEqual({ kind: 'cosine', warmupSteps: 0, totalSteps: 1 });
    expect(scheduleForRun('constant', 100, 20)).toEqual({
      kind: 'constant',
      warmupSteps: 100,
      totalSteps: 20,
    });
    expect(() => scheduleForRun('cosine', 0, 0)).toThrow(/below totalSteps/);
  });
});
