import { describe, expect, it } from 'vitest';
import type { FilterSnapshot } from '../../src/app/view-types.ts';
import { SnapshotStore, snapshotBytes, thinningVictim } from '../../src/viz/snapshot-store.ts';

function snapshot(step: number, weights = 150): FilterSnapshot {
  return {
    step,
    epoch: Math.floor(step / 100),
    layers: [
      {
        layerIndex: 0,
        label: 'conv 5x5 x6',
        outChannels: 6,
        inChannels: 1,
        kernelHeight: 5,
        kernelWidth: 5,
        weights: new Float32Array(weights),
        bias: new Float32Array(6),
      },
    ],
  };
}

describe('thinningVictim', () => {
  it('picks the interior snapshot whose removal leaves the smallest gap', () => {
    expect(thinningVictim([0, 10, 20, 21, 40])).toBe(2);
    expect(thinningVictim([0, 1, 2])).toBe(1);
  });
});

describe('SnapshotStore', () => {
  it('keeps everything under capacity, in order', () => {
    const store = new SnapshotStore({ maxSnapshots: 5 });
    [3, 7, 11].forEach((s) => store.add(snapshot(s)));
    expect(store.list().map((s) => s.step)).toEqual([3, 7, 11]);
  });

  it('stays bounded and spread evenly over a long run, keeping the first and latest', () => {
    const store = new SnapshotStore({ maxSnapshots: 120 });
    for (let step = 0; step < 3001; step += 3) store.add(snapshot(step));
    const steps = store.list().map((s) => s.step);
    expect(steps.length).toBe(120);
    expect(steps[0]).toBe(0);
    expect(steps.at(-1)).toBe(3000);
    const gaps = steps.slice(1).map((s, i) => s - steps[i]);
    const even = 3000 / 119;
    // Greedy thinning keeps every gap within a small factor of the even spacing.
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2.5 * even);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0.4 * even);
  });

  it('stays even when snapshots arrive in bursts', () => {
    const store = new SnapshotStore({ maxSnapshots: 20 });
    for (let step = 1; step <= 200; step++) store.add(snapshot(step));
    for (let step = 1000; step <= 1010; step++) store.add(snapshot(step));
    const steps = store.list().map((s) => s.step);
    expect(steps.length).toBe(20);
    expect(steps.filter((s) => s <= 200).length).toBeGreaterThanOrEqual(10);
  });

  it('lowers its capacity to fit maxBytes', () => {
    const one = snapshot(0, 1000);
    expect(snapshotBytes(one)).toBe(4000 + 24);
    const store = new SnapshotStore({ maxSnapshots: 120, maxBytes: 10 * 4024 });
    expect(store.capacityFor(one)).toBe(10);
    for (let s = 0; s < 50; s++) store.add(snapshot(s, 1000));
    expect(store.size).toBe(10);
  });

  it('starts again when the step goes backwards (reset or restore) and bumps its revision', () => {
    const store = new SnapshotStore();
    store.add(snapshot(10));
    store.add(snapshot(20));
    const revision = store.revision;
    store.add(snapshot(5));
    expect(store.list().map((s) => s.step)).toEqual([5]);
    expect(store.revision).toBe(revision + 1);
    store.clear();
    expect(store.size).toBe(0);
  });

  it('replaces the latest snapshot when the same step is read again (after a pause)', () => {
    const store = new SnapshotStore();
    store.add(snapshot(10));
    store.add(snapshot(20));
    const again = snapshot(20);
    store.add(again);
    expect(store.list().map((s) => s.step)).toEqual([10, 20]);
    expect(store.list().at(-1)).toBe(again);
  });
});
