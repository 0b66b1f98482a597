// A rate-limited feed: turns frequent requests ("the trainer moved, refresh this view") into at
// most one read at a time, at most one start per `minIntervalMs`, and (with `restFactor`) a rest
// after each read proportional to how long it took, so a view whose read is slow on this device
// (a software GPU shares the CPU with the training) takes a bounded share of it. While a read is
// in flight or the interval has not passed, requests are not queued: each replaces the one
// waiting, so the view always gets the latest state and a slow read (a GPU readback) never piles
// up work behind the training. stop() drops what waits and ignores the result of a read still in
// flight.
// Generic and DOM-free: the concrete feeds (filters, probe, health, evaluation) supply read().

import { ReadCost, restFactorNow, type RestFactor } from './budget.ts';

export interface FeedOptions {
  /** Least time between the starts of two reads, in ms. */
  minIntervalMs: number;
  /**
   * After a read that took d ms, the next starts no sooner than restFactor * d ms after it ended:
   * reads then take at most 1 / (1 + restFactor) of the time. Default 0 (no rest). A function is
   * asked at the end of each read (a shared budget: feeds/budget.ts). d is the least of the last
   * three reads' durations, and the first read earns no rest (budget.ts ReadCost).
   */
  restFactor?: RestFactor;
  /** Clock in ms (default performance.now); tests pass the fake timers' clock. */
  now?: () => number;
  /** A read that rejected (or a delivery that threw); default: console.warn. */
  onError?: (error: unknown) => void;
}

/** A read returning null delivers nothing (e.g. no trainer at the moment). */
export type FeedRead<R, T> = (request: R) => Promise<T | null>;
export type FeedDeliver<R, T> = (value: T, request: R) => void;

const NOTHING = Symbol('no request');

export class Feed<R, T> {
  private pending: R | typeof NOTHING = NOTHING;
  /** The waiting request answers a person (a drawing, a picked image): it skips the rest. */
  private pendingUrgent = false;
  private inFlight = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastStart = -Infinity;
  /** When the last read may be followed by the next (its end plus the rest it earned). */
  private restUntil = -Infinity;
  private readonly cost = new ReadCost();
  private isStopped = false;
  private readonly now: () => number;
  private readonly onError: (error: unknown) => void;
  /** Reads started, and requests replaced by a later one before their read could start. */
  readonly counts = { reads: 0, dropped: 0 };

  constructor(
    private readonly read: FeedRead<R, T>,
    private readonly deliver: FeedDeliver<R, T>,
    private readonly options: FeedOptions,
  ) {
    if (!(options.minIntervalMs >= 0)) {
      throw new RangeError(`Feed: minIntervalMs must be a number >= 0, got ${options.minIntervalMs}`);
    }
    if (typeof options.restFactor !== 'function' && !((options.restFactor ?? 0) >= 0)) {
      throw new RangeError(`Feed: restFactor must be a number >= 0, got ${options.restFactor}`);
    }
    this.now = options.now ?? (() => performance.now());
    this.onError = options.onError ?? ((error) => console.warn('view feed:', error));
  }

  /**
   * Asks for a fresh value; replaces any request still waiting. `urgent` (a person is waiting for
   * the answer) skips the rest after the last read, never the interval or the one-read rule.
   */
  request(request: R, urgent = false): void {
    if (this.isStopped) return;
    if (this.pending !== NOTHING) this.counts.dropped++;
    this.pending = request;
    this.pendingUrgent ||= urgent;
    if (urgent && this.timer !== null) {
      clearTimeout(this.timer); // it may be waiting out a rest this request skips
      this.timer = null;
    }
    this.pump();
  }

  /** True while a read is in flight. */
  get busy(): boolean {
    return this.inFlight;
  }

  get stopped(): boolean {
    return this.isStopped;
  }

  /**
   * Drops the waiting request (its view was closed or scrolled away: a read asked for before
   * would otherwise still run, maybe long after, once its interval or rest is over). A read in
   * flight finishes and is delivered; later requests are served as usual.
   */
  drop(): void {
    if (this.pending !== NOTHING) this.counts.dropped++;
    this.pending = NOTHING;
    this.pendingUrgent = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Drops the waiting request; a read in flight finishes but is not delivered. Final. */
  stop(): void {
    this.isStopped = true;
    this.pending = NOTHING;
    this.pendingUrgent = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private pump(): void {
    if (this.isStopped || this.inFlight || this.timer !== null || this.pending === NOTHING) return;
    const rest = this.pendingUrgent ? -Infinity : this.restUntil;
    const wait = Math.max(this.lastStart + this.options.minIntervalMs, rest) - this.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wait);
      return;
    }
    const request = this.pending;
    this.pending = NOTHING;
    this.pendingUrgent = false;
    this.inFlight = true;
    this.lastStart = this.now();
    this.counts.reads++;
    void this.run(request);
  }

  private async run(request: R): Promise<void> {
    try {
      const value = await this.read(request);
      if (value !== null && !this.isStopped) this.deliver(value, request);
    } catch (error) {
      if (!this.isStopped) this.onError(error);
    } finally {
      const end = this.now();
      const took = this.cost.add(end - this.lastStart);
      this.restUntil = end + Math.max(0, restFactorNow(this.options.restFactor)) * took;
      this.inFlight = false;
      this.pump();
    }
  }
}
