// Colour scales for the live views: a diverging blue-white-red map for signed weights (zero is
// white), viridis and grey lookup tables for activations and images, and the ranges each
// normalisation mode maps onto them. Pure: numbers in, numbers out; no canvas, no DOM.

import { viridis } from './colormap.ts';

/** How filter weights are scaled: each filter alone, the whole layer, or a range locked over time. */
export type FilterScaleMode = 'per-filter' | 'per-layer' | 'fixed';
/** How feature maps are scaled: each map alone, or all maps of a layer together. */
export type MapScaleMode = 'per-map' | 'per-layer';

/** RGB triples, `size` entries; index 0 is the low end. */
export interface ColorLut {
  size: number;
  rgb: Uint8Array;
}

/** What a NaN paints as: magenta is in no scale here, so a broken value cannot hide. */
export const NAN_RGB: readonly [number, number, number] = [255, 0, 255];

/** RdBu (ColorBrewer) reversed, with a pure white centre: negative blue, positive red. */
const DIVERGING_STOPS: readonly (readonly [number, number, number])[] = [
  [5, 48, 97],
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [255, 255, 255],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
  [103, 0, 31],
];

/** Diverging colour of `t` in [-1, 1] (clamped; NaN gives NAN_RGB): -1 dark blue, 0 white, 1 dark red. */
export function diverging(t: number): [number, number, number] {
  if (Number.isNaN(t)) return [...NAN_RGB];
  const x = ((Math.min(1, Math.max(-1, t)) + 1) / 2) * (DIVERGING_STOPS.length - 1);
  const i = Math.min(Math.floor(x), DIVERGING_STOPS.length - 2);
  const f = x - i;
  const [a, b] = [DIVERGING_STOPS[i], DIVERGING_STOPS[i + 1]];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as [number, number, number];
}

/** Samples `colour` at `size` evenly spaced points of [lo, hi] (a table, so painting is a lookup). */
export function buildLut(
  colour: (t: number) => [number, number, number],
  size: number,
  lo = 0,
  hi = 1,
): ColorLut {
  const rgb = new Uint8Array(size * 3);
  for (let i = 0; i < size; i++) rgb.set(colour(lo + ((hi - lo) * i) / (size - 1)), i * 3);
  return { size, rgb };
}

/** Odd size, so t = 0 lands exactly on the middle (white) entry. */
export const DIVERGING_LUT: ColorLut = buildLut(diverging, 255, -1, 1);
export const VIRIDIS_LUT: ColorLut = buildLut(viridis, 256);
/** Black to white, as MNIST images are shown (ink is bright). */
export const GREY_LUT: ColorLut = buildLut(
  (t) => [Math.round(t * 255), Math.round(t * 255), Math.round(t * 255)],
  256,
);

/** A CSS linear-gradient through `stops` samples of `colour` over [lo, hi], for legends. */
export function cssGradient(
  colour: (t: number) => [number, number, number],
  lo: number,
  hi: number,
  stops = 9,
): string {
  const parts: string[] = [];
  for (let i = 0; i < stops; i++) {
    const [r, g, b] = colour(lo + ((hi - lo) * i) / (stops - 1));
    parts.push(`rgb(${r} ${g} ${b}) ${Math.round((100 * i) / (stops - 1))}%`);
  }
  return `linear-gradient(to right, ${parts.join(', ')})`;
}

/** Largest |v| over values[start, end), ignoring NaN; 0 for an empty or all-NaN span. */
export function maxAbs(values: ArrayLike<number>, start = 0, end = values.length): number {
  let m = 0;
  for (let i = start; i < end; i++) {
    const a = Math.abs(values[i]);
    if (a > m) m = a;
  }
  return m;
}

/** Smallest and largest finite-or-infinite value over values[start, end), ignoring NaN. */
export function minMax(values: ArrayLike<number>, start = 0, end = values.length): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = start; i < end; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/**
 * Symmetric half-range (the |w| that maps to the darkest colour) for each of `count` blocks of
 * `blockSize` values. 'per-filter': each block's own max |w|; 'per-layer': the max over all
 * blocks; 'fixed': `fixedMax` for every block. A zero range (a dead, all-zero filter) is returned
 * as is; painting treats it as "everything is zero", i.e. white.
 */
export function signedRanges(
  values: ArrayLike<number>,
  count: number,
  blockSize: number,
  mode: FilterScaleMode,
  fixedMax = 1,
): Float32Array {
  const ranges = new Float32Array(count);
  if (mode === 'fixed') return ranges.fill(fixedMax);
  for (let b = 0; b < count; b++) ranges[b] = maxAbs(values, b * blockSize, (b + 1) * blockSize);
  if (mode === 'per-layer') ranges.fill(maxAbs(ranges));
  return ranges;
}

/**
 * [lo, hi] pairs (2 * count values) for `count` maps of `area` values starting at `offset`.
 * 'per-map': each map's own min and max, except that a flat map (a dead ReLU channel is all
 * zeros) gets the layer's range, so it reads as its value (dark for zero) rather than as "middle";
 * 'per-layer': the min and max over all of them.
 */
export function mapRanges(
  values: ArrayLike<number>,
  offset: number,
  count: number,
  area: number,
  mode: MapScaleMode,
): Float32Array {
  const ranges = new Float32Array(2 * count);
  let lo = Infinity;
  let hi = -Infinity;
  for (let m = 0; m < count; m++) {
    const [mapLo, mapHi] = minMax(values, offset + m * area, offset + (m + 1) * area);
    ranges[2 * m] = mapLo;
    ranges[2 * m + 1] = mapHi;
    lo = Math.min(lo, mapLo);
    hi = Math.max(hi, mapHi);
  }
  for (let m = 0; m < count; m++) {
    if (mode === 'per-layer' || ranges[2 * m] === ranges[2 * m + 1]) ranges.set([lo, hi], 2 * m);
  }
  return ranges;
}

/** Fraction of values[start, end) with |v| > limit: how much a fixed scale clips (weights outgrew it). */
export function fractionBeyond(
  values: ArrayLike<number>,
  limit: number,
  start = 0,
  end = values.length,
): number {
  if (end <= start) return 0;
  let n = 0;
  for (let i = start; i < end; i++) if (Math.abs(values[i]) > limit) n++;
  return n / (end - start);
}
