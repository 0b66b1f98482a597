import { describe, expect, it } from 'vitest';
import {
  DIVERGING_LUT,
  cssGradient,
  diverging,
  fractionBeyond,
  mapRanges,
  maxAbs,
  minMax,
  signedRanges,
} from '../../src/viz/color-scales.ts';

describe('diverging', () => {
  it('is white at zero, dark blue at -1, dark red at +1, and clamps', () => {
    expect(diverging(0)).toEqual([255, 255, 255]);
    expect(diverging(-1)).toEqual([5, 48, 97]);
    expect(diverging(1)).toEqual([103, 0, 31]);
    expect(diverging(-4)).toEqual([5, 48, 97]);
    expect(diverging(9)).toEqual([103, 0, 31]);
    expect(diverging(NaN)).toEqual([255, 0, 255]);
  });

  it('is blue below zero and red above (sign is readable)', () => {
    const [rNeg, , bNeg] = diverging(-0.5);
    const [rPos, , bPos] = diverging(0.5);
    expect(bNeg).toBeGreaterThan(rNeg);
    expect(rPos).toBeGreaterThan(bPos);
  });

  it('puts zero on the middle entry of its lookup table', () => {
    expect(DIVERGING_LUT.size % 2).toBe(1);
    const mid = (DIVERGING_LUT.size - 1) / 2;
    expect(Array.from(DIVERGING_LUT.rgb.subarray(mid * 3, mid * 3 + 3))).toEqual([255, 255, 255]);
  });
});

describe('ranges', () => {
  // Three filters of four weights; filter 1 is dead (all zero).
  const w = new Float32Array([0.1, -0.4, 0.2, 0, 0, 0, 0, 0, 0.05, 0.3, -0.9, 0.6]);

  it('maxAbs and minMax ignore NaN and handle empty spans', () => {
    expect(maxAbs([1, -3, NaN, 2])).toBe(3);
    expect(maxAbs([])).toBe(0);
    expect(minMax([2, NaN, -1, 5])).toEqual([-1, 5]);
    expect(minMax([NaN])).toEqual([0, 0]);
  });

  it('per-filter gives each filter its own max |w|', () => {
    expect(Array.from(signedRanges(w, 3, 4, 'per-filter'))).toEqual([0.4, 0, 0.9].map(Math.fround));
  });

  it('per-layer gives every filter the layer max |w|', () => {
    expect(Array.from(signedRanges(w, 3, 4, 'per-layer'))).toEqual([0.9, 0.9, 0.9].map(Math.fround));
  });

  it('fixed gives the locked value whatever the weights', () => {
    expect(Array.from(signedRanges(w, 3, 4, 'fixed', 0.25))).toEqual([0.25, 0.25, 0.25]);
  });

  it('mapRanges per-map and per-layer', () => {
    const maps = [0, 2, 1, 3, -1, 5, 7, 8, 7];
    expect(Array.from(mapRanges(maps, 0, 3, 3, 'per-map'))).toEqual([0, 2, -1, 5, 7, 8]);
    expect(Array.from(mapRanges(maps, 3, 2, 3, 'per-layer'))).toEqual([-1, 8, -1, 8]);
  });

  it('mapRanges per-map gives a flat (dead) map the layer range, so zero reads as low', () => {
    const maps = [0, 0, 0, 1, 4, 2];
    expect(Array.from(mapRanges(maps, 0, 2, 3, 'per-map'))).toEqual([0, 4, 1, 4]);
    expect(Array.from(mapRanges([5, 5], 0, 1, 2, 'per-map'))).toEqual([5, 5]);
  });

  it('fractionBeyond counts what a fixed range clips', () => {
    expect(fractionBeyond(w, 0.35)).toBe(3 / 12);
    expect(fractionBeyond(w, 1)).toBe(0);
    expect(fractionBeyond([], 1)).toBe(0);
  });
});

describe('cssGradient', () => {
  it('lists the sampled colours with percentages', () => {
    expect(cssGradient(diverging, -1, 1, 3)).toBe(
      'linear-gradient(to right, rgb(5 48 97) 0%, rgb(255 255 255) 50%, rgb(103 0 31) 100%)',
    );
  });
});
