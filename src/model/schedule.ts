// Learning-rate schedules: the learning rate of training step t (0-based, counted over the whole
// run) as a factor of the base rate, given the run's length. A linear warm-up over the first
// `warmupSteps` steps, then constant, or a cosine or linear decay that reaches 0 at `totalSteps`.
// Decaying to ~0 by the end is what lets a short run (1 epoch) settle into a good minimum: the
// recipes (recipes.ts) rely on it. Pure: the Trainer turns it into one rate per step, and the
// backends take those rates (Backend.train's `learningRates`). Not an optimizer and no state.

import { requireFiniteNumber } from '../ops/validate.ts';

export const SCHEDULE_KINDS = ['constant', 'cosine', 'linear'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export interface LearningRateSchedule {
  kind: ScheduleKind;
  /** Steps of linear warm-up: step t < warmupSteps gets (t + 1) / warmupSteps of the rate. 0: none. */
  warmupSteps: number;
  /**
   * Length of the run in steps: 'cosine' and 'linear' fall from the full rate at step warmupSteps
   * to 0 at this step, and stay at 0 after it. Ignored by 'constant' (0 is fine there).
   */
  totalSteps: number;
}

/** The schedule that changes nothing: every step gets the base rate. */
export const CONSTANT_SCHEDULE: Readonly<LearningRateSchedule> = {
  kind: 'constant',
  warmupSteps: 0,
  totalSteps: 0,
};

function wholeNumber(field: string, value: number, fix: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`schedule: ${field} must be a whole number >= 0, got ${value}; ${fix}`);
  }
}

/** Throws an Error naming the bad field and the fix; returns quietly when `s` is usable. */
export function validateSchedule(s: LearningRateSchedule): void {
  if (!(SCHEDULE_KINDS as readonly string[]).includes(s.kind)) {
    throw new Error(
      `schedule: kind must be one of ${SCHEDULE_KINDS.join(', ')}, got ${JSON.stringify(s.kind)}`,
    );
  }
  wholeNumber('warmupSteps', s.warmupSteps, 'use 0 for no warm-up');
  wholeNumber('totalSteps', s.totalSteps, 'use the number of steps the run will take');
  if (s.kind !== 'constant' && s.warmupSteps >= s.totalSteps) {
    throw new Error(
      `schedule: a ${s.kind} decay needs warmupSteps (${s.warmupSteps}) below totalSteps (${s.totalSteps}); ` +
        'set totalSteps to the length of the run or shorten the warm-up',
    );
  }
}

/**
 * The schedule of a run of `totalSteps` (>= 1) steps. A decay's warm-up is shortened to
 * totalSteps - 1 when the run is shorter than it (e.g. a quick `--steps 20` run of a recipe with
 * 100 warm-up steps), so the decay still reaches 0 at the end.
 */
export function scheduleForRun(
  kind: ScheduleKind,
  warmupSteps: number,
  totalSteps: number,
): LearningRateSchedule {
  const warmup = kind === 'constant' ? warmupSteps : Math.min(warmupSteps, Math.max(0, totalSteps - 1));
  const schedule = { kind, warmupSteps: warmup, totalSteps };
  validateSchedule(schedule);
  return schedule;
}

/** True when every step gets the base rate, so no per-step rates are needed. */
export function isConstantSchedule(s: LearningRateSchedule): boolean {
  return s.kind === 'constant' && s.warmupSteps === 0;
}

/** The multiplier in [0, 1] of the base learning rate at 0-based step `step` (validated schedule). */
export function learningRateFactor(s: LearningRateSchedule, step: number): number {
  if (step < s.warmupSteps) return (step + 1) / s.warmupSteps;
  if (s.kind === 'constant') return 1;
  const progress = Math.min(1, (step - s.warmupSteps) / (s.totalSteps - s.warmupSteps));
  return s.kind === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
}

/** The learning rate of step `step` for base rate `base`. */
export function learningRateAt(base: number, s: LearningRateSchedule, step: number): number {
  return base * learningRateFactor(s, step);
}

/** Fills `out[i]` with the rate of step `firstStep + i` (f32, as both backends use it) and returns it. */
export function fillLearningRates(
  out: Float32Array,
  base: number,
  s: LearningRateSchedule,
  firstStep: number,
): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = learningRateAt(base, s, firstStep + i);
  return out;
}

/**
 * Backend.train's check of its optional per-step rates: one finite rate >= 0 per step. Shared by
 * both backends so a bad array is refused the same way before anything changes.
 */
export function checkStepLearningRates(rates: Float32Array | undefined, count: number): void {
  if (rates === undefined) return;
  if (rates.length !== count) {
    throw new Error(`train: learningRates has ${rates.length} entries for ${count} steps; pass one per step`);
  }
  for (let i = 0; i < rates.length; i++) {
    requireFiniteNumber(
      'train',
      `learningRates[${i}]`,
      rates[i],
      (v) => v >= 0,
      'a finite number >= 0',
      'check the schedule',
    );
  }
}
