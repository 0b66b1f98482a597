// The session's test-set evaluations: the periodic subset for the curves (when EvalSchedule says
// so) and the whole test set on demand. Only their start is serialised with the training steps
// (through the session's lock), so training goes on while the backend evaluates; results of a run
// that has since been replaced are dropped. No DOM; the session reports the results.

import type { Dataset } from '../data/dataset.ts';
import type { EvaluationResult } from '../model/backend.ts';
import type { Trainer } from '../model/trainer.ts';
import { EvalSchedule, type EvalScheduleOptions } from './eval-schedule.ts';

export interface EvaluatorHost {
  /** The run now; `generation` identifies it, and results of an older one are dropped. */
  run(): { trainer: Trainer | null; dataset: Dataset | null; generation: number };
  now(): number;
  /** Runs `work` after the steps and batch changes queued before it. */
  exclusive<T>(work: () => T): Promise<T>;
  report(result: EvaluationResult, step: number, full: boolean): void;
  fail(text: string): void;
}

export class TestEvaluator {
  private readonly schedule: EvalSchedule;
  /** The periodic evaluation in flight (never rejects), or null. */
  inFlight: Promise<void> | null = null;
  fullRunning = false;

  constructor(
    private readonly host: EvaluatorHost,
    options?: EvalScheduleOptions,
  ) {
    this.schedule = new EvalSchedule(options);
  }

  /** A new run: the next evaluation comes as soon as there are steps. */
  reset(): void {
    this.schedule.reset();
  }

  /** Starts a test-subset evaluation after `step` steps when the schedule says so (or `force`). */
  maybeEvaluate(step: number, force = false): void {
    const { trainer, dataset, generation } = this.host.run();
    if (!trainer || !dataset || step === 0 || !this.schedule.due(this.host.now(), step, force)) return;
    const limit = Math.min(this.schedule.begin(step), dataset.test.count);
    const started = this.host.now();
    const finish = () => this.schedule.end(this.host.now(), this.host.now() - started);
    this.inFlight = this.start(trainer, limit)
      .then((result) => {
        finish();
        if (generation === this.host.run().generation) this.host.report(result, step, false);
      })
      .catch((error: unknown) => {
        finish();
        if (generation === this.host.run().generation)
          this.host.fail(`A test evaluation failed: ${messageOf(error)}`);
      })
      .finally(() => (this.inFlight = null));
  }

  /** Evaluates the whole test set (slow on a software GPU). */
  async evaluateFull(step: number): Promise<void> {
    const { trainer, generation } = this.host.run();
    if (!trainer || this.fullRunning) return;
    this.fullRunning = true;
    try {
      const result = await this.start(trainer);
      if (generation === this.host.run().generation) this.host.report(result, step, true);
    } catch (error) {
      if (generation === this.host.run().generation)
        this.host.fail(`The full test evaluation failed: ${messageOf(error)}`);
    } finally {
      this.fullRunning = false;
    }
  }

  private async start(trainer: Trainer, limit?: number): Promise<EvaluationResult> {
    // A box keeps the evaluation's promise from being flattened into the lock: only its start waits.
    const { pending } = await this.host.exclusive(() => ({ pending: trainer.evaluate('test', limit) }));
    return pending;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
