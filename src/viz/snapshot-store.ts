// A bounded store of FilterSnapshots for the filter-evolution timeline. When full, it drops the
// interior snapshot whose removal leaves the smallest gap in steps, so the kept ones stay spread
// evenly over the whole run however often snapshots arrive. The first and the latest are never
// dropped. Pure data; it keeps the snapshots it is given (callers must not reuse their arrays).

import type { FilterSnapshot } from '../app/view-types.ts';

export interface SnapshotStoreOptions {
  /** Most snapshots kept (at least 2). */
  maxSnapshots?: number;
  /** Most bytes of weights and biases kept; lowers maxSnapshots for large networks. */
  maxBytes?: number;
}

export const DEFAULT_MAX_SNAPSHOTS = 120;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** Bytes of the weight and bias arrays of one snapshot. */
export function snapshotBytes(snapshot: FilterSnapshot): number {
  return snapshot.layers.reduce((sum, l) => sum + l.weights.byteLength + l.bias.byteLength, 0);
}

/**
 * Index (1..length-2) of the snapshot whose removal leaves the smallest gap in steps; the
 * earliest on ties, because later detail is what a person scrubbing a live run looks at.
 */
export function thinningVictim(steps: readonly number[]): number {
  let best = 1;
  let bestGap = Infinity;
  for (let i = 1; i < steps.length - 1; i++) {
    const gap = steps[i + 1] - steps[i - 1];
    if (gap < bestGap) {
      bestGap = gap;
      best = i;
    }
  }
  return best;
}

export class SnapshotStore {
  private readonly kept: FilterSnapshot[] = [];
  private readonly maxSnapshots: number;
  private readonly maxBytes: number;
  private version = 0;

  constructor(options: SnapshotStoreOptions = {}) {
    this.maxSnapshots = Math.max(2, Math.floor(options.maxSnapshots ?? DEFAULT_MAX_SNAPSHOTS));
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /** How many snapshots fit, given the size of `snapshot`. */
  capacityFor(snapshot: FilterSnapshot): number {
    const bytes = Math.max(1, snapshotBytes(snapshot));
    return Math.max(2, Math.min(this.maxSnapshots, Math.floor(this.maxBytes / bytes)));
  }

  /**
   * Adds a snapshot taken after the latest one. One at the latest step (the filters read again
   * after a pause) replaces it; one before it (a reset or a restored run) starts the store again,
   * since a timeline cannot go backwards.
   */
  add(snapshot: FilterSnapshot): void {
    const latest = this.kept.at(-1);
    if (latest && snapshot.step === latest.step) this.kept.pop();
    else if (latest && snapshot.step < latest.step) this.kept.length = 0;
    this.kept.push(snapshot);
    const capacity = this.capacityFor(snapshot);
    while (this.kept.length > capacity) {
      this.kept.splice(thinningVictim(this.kept.map((s) => s.step)), 1);
    }
    this.version++;
  }

  clear(): void {
    this.kept.length = 0;
    this.version++;
  }

  get size(): number {
    return this.kept.length;
  }

  /** Changes whenever the kept set does, so a view can tell whether to redraw. */
  get revision(): number {
    return this.version;
  }

  /** A new array of the kept snapshots, oldest first (a new identity, as Lit properties need). */
  list(): FilterSnapshot[] {
    return [...this.kept];
  }
}
