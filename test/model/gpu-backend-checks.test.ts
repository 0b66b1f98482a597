// The GPU backend's host-side bookkeeping, no GPU: argument checks and the optimizer tracker
// (kind switches start afresh, steps advance, saved states are checked before they are adopted).

import { describe, expect, it } from 'vitest';
import {
  checkPermutation,
  checkStateShape,
  checkTrainRange,
  OptimizerTracker,
} from '../../src/model/gpu-backend-checks.ts';

describe('GPU backend checks', () => {
  it('accept a permutation and reject duplicates, out-of-range entries and wrong lengths', () => {
    expect(() => checkPermutation(Uint32Array.from([2, 0, 1]), 3)).not.toThrow();
    expect(() => checkPermutation(Uint32Array.from([2, 0, 2]), 3)).toThrow(/not a permutation.*entry 2/);
    expect(() => checkPermutation(Uint32Array.from([0, 3, 1]), 3)).toThrow(/entry 3/);
    expect(() => checkPermutation(Uint32Array.from([0, 1]), 3)).toThrow(/2 entries, the train split 3/);
  });

  it('bound train() to the epoch and flat arrays to the layout', () => {
    expect(() => checkTrainRange(4, 2, 6)).not.toThrow();
    expect(() => checkTrainRange(5, 2, 6)).toThrow(/batches 5..6 are outside the epoch's 6 batches/);
    expect(() => checkTrainRange(-1, 1, 6)).toThrow(/outside/);
    expect(() => checkTrainRange(0, 1.5, 6)).toThrow(/outside/);
    expect(() => checkStateShape('setParameters', new Float32Array(64), 128)).toThrow(/expected 128 floats/);
  });

  it('track the optimizer: a new kind starts at step 0, steps add up, states are checked', () => {
    const tracker = new OptimizerTracker();
    expect([tracker.kind, tracker.step]).toEqual(['sgd', 0]);
    expect(tracker.switchTo('sgd')).toBe(false);
    tracker.advance(3);
    expect(tracker.switchTo('adam')).toBe(true);
    expect(tracker.step).toBe(0);
    tracker.advance(2);
    expect([tracker.kind, tracker.step]).toEqual(['adam', 2]);
    const slot = new Float32Array(4);
    expect(() => tracker.set({ kind: 'adam', step: 1, slots: [slot] }, () => {})).toThrow(/adam has 2 slot/);
    expect(() => tracker.set({ kind: 'sgd', step: -1, slots: [slot] }, () => {})).toThrow(/step must be/);
    tracker.set({ kind: 'sgd', step: 9, slots: [slot] }, () => {});
    expect([tracker.kind, tracker.step]).toEqual(['sgd', 9]);
  });
});
