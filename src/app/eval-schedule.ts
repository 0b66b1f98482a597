// When the session evaluates the test subset for the curves, and on how many examples: often
// enough to draw a curve (every couple of seconds of training), never so often that evaluation
// takes more than ~1/5 of the time, with a subset that shrinks when one evaluation is slow (a
// software GPU) and grows back when it is quick. Pure; the session runs the evaluations.

export interface EvalScheduleOptions {
  /** Shortest gap between evaluations, in ms. */
  minIntervalMs?: number;
  /** Gap as a multiple of the last evaluation's duration (4 = evaluation is at most 1/5 of the time). */
  durationFactor?: number;
  initialSubset?: number;
  minSubset?: number;
  maxSubset?: number;
  /** An evaluation slower than this halves the subset; one 4x faster doubles it. */
  slowMs?: number;
}

export class EvalSchedule {
  private lastEnd: number | null = null;
  private lastDuration = 0;
  private lastStep = -1;
  private running = false;
  subset: number;
  private readonly o: Required<EvalScheduleOptions>;

  constructor(options: EvalScheduleOptions = {}) {
    this.o = {
      minIntervalMs: 2000,
      durationFactor: 4,
      initialSubset: 1000,
      minSubset: 100,
      maxSubset: 2000,
      slowMs: 1500,
      ...options,
    };
    this.subset = this.o.initialSubset;
  }

  /** Whether to start an evaluation now, at `step` training steps (`force`: e.g. training paused). */
  due(now: number, step: number, force = false): boolean {
    if (this.running || step === this.lastStep) return false;
    if (force || this.lastEnd === null) return true;
    return now - this.lastEnd >= Math.max(this.o.minIntervalMs, this.o.durationFactor * this.lastDuration);
  }

  /** Marks an evaluation of `subset` examples as started at `step`. */
  begin(step: number): number {
    this.running = true;
    this.lastStep = step;
    return this.subset;
  }

  /** Marks it finished after `durationMs`, adapting the subset for the next one. */
  end(now: number, durationMs: number): void {
    this.running = false;
    this.lastEnd = now;
    this.lastDuration = durationMs;
    const { slowMs, minSubset, maxSubset } = this.o;
    if (durationMs > slowMs) this.subset = Math.max(minSubset, Math.floor(this.subset / 2));
    else if (durationMs < slowMs / 4) this.subset = Math.min(maxSubset, this.subset * 2);
  }

  /** Forget everything (a new run). */
  reset(): void {
    this.lastEnd = null;
    this.lastDuration = 0;
    this.lastStep = -1;
    this.running = false;
  }
}
