// The training loop's scheduling, for any backend: steps are submitted in chunks, at most
// `maxInFlight` (2) chunks are unfinished at a time, so the GPU (or the CPU worker) always has the
// next chunk queued while the page waits for the previous one; each chunk's metrics read is its
// fence. Chunk sizes adapt so one chunk is ~40 ms of work, and shrink when recording the steps
// itself costs the page time (no long tasks). No DOM, no GPU objects: tested with a fake runner.

import type { StepMetrics } from '../model/backend.ts';

/** What the loop drives: the session's trainer behind a lock. */
export interface StepRunner {
  /** Records / posts `count` steps; returns without waiting for them (except a synchronous CPU backend). */
  step(count: number): Promise<void> | void;
  /** Metrics since the last call; resolves once every step submitted before it has run. */
  takeMetrics(): Promise<StepMetrics>;
}

export interface LoopOptions {
  /** Work per chunk the loop aims for, in ms. */
  targetChunkMs?: number;
  /** Main-thread time one chunk's submission may take, in ms (keeps tasks well under 50 ms). */
  maxSubmitMs?: number;
  maxInFlight?: number;
  /** Steps in the first chunk, before any timing is known. */
  firstChunk?: number;
  maxChunk?: number;
  now?: () => number;
}

export interface ChunkReport {
  metrics: StepMetrics;
  /** ms between this chunk's completion and the previous one's (or its own submission). */
  ms: number;
  /** The size the next chunks will have. */
  chunkSize: number;
}

/** Picks chunk sizes from measured per-step work and per-step submission cost (both smoothed). */
export class ChunkSizer {
  private workPerStep: number | null = null;
  private submitPerStep: number | null = null;
  size: number;

  constructor(
    private readonly targetMs: number,
    private readonly maxSubmitMs: number,
    first: number,
    private readonly max: number,
  ) {
    this.size = first;
  }

  /** A chunk of `steps` took `workMs` to complete and `submitMs` of main-thread time to submit. */
  observe(steps: number, workMs: number, submitMs: number): void {
    if (steps <= 0) return;
    const smooth = (old: number | null, value: number) => (old === null ? value : 0.7 * old + 0.3 * value);
    this.workPerStep = smooth(this.workPerStep, Math.max(workMs, 0.01) / steps);
    this.submitPerStep = smooth(this.submitPerStep, Math.max(submitMs, 0.001) / steps);
    const byWork = this.targetMs / this.workPerStep;
    const bySubmit = this.maxSubmitMs / this.submitPerStep;
    // Grow at most 2x per chunk so one bad measurement cannot make a huge chunk.
    const wanted = Math.min(byWork, bySubmit, this.size * 2, this.max);
    this.size = Math.max(1, Math.floor(wanted));
  }
}

export class TrainLoop {
  private running = false;
  private stopped: Promise<void> = Promise.resolve();
  readonly sizer: ChunkSizer;
  private readonly maxInFlight: number;
  private readonly now: () => number;

  constructor(
    private readonly runner: StepRunner,
    private readonly onChunk: (report: ChunkReport) => void,
    private readonly onError: (error: unknown) => void,
    options: LoopOptions = {},
  ) {
    this.sizer = new ChunkSizer(
      options.targetChunkMs ?? 40,
      options.maxSubmitMs ?? 20,
      options.firstChunk ?? 1,
      options.maxChunk ?? 512,
    );
    this.maxInFlight = options.maxInFlight ?? 2;
    this.now = options.now ?? (() => performance.now());
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts the loop (no-op when running). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = this.run().catch((error: unknown) => {
      this.running = false;
      this.onError(error);
    });
  }

  /** Stops submitting; resolves once every submitted chunk has finished and been reported. */
  stop(): Promise<void> {
    this.running = false;
    return this.stopped;
  }

  private async run(): Promise<void> {
    const inFlight: InFlightChunk[] = [];
    let lastDone: number | null = null;
    try {
      while (this.running || inFlight.length > 0) {
        while (this.running && inFlight.length < this.maxInFlight) inFlight.push(await this.submit());
        const chunk = inFlight.shift() as InFlightChunk;
        const metrics = await chunk.metrics;
        const done = this.now();
        // Its work began when the previous chunk finished (the queue was busy) or when it was submitted.
        const began = lastDone === null ? chunk.start : Math.max(lastDone, chunk.start);
        lastDone = done;
        this.sizer.observe(chunk.steps, done - began, chunk.submitMs);
        this.onChunk({ metrics, ms: done - began, chunkSize: this.sizer.size });
      }
    } finally {
      this.running = false;
    }
  }

  private async submit(): Promise<InFlightChunk> {
    const steps = this.sizer.size;
    const start = this.now();
    await this.runner.step(steps);
    const submitMs = this.now() - start;
    const metrics = this.runner.takeMetrics();
    metrics.catch(() => undefined); // a rejection surfaces where the chunk is awaited
    return { steps, start, submitMs, metrics };
  }
}

interface InFlightChunk {
  steps: number;
  start: number;
  submitMs: number;
  metrics: Promise<StepMetrics>;
}
