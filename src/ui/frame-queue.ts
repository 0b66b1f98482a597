// Spreads the views' updates over animation frames: each job (a view taking new data: its Lit
// render, the chart redraw) runs in a task of its own just after a frame, one job per frame, so a
// frame renders (style, layout, paint, commit) at most one view's changes. When a probe, the
// filters, the curves and the health all land together, rendering them in one frame made the
// frames that went over 50 ms on a loaded machine (SwiftShader keeps every core busy, and the
// page's main thread gets what is left). A job waiting for its turn is replaced by a newer one of
// the same key (the latest data wins, nothing piles up); it keeps its place in the line.
// One queue per page (`viewFrames`), shared by every view, as there is one frame loop.
// DOM-free apart from the default clocks; tests pass their own.

export interface FrameQueueClock {
  /** Calls `callback` before the next frame (requestAnimationFrame). */
  frame(callback: () => void): void;
  /** Calls `callback` in a task of its own, soon (setTimeout 0). */
  task(callback: () => void): void;
}

const browserClock: FrameQueueClock = {
  frame: (callback) => requestAnimationFrame(() => callback()),
  task: (callback) => setTimeout(callback),
};

export class FrameQueue {
  private readonly jobs = new Map<unknown, () => void>();
  private scheduled = false;
  /** Jobs run, and jobs replaced by a newer one of the same key before their turn. */
  readonly counts = { ran: 0, replaced: 0 };

  constructor(
    private readonly clock: FrameQueueClock = browserClock,
    private readonly onError: (error: unknown) => void = (error) => console.error('view update:', error),
  ) {}

  /** Runs `job` after the jobs already waiting, one per frame; replaces a waiting job of `key`. */
  run(key: unknown, job: () => void): void {
    if (this.jobs.has(key)) this.counts.replaced++;
    this.jobs.set(key, job);
    this.schedule();
  }

  /** Drops the waiting job of `key`, if any. */
  cancel(key: unknown): void {
    this.jobs.delete(key);
  }

  /** Jobs waiting. */
  get size(): number {
    return this.jobs.size;
  }

  private schedule(): void {
    if (this.scheduled || this.jobs.size === 0) return;
    this.scheduled = true;
    // After the frame, not in it: the job's own work and the rendering of its changes (next frame)
    // are then two tasks, not one.
    this.clock.frame(() => this.clock.task(() => this.runNext()));
  }

  private runNext(): void {
    this.scheduled = false;
    const next = this.jobs.entries().next();
    if (!next.done) {
      const [key, job] = next.value;
      this.jobs.delete(key);
      this.counts.ran++;
      try {
        job();
      } catch (error) {
        this.onError(error);
      }
    }
    this.schedule();
  }
}

/** The page's queue for view updates. */
export const viewFrames = new FrameQueue();
