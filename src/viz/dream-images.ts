// Pictures of class visualisations and saliency maps, as RGBA (montage.ts): dreams in greyscale at
// the pixel range (0 black .. 1 white, like an MNIST digit; no per-image stretch, so a faint dream
// looks faint), and saliency as a heat overlay on the greyed image. Pure: tensors in, RGBA out;
// the CLI writes PNGs (src/cli/dream.ts), the Lit views paint the same helpers.

import { montage, type RgbaImage, type Tile } from './montage.ts';

/** Grey level for a pixel value in [low, high] (clamped). */
export function greyRgb(t: number): [number, number, number] {
  const v = Math.round(255 * Math.min(1, Math.max(0, t)));
  return [v, v, v];
}

/**
 * Saliency colour for a value in [-1, 1] over a grey image value g in [0, 1]: the image dimmed
 * to dark grey, then red for positive and blue for negative evidence, opaque in proportion to |t|.
 */
export function overlayRgb(g: number, t: number): [number, number, number] {
  const base = 40 + 90 * Math.min(1, Math.max(0, g));
  const a = Math.min(1, Math.abs(t));
  const hue: [number, number, number] = t >= 0 ? [255, 70, 40] : [50, 140, 255];
  return hue.map((h) => Math.round(base + a * (h - base))) as [number, number, number];
}

/** The largest |value| (1 for an all-zero map, so it divides safely). */
export function maxAbsOf(values: ArrayLike<number>): number {
  let most = 0;
  for (let i = 0; i < values.length; i++) most = Math.max(most, Math.abs(values[i]));
  return most > 0 ? most : 1;
}

/**
 * One row of `count` images ([count, C, H, W]; the first channel of each) in greyscale at the
 * pixel range.
 */
export function dreamMontage(
  images: Float32Array,
  count: number,
  shape: readonly [number, number, number],
  scale = 4,
): RgbaImage {
  const [channels, height, width] = shape;
  const plane = height * width;
  const row: Tile[] = Array.from({ length: count }, (_, i) => ({
    width,
    height,
    values: images.subarray(i * channels * plane, i * channels * plane + plane),
  }));
  return montage([row], { scale, gap: 4, background: 90, colormap: greyRgb });
}

/** A cell of rgbMontage: its size and the colour of each pixel (row-major index). */
export interface RgbTile {
  width: number;
  height: number;
  rgb(index: number): [number, number, number];
}

/** Like montage(), for tiles that colour each pixel themselves (an overlay needs two values). */
export function rgbMontage(
  grid: readonly (readonly RgbTile[])[],
  scale: number,
  gap: number,
  background = 255,
): RgbaImage {
  const cellW = Math.max(0, ...grid.flat().map((t) => t.width));
  const cellH = Math.max(0, ...grid.flat().map((t) => t.height));
  const columns = Math.max(0, ...grid.map((row) => row.length));
  const width = gap + columns * (cellW * scale + gap);
  const height = gap + grid.length * (cellH * scale + gap);
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([background, background, background, 255], 4 * i);
  grid.forEach((row, r) =>
    row.forEach((tile, c) => {
      const left = gap + c * (cellW * scale + gap);
      const top = gap + r * (cellH * scale + gap);
      for (let y = 0; y < tile.height * scale; y++)
        for (let x = 0; x < tile.width * scale; x++) {
          const at = ((top + y) * width + left + x) * 4;
          data.set(tile.rgb(Math.floor(y / scale) * tile.width + Math.floor(x / scale)), at);
        }
    }),
  );
  return { width, height, data };
}

/**
 * A grid with one row per image: the image in grey, then each of its maps as an overlay on it
 * (each map scaled by its own max |value|). Images and maps are [H, W] planes.
 */
export function saliencyMontage(
  rows: readonly { image: Float32Array; maps: readonly Float32Array[] }[],
  height: number,
  width: number,
  scale = 4,
): RgbaImage {
  const grid = rows.map(({ image, maps }) => [
    { width, height, rgb: (i: number) => greyRgb(image[i]) },
    ...maps.map((map) => {
      const top = maxAbsOf(map);
      return { width, height, rgb: (i: number) => overlayRgb(image[i], map[i] / top) };
    }),
  ]);
  return rgbMontage(grid, scale, 4);
}
