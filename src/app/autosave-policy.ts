// What the session decides about autosaves, as pure functions and a clock-driven scheduler (tested
// with fakes): whether a saved run is the run a URL names, which autosave the page resumes at
// start-up and with what configuration, when the next snapshot is due while training, and the
// texts of the notices about them. No storage (autosave.ts), no trainer, no DOM.

import { DATASET_INFO } from '../data/dataset.ts';
import { encodeSpec } from './spec-codec.ts';
import type { RunConfig } from './url-state.ts';

/** Same dataset, network (input and layers; names ignored) and seed: the same run, whatever its hyper-parameters. */
export function sameRun(a: RunConfig, b: RunConfig): boolean {
  return a.dataset === b.dataset && a.seed === b.seed && encodeSpec(a.spec) === encodeSpec(b.spec);
}

export type StartPlan =
  /** Nothing saved: the URL's run starts fresh. */
  | { kind: 'fresh' }
  /** Resume the saved run with `config`. */
  | { kind: 'restore'; config: RunConfig }
  /** A run of another configuration is saved: the URL's run starts fresh, the saved one is offered. */
  | { kind: 'offer' };

/**
 * Which autosave the page resumes. A URL that names a run (a reload, a shared link: the page
 * writes every parameter into its URL) resumes only that run; the person's latest hyper-parameters
 * are in the URL at once but in the save only every ~10 s, so the URL's optimizer, batch and
 * backend win. A bare address names no run: the saved run comes back as it was (on the CPU when
 * it was on a GPU that is not there now). `current` is the URL's configuration after start-up
 * (the backend may have fallen back to the CPU).
 */
export function planStart(
  saved: RunConfig | null,
  current: RunConfig,
  urlNamesRun: boolean,
  gpuReady: boolean,
): StartPlan {
  if (!saved) return { kind: 'fresh' };
  if (!urlNamesRun) {
    const backend = saved.backend === 'gpu' && !gpuReady ? 'cpu' : saved.backend;
    return { kind: 'restore', config: { ...structuredClone(saved), backend } };
  }
  if (!sameRun(saved, current)) return { kind: 'offer' };
  const { optimizer, batch, backend } = structuredClone(current);
  return { kind: 'restore', config: { ...structuredClone(saved), optimizer, batch, backend } };
}

export interface SaveSchedulerOptions {
  /** Training time between snapshots, ms (default 10 s). */
  intervalMs?: number;
  /**
   * Steps between snapshots however fast they go (default 2000): a NaN diagnosis replays from the
   * latest snapshot and gives up beyond 5000 steps (model/diagnose.ts).
   */
  maxSteps?: number;
}

/**
 * When the next snapshot is due while training: `intervalMs` of training (paused time does not
 * count) or `maxSteps` steps after the last one began, and never while one is in flight.
 */
export class SaveScheduler {
  private since: number | null = null;
  private stepAtLast = 0;
  private busy = false;
  readonly intervalMs: number;
  readonly maxSteps: number;

  constructor(options: SaveSchedulerOptions = {}) {
    this.intervalMs = options.intervalMs ?? 10_000;
    this.maxSteps = options.maxSteps ?? 2000;
  }

  /** Training (re)starts at `now`; the run is at `step`. */
  resume(now: number, step: number): void {
    this.since = now;
    if (step < this.stepAtLast) this.stepAtLast = step;
  }

  /** A new run (fresh or restored) at `step`; nothing is due until training starts. */
  reset(step: number): void {
    this.since = null;
    this.stepAtLast = step;
  }

  due(now: number, step: number): boolean {
    if (this.busy || this.since === null) return false;
    return now - this.since >= this.intervalMs || step - this.stepAtLast >= this.maxSteps;
  }

  /** A snapshot begins (periodic or on pause); `training`: the clock runs on. */
  begin(now: number, step: number, training: boolean): void {
    this.busy = true;
    this.since = training ? now : null;
    this.stepAtLast = step;
  }

  end(): void {
    this.busy = false;
  }

  get inFlight(): boolean {
    return this.busy;
  }
}

const two = (n: number) => String(n).padStart(2, '0');

/** "14:02:09": the local time of `ms` (Date.now() scale). */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** "lenet5 on MNIST, seed 1". */
export function runLabel(config: RunConfig): string {
  return `${config.spec.name ?? encodeSpec(config.spec)} on ${DATASET_INFO[config.dataset].title}, seed ${config.seed}`;
}

export function resumedText(step: number, savedAt: number): string {
  return `Resumed from step ${step} (saved ${clockTime(savedAt)}).`;
}

export function offeredText(config: RunConfig, step: number, savedAt: number): string {
  return (
    `An autosaved run (${runLabel(config)}, step ${step}, saved ${clockTime(savedAt)}) was not resumed ` +
    'because this link names another run; it is kept until this run is saved.'
  );
}
