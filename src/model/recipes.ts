// The recommended training recipe of each preset network (presets.ts): optimizer, learning rate,
// batch, schedule and run length, in one place so the CLI's defaults and the app's start from the
// same values. Chosen with scripts/explore_recipes.py (PyTorch, same init and data order) and then
// measured with our own CPU backend (`npm run train`); the figures are in docs/cli.md.
// Not a network and not the schedule maths (schedule.ts).

import { DEFAULT_OPTIMIZER, type OptimizerSettings } from './backend.ts';
import type { PresetName } from './presets.ts';
import type { ScheduleKind } from './schedule.ts';

export interface TrainingRecipe {
  optimizer: OptimizerSettings;
  batch: number;
  /** Whole epochs the recipe was measured over; its schedule spans whatever run it is given. */
  epochs: number;
  schedule: ScheduleKind;
  /** Steps of linear warm-up at the start of the run. */
  warmupSteps: number;
}

/** The usual learning rate of each optimizer, for a run that picks another optimizer than its recipe's. */
export const DEFAULT_LEARNING_RATES: Readonly<Record<OptimizerSettings['kind'], number>> = {
  sgd: 0.05,
  adam: 0.001,
};

const RECIPES: Readonly<Record<PresetName, TrainingRecipe>> = {
  // Sigmoids: the fc layer's 2880 inputs sit near 0.5, so plain SGD barely learns in an epoch;
  // Adam with a high peak reached after a long warm-up, and small batches (more updates), do. A
  // higher peak (0.012) collapsed 2 seeds of 3. With LeCun init (layout.ts) seeds 0-2 reach 97.8-98.2%.
  seed: {
    optimizer: { ...DEFAULT_OPTIMIZER, kind: 'adam', learningRate: 0.008 },
    batch: 8,
    epochs: 1,
    schedule: 'cosine',
    warmupSteps: 2000,
  },
  // A decay to 0 and a higher peak after a longer warm-up: 97.7% -> ~98.8% after one epoch.
  lenet5: {
    optimizer: { ...DEFAULT_OPTIMIZER, kind: 'adam', learningRate: 0.005 },
    batch: 32,
    epochs: 1,
    schedule: 'linear',
    warmupSteps: 400,
  },
  // Warm-up and a decay to 0 as the others, with a gentler peak: its 9216-input fc layer makes high
  // Adam peaks risky. Not swept: one CPU epoch of it takes 30+ minutes here.
  convnet: {
    optimizer: { ...DEFAULT_OPTIMIZER, kind: 'adam', learningRate: 0.002 },
    batch: 32,
    epochs: 1,
    schedule: 'cosine',
    warmupSteps: 200,
  },
};

/** A fresh copy of the recipe of preset `name`, safe to change. */
export function recipe(name: PresetName): TrainingRecipe {
  return structuredClone(RECIPES[name]);
}
