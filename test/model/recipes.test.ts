// The preset recipes (src/model/recipes.ts): one per preset, usable as they stand (optimizer
// settings valid, the warm-up inside one MNIST epoch at the recipe's batch, the schedule valid for
// the recipe's run), and handed out as copies.

import { describe, expect, it } from 'vitest';
import { validateAdam } from '../../src/ops/adam.ts';
import { validateSgd } from '../../src/ops/sgd.ts';
import { PRESET_NAMES } from '../../src/model/presets.ts';
import { DEFAULT_LEARNING_RATES, recipe } from '../../src/model/recipes.ts';
import { scheduleForRun } from '../../src/model/schedule.ts';

const MNIST_TRAIN = 60_000;

describe('recipes', () => {
  it.each(PRESET_NAMES)(
    '%s: valid optimizer, warm-up within the first epoch, schedule for the run',
    (name) => {
      const r = recipe(name);
      if (r.optimizer.kind === 'adam') expect(() => validateAdam({ ...r.optimizer, step: 1 })).not.toThrow();
      else expect(() => validateSgd(r.optimizer)).not.toThrow();
      expect(Number.isInteger(r.batch) && r.batch >= 1).toBe(true);
      expect(Number.isInteger(r.epochs) && r.epochs >= 1).toBe(true);
      const stepsPerEpoch = Math.floor(MNIST_TRAIN / r.batch);
      expect(r.warmupSteps).toBeLessThan(stepsPerEpoch);
      const schedule = scheduleForRun(r.schedule, r.warmupSteps, r.epochs * stepsPerEpoch);
      expect(schedule.warmupSteps).toBe(r.warmupSteps); // not shortened for a whole run
    },
  );

  it('hands out copies', () => {
    const a = recipe('lenet5');
    a.optimizer.learningRate = 123;
    a.batch = 1;
    expect(recipe('lenet5').optimizer.learningRate).not.toBe(123);
    expect(recipe('lenet5').batch).not.toBe(1);
  });

  it('has the usual rate of each optimizer for runs that switch', () => {
    expect(DEFAULT_LEARNING_RATES).toEqual({ sgd: 0.05, adam: 0.001 });
  });
});
