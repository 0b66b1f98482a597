// Seeded layer data, the reference results the benchmark checks against, the slice used for CPU
// rows at a smaller batch, and the error measure and bound.

import { describe, expect, it } from 'vitest';
import { networkLayers } from '../../bench/cases.ts';
import {
  acceptableError,
  makeLayerData,
  maxError,
  reductionLength,
  sliceLayerData,
} from '../../bench/data.ts';

describe('maxError', () => {
  it('is the largest absolute difference, infinite for NaN or a length mismatch', () => {
    expect(maxError([1, 2, 3], [1.5, 2, 2])).toBe(1);
    expect(maxError([1, NaN], [1, 2])).toBe(Infinity);
    expect(maxError([1], [1, 2])).toBe(Infinity);
  });
});

describe('error bound', () => {
  it('grows with the number of terms behind one output', () => {
    const [conv1, , pool, fc1] = networkLayers('convnet', 64);
    expect(reductionLength(fc1, 'forward')).toBe(9217);
    expect(reductionLength(conv1, 'backward_weight')).toBe(64 * 26 * 26);
    expect(reductionLength(networkLayers('convnet', 64)[1], 'backward_input')).toBe(64 * 9);
    expect(reductionLength(pool, 'backward_input')).toBe(1);
    expect(acceptableError(fc1, 'forward')).toBeCloseTo(16 * 2 ** -24 * 9217, 15);
  });
});

describe('layer data', () => {
  const layer = networkLayers('lenet5', 3)[2]; // conv 5x5 6->16 on 14x14

  it('is the same for the same seed and differs for another', () => {
    const a = makeLayerData(layer);
    expect(makeLayerData(layer).input).toEqual(a.input);
    expect(makeLayerData(layer, 7).input).not.toEqual(a.input);
    expect(a.input.length).toBe(3 * 6 * 14 * 14);
    expect(a.dOut.length).toBe(3 * 16 * 10 * 10);
    expect(Math.max(...a.weight.map(Math.abs))).toBeLessThanOrEqual(1);
  });

  it('slices the first images: per-image results agree, batch sums do not', () => {
    const full = makeLayerData(layer);
    const head = sliceLayerData(full, 2);
    expect(head.layer.params.batch).toBe(2);
    const perImage = 16 * 10 * 10;
    expect([...head.expected('forward')]).toEqual([...full.expected('forward').subarray(0, 2 * perImage)]);
    expect(maxError(head.expected('backward_weight'), full.expected('backward_weight'))).toBeGreaterThan(
      0.01,
    );
    expect(sliceLayerData(full, 3)).toBe(full);
  });

  it('keeps the max-pool argmax valid for the slice', () => {
    const pool = makeLayerData(networkLayers('seed', 3)[1]);
    const head = sliceLayerData(pool, 1);
    expect(head.argmax.length).toBe(20 * 12 * 12);
    expect(Math.max(...head.argmax)).toBeLessThan(head.input.length);
    expect(head.expected('forward')[5]).toBe(pool.input[pool.argmax[5]]);
  });
});
