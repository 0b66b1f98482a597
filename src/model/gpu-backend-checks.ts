// Host-side bookkeeping of the GPU backend that needs no GPU: argument checks with messages that
// say what to do (the same wording as the CPU backend), and which optimizer the state buffers
// hold and how many updates it has applied. Pure; unit-tested without a device.

import type { OptimizerSettings, OptimizerState } from './backend.ts';

export function checkStateShape(method: string, flat: Float32Array, length: number): void {
  if (flat.length !== length) {
    throw new Error(`${method}: expected ${length} floats in the flat parameter layout, got ${flat.length}`);
  }
}

/** Throws unless `order` is a permutation of 0..count-1. */
export function checkPermutation(order: Uint32Array, count: number): void {
  if (order.length !== count) {
    throw new Error(`setEpochOrder: the order has ${order.length} entries, the train split ${count}`);
  }
  const seen = new Uint8Array(count);
  for (const index of order) {
    if (index >= count || seen[index]) {
      throw new Error(
        `setEpochOrder: not a permutation of 0..${count - 1} (entry ${index}); use epochPermutation`,
      );
    }
    seen[index] = 1;
  }
}

export function checkTrainRange(first: number, count: number, batches: number): void {
  if (
    !Number.isInteger(first) ||
    !Number.isInteger(count) ||
    first < 0 ||
    count < 0 ||
    first + count > batches
  ) {
    throw new Error(
      `train: batches ${first}..${first + count - 1} are outside the epoch's ${batches} batches`,
    );
  }
}

/** Which optimizer the state buffers belong to, and its update count (Adam's t before the next update). */
export class OptimizerTracker {
  kind: OptimizerSettings['kind'] = 'sgd';
  step = 0;

  /** Adopts a saved state after checking its shape; `checkSlot` checks each slot's length. */
  set(state: OptimizerState, checkSlot: (slot: Float32Array) => void): void {
    const slotCount = state.kind === 'sgd' ? 1 : 2;
    if (state.slots.length !== slotCount) {
      throw new Error(`setOptimizerState: ${state.kind} has ${slotCount} slot(s), got ${state.slots.length}`);
    }
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new Error(`setOptimizerState: step must be a whole number >= 0, got ${state.step}`);
    }
    state.slots.forEach(checkSlot);
    this.kind = state.kind;
    this.step = state.step;
  }

  /**
   * Switches to `kind`; true when it differs, and the caller must zero the state: a different
   * optimizer starts fresh, as a newly built PyTorch optimizer (and the CPU backend) would.
   */
  switchTo(kind: OptimizerSettings['kind']): boolean {
    if (kind === this.kind) return false;
    this.kind = kind;
    this.step = 0;
    return true;
  }

  advance(steps: number): void {
    this.step += steps;
  }
}
