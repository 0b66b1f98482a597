// The time box of the training benchmark: how many steps and repeats an impl gets in a cell from
// its warm-up step time, when a cell is not timed at all, and the images/s summary of the repeats.
// Pure functions (stats from stats.ts), unit-tested; nothing here runs a step.

import { median, summarize } from './stats.ts';
import type { TrainImpl, TrainRow } from './train-api.ts';

export interface TimedPlan {
  steps: number;
  repeats: number;
  /** Empty when the nominal plan fits the box; else what was cut. */
  note: string;
}

export interface PlanLimits {
  steps: number;
  repeats: number;
  cellSeconds: number;
}

/**
 * Fits `repeats` x `steps` steps of `stepMs` into `cellSeconds`: first fewer steps per repeat
 * (keeping the repeats for a median), then fewer repeats, never less than 1 x 1.
 */
export function planTimedRun(stepMs: number, limits: PlanLimits): TimedPlan {
  const budget = limits.cellSeconds * 1000;
  const { steps, repeats } = limits;
  if (steps * repeats * stepMs <= budget) return { steps, repeats, note: '' };
  const fewerSteps = Math.floor(budget / (repeats * stepMs));
  const box = `time box ${limits.cellSeconds} s`;
  if (fewerSteps >= 1) {
    return { steps: fewerSteps, repeats, note: `${fewerSteps} of ${steps} steps per repeat (${box})` };
  }
  const fewerRepeats = Math.max(1, Math.min(repeats, Math.floor(budget / stepMs)));
  return {
    steps: 1,
    repeats: fewerRepeats,
    note: `1 of ${steps} steps, ${fewerRepeats} of ${repeats} repeats (${box})`,
  };
}

/** A step's ms at `batch`, from ms per image at a smaller batch of the same net (linear in batch). */
export function predictStepMs(msPerImage: number | undefined, batch: number): number | null {
  return msPerImage === undefined ? null : msPerImage * batch;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** Why an impl is not run at all in a cell (a predicted step over the limit), or null. */
export function predictedSkip(predictedMs: number | null, maxStepSeconds: number): string | null {
  if (predictedMs === null || predictedMs <= maxStepSeconds * 1000) return null;
  return `skipped for time: a step would take ~${seconds(predictedMs)} (from the smaller batch) > ${maxStepSeconds} s`;
}

/** Why an impl is not timed after its warm-up (its step is over the limit), or null. */
export function warmupSkip(warmupMs: readonly number[], maxStepSeconds: number): string | null {
  const last = warmupMs.at(-1);
  if (last === undefined || last <= maxStepSeconds * 1000) return null;
  return `not timed: the warm-up step took ${seconds(last)} > ${maxStepSeconds} s`;
}

export interface RepeatSummary {
  imagesPerS: number;
  spread: number;
  msPerStep: number;
}

/** Median images/s over repeats of `steps` steps of `batch` images, each repeat's wall time in ms. */
export function summarizeRepeats(repeatMs: readonly number[], steps: number, batch: number): RepeatSummary {
  const rates = repeatMs.map((ms) => (steps * batch * 1000) / ms);
  const { median: imagesPerS, spread } = summarize(rates);
  return { imagesPerS, spread, msPerStep: median(repeatMs) / steps };
}

/** max |a_i - b_i| / |b_i| over the pairs both have; null when there are none. */
export function maxRelativeDifference(a: readonly number[], b: readonly number[]): number | null {
  const n = Math.min(a.length, b.length);
  if (n === 0) return null;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-30);
    worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
  }
  return worst;
}

/**
 * ms per image of each impl in a cell's rows (timed, else its last warm-up step), to predict the
 * next batch's step.
 */
export function msPerImageFrom(rows: readonly TrainRow[]): Partial<Record<TrainImpl, number>> {
  const out: Partial<Record<TrainImpl, number>> = {};
  for (const row of rows) {
    const ms = row.ms_per_step ?? row.warmup_ms.at(-1);
    if (ms !== undefined) out[row.impl] = ms / row.batch;
  }
  return out;
}
