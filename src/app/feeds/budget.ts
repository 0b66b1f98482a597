// One budget for every view that computes something while the network trains (feature maps and
// predictions, layer health, saliency, class visualisation): together they take at most `share`
// (a twentieth) of the device, or of a CPU core, from the training: half the tenth issue 5 allows,
// because painting the panels also takes CPU from a software device or the CPU worker (~5% on
// this 2-core machine, docs/views.md). Each view's feed rests after a
// read in proportion to how long it took (feeds/feed.ts `restFactor`); the budget gives every
// active view the same rest factor, n / share - 1 for n active views, so each takes at most
// share / n of the time and all of them at most `share`, however many are open. Not training:
// no rest (there is nothing to slow down). Durations are wall time from a read's start to its
// result, which includes the work queued ahead of it, so the real share is smaller still; ReadCost
// keeps a read that waited behind something big (a test evaluation, pipelines made on first use)
// from earning a rest of minutes.
// Filter reads (buffer copies, kept to their interval) and the generator (a job the person
// started) are not views of the training and draw nothing from it. DOM-free.

/** Rest factor of a feed: a constant or asked at the end of each read. */
export type RestFactor = number | (() => number);

export function restFactorNow(factor: RestFactor | undefined): number {
  return typeof factor === 'function' ? factor() : (factor ?? 0);
}

/** The views' share of the device (or a CPU core) while training. */
export const VIEWS_SHARE = 0.05;

export class ViewBudget {
  private readonly members = new Set<() => boolean>();

  constructor(
    /** Whether the network is training now (the rest applies only then). */
    private readonly training: () => boolean,
    private readonly share = VIEWS_SHARE,
  ) {
    if (!(share > 0 && share <= 1)) throw new RangeError(`ViewBudget: share must be in (0, 1], got ${share}`);
  }

  /**
   * A view that draws on the budget while `active()` (its panel open and on screen, and it has
   * work); returns its rest factor, to be asked at the end of each of its reads.
   */
  join(active: () => boolean): () => number {
    this.members.add(active);
    return () => this.restFactor();
  }

  /** Views active now (at least 1: the one asking is). */
  get activeViews(): number {
    let n = 0;
    for (const active of this.members) if (active()) n++;
    return Math.max(1, n);
  }

  /** Rest after a read, in multiples of its duration, for each of the views active now. */
  restFactor(): number {
    return this.training() ? this.activeViews / this.share - 1 : 0;
  }
}

/**
 * The duration a view rests on after each read: the least of its last `keep` reads' wall times
 * (what the read itself costs, give or take the training queued ahead; a read that also waited
 * behind a test evaluation of a thousand images, ~25 s on SwiftShader, costs what its neighbours
 * did), and nothing for a view's first read, whose time is mostly one-time setup and whatever
 * was queued at the start. If every read of a view costs c, each waited at least c, so the rest
 * is at least its factor times c and the budget holds.
 */
export class ReadCost {
  private readonly recent: number[] = [];

  constructor(private readonly keep = 3) {}

  /** Notes a read that took `ms`; returns the duration to rest on. */
  add(ms: number): number {
    const first = this.recent.length === 0;
    this.recent.push(ms);
    if (this.recent.length > this.keep) this.recent.shift();
    return first ? 0 : Math.min(...this.recent);
  }
}
