// What the CLI draws for a layer: a conv layer's filters and a layer's feature maps, as montages
// (montage.ts) with per-filter / per-map min-max normalisation. Pure; tensors in, RGBA images out.

import { minMaxNormalise } from './colormap.ts';
import { montage, type MontageOptions, type RgbaImage, type Tile } from './montage.ts';

/** [outChannels, inChannels, kernelH, kernelW], PyTorch's conv weight order (the flat layout's). */
export interface FilterShape {
  outChannels: number;
  inChannels: number;
  kernelH: number;
  kernelW: number;
}

/** [count, channels, height, width]: `count` images' maps of one layer, NCHW. */
export interface MapShape {
  count: number;
  channels: number;
  height: number;
  width: number;
}

/** Tile pixels that make one montage cell about `target` image pixels wide. */
export function scaleFor(size: number, target = 48): number {
  return Math.max(1, Math.ceil(target / Math.max(1, size)));
}

function checkLength(what: string, values: Float32Array, expected: number): void {
  if (values.length !== expected) {
    throw new Error(`${what}: expected ${expected} values for the shape given, got ${values.length}`);
  }
}

/**
 * A conv layer's filters. One input channel: one tile per filter, in a near-square grid. More: one
 * row per filter, one column per input channel. Each filter (all its input channels together) is
 * normalised on its own, so the pattern of every filter is visible whatever its scale.
 */
export function filterMontage(
  weights: Float32Array,
  shape: FilterShape,
  options: Partial<MontageOptions> = {},
): RgbaImage {
  const { outChannels, inChannels, kernelH, kernelW } = shape;
  const kernel = kernelH * kernelW;
  checkLength('filterMontage', weights, outChannels * inChannels * kernel);
  const rows: Tile[][] = [];
  for (let o = 0; o < outChannels; o++) {
    const filter = minMaxNormalise(weights.subarray(o * inChannels * kernel, (o + 1) * inChannels * kernel));
    rows.push(
      Array.from({ length: inChannels }, (_, i) => ({
        width: kernelW,
        height: kernelH,
        values: filter.subarray(i * kernel, (i + 1) * kernel),
      })),
    );
  }
  let grid: (Tile | null)[][] = rows;
  if (inChannels === 1) {
    const columns = Math.ceil(Math.sqrt(outChannels));
    grid = [];
    for (let o = 0; o < outChannels; o += columns) grid.push(rows.slice(o, o + columns).map((r) => r[0]));
  }
  const scale = options.scale ?? scaleFor(Math.max(kernelH, kernelW));
  return montage(grid, { gap: 2, ...options, scale });
}

/** Feature maps: one row per image, one column per channel; every map normalised on its own. */
export function featureMapMontage(
  maps: Float32Array,
  shape: MapShape,
  options: Partial<MontageOptions> = {},
): RgbaImage {
  const { count, channels, height, width } = shape;
  const area = height * width;
  checkLength('featureMapMontage', maps, count * channels * area);
  const grid: Tile[][] = [];
  for (let n = 0; n < count; n++) {
    const row: Tile[] = [];
    for (let c = 0; c < channels; c++) {
      const start = (n * channels + c) * area;
      row.push({ width, height, values: minMaxNormalise(maps.subarray(start, start + area)) });
    }
    grid.push(row);
  }
  const scale = options.scale ?? scaleFor(Math.max(height, width));
  return montage(grid, { gap: 2, ...options, scale });
}
