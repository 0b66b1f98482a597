// Keeps a view's redraws to at most one per `minIntervalMs`: a request within the interval after
// the last run waits for its end, and further requests meanwhile are that same run (the latest
// data is drawn then). For views whose data changes faster than a person can follow, such as the
// curves (a training chunk every ~40 ms), so their redraws stop adding up on the page's main
// thread. Not the frame queue (frame-queue.ts), which the run itself may go through.
// DOM-free apart from the default clock; tests pass their own.

export interface ThrottleClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserClock: ThrottleClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class RedrawThrottle {
  private lastRun = -Infinity;
  private timer: unknown = null;

  constructor(
    private readonly minIntervalMs: number,
    private readonly run: () => void,
    private readonly clock: ThrottleClock = browserClock,
  ) {}

  /** Runs now if the interval since the last run is over, else once at its end. */
  request(): void {
    if (this.timer !== null) return;
    const wait = this.lastRun + this.minIntervalMs - this.clock.now();
    if (wait <= 0) {
      this.fire();
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.fire();
    }, wait);
  }

  /** Drops a waiting run. */
  cancel(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private fire(): void {
    this.lastRun = this.clock.now();
    this.run();
  }
}
