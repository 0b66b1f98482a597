// Painting small tiles (one filter channel, one feature map, one image) into RGBA pixels that
// ImageData accepts, through a colour lookup table; and the values a conv layer's filter tiles
// show. Pure and allocation-free where it paints, so a view can repaint into the same buffer.
// Not a montage (montage.ts lays many tiles into one image for the CLI).

import type { ConvFilters } from '../app/view-types.ts';
import { DIVERGING_LUT, GREY_LUT, NAN_RGB, VIRIDIS_LUT, type ColorLut } from './color-scales.ts';

/** RGBA bytes, 4 per pixel, as ImageData.data is. */
export type RgbaBytes = Uint8ClampedArray | Uint8Array;

function put(out: RgbaBytes, pixel: number, lut: ColorLut, index: number): void {
  const o = pixel * 4;
  const l = index * 3;
  out[o] = lut.rgb[l];
  out[o + 1] = lut.rgb[l + 1];
  out[o + 2] = lut.rgb[l + 2];
  out[o + 3] = 255;
}

function putNaN(out: RgbaBytes, pixel: number): void {
  out.set([NAN_RGB[0], NAN_RGB[1], NAN_RGB[2], 255], pixel * 4);
}

/**
 * Paints out.length / 4 signed values from values[offset] on a diverging table: v / range in
 * [-1, 1] (clamped), 0 on the middle entry. A zero range paints every pixel as zero.
 */
export function paintSigned(
  out: RgbaBytes,
  values: ArrayLike<number>,
  offset: number,
  range: number,
  lut: ColorLut = DIVERGING_LUT,
): void {
  const half = (lut.size - 1) / 2;
  const k = range > 0 ? half / range : 0;
  for (let p = 0; p < out.length / 4; p++) {
    const v = values[offset + p];
    if (Number.isNaN(v)) putNaN(out, p);
    else put(out, p, lut, Math.round(half + Math.min(half, Math.max(-half, v * k))));
  }
}

/**
 * Paints out.length / 4 values from values[offset] with lo..hi mapped onto the table (clamped).
 * lo === hi (a flat map) paints the middle entry: flat, neither dark nor bright.
 */
export function paintLinear(
  out: RgbaBytes,
  values: ArrayLike<number>,
  offset: number,
  lo: number,
  hi: number,
  lut: ColorLut = VIRIDIS_LUT,
): void {
  const top = lut.size - 1;
  const k = hi > lo ? top / (hi - lo) : 0;
  for (let p = 0; p < out.length / 4; p++) {
    const v = values[offset + p];
    if (Number.isNaN(v)) putNaN(out, p);
    else
      put(out, p, lut, k === 0 ? Math.round(top / 2) : Math.round(Math.min(top, Math.max(0, (v - lo) * k))));
  }
}

/** Paints out.length / 4 image bytes (0..255) from bytes[offset], black to white. */
export function paintBytes(
  out: RgbaBytes,
  bytes: ArrayLike<number>,
  offset: number,
  lut: ColorLut = GREY_LUT,
): void {
  for (let p = 0; p < out.length / 4; p++) put(out, p, lut, bytes[offset + p]);
}

/**
 * CSS size of a tile showing `size` data pixels: a whole multiple of `size` near `target`, so
 * pixelated scaling gives every data pixel the same number of screen pixels.
 */
export function tileCssSize(size: number, target: number): number {
  return size * Math.max(1, Math.round(target / Math.max(1, size)));
}

/**
 * How filters with several input channels are shown: 'each' = one tile per input channel (the
 * honest view; positive and negative weights of different channels do not cancel), 'mean' = one
 * tile per filter, the mean over input channels (compact). 'auto' picks 'each' while the layer
 * has at most EACH_CHANNEL_TILE_LIMIT tiles (lenet5's conv2: 96) and 'mean' beyond (convnet's
 * conv2: 2048 tiles would be unreadable and slow to lay out).
 */
export type ChannelView = 'auto' | 'each' | 'mean';
export const EACH_CHANNEL_TILE_LIMIT = 384;

export function resolveChannelView(
  view: ChannelView,
  outChannels: number,
  inChannels: number,
): 'each' | 'mean' {
  if (inChannels === 1) return 'each';
  if (view !== 'auto') return view;
  return outChannels * inChannels <= EACH_CHANNEL_TILE_LIMIT ? 'each' : 'mean';
}

/** The values a layer's tiles show: [filters, tilesPerFilter, height, width]. */
export interface FilterTiles {
  filters: number;
  tilesPerFilter: number;
  height: number;
  width: number;
  values: Float32Array;
}

/** The tiles of `layer` in `view` ('each' shares the weights array; 'mean' computes a new one). */
export function filterTiles(layer: ConvFilters, view: ChannelView): FilterTiles {
  const { outChannels, inChannels, kernelHeight: height, kernelWidth: width, weights } = layer;
  const area = height * width;
  if (weights.length !== outChannels * inChannels * area) {
    throw new Error(
      `${layer.label}: ${weights.length} weights for ${outChannels}x${inChannels}x${height}x${width}`,
    );
  }
  if (resolveChannelView(view, outChannels, inChannels) === 'each') {
    return { filters: outChannels, tilesPerFilter: inChannels, height, width, values: weights };
  }
  const values = new Float32Array(outChannels * area);
  for (let o = 0; o < outChannels; o++) {
    for (let i = 0; i < inChannels; i++) {
      const from = (o * inChannels + i) * area;
      for (let p = 0; p < area; p++) values[o * area + p] += weights[from + p] / inChannels;
    }
  }
  return { filters: outChannels, tilesPerFilter: 1, height, width, values };
}
