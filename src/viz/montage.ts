// Montages: a grid of small single-channel tiles (already normalised to [0, 1]) coloured with a
// colour map, each scaled up by nearest neighbour, on a grey background with a gap between tiles,
// as one RGBA image. Pure (no canvas, no files); the CLI writes the result as PNG.

import { viridis } from './colormap.ts';

export interface Tile {
  width: number;
  height: number;
  /** Row-major, width*height values in [0, 1]. */
  values: Float32Array;
}

/** 8-bit RGBA, row-major, as PNG encoders and ImageData take it. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface MontageOptions {
  /** Each tile pixel becomes scale x scale image pixels. */
  scale: number;
  /** Background pixels between tiles and around the edge. */
  gap: number;
  /** Grey level of the background grid (0..255). */
  background?: number;
  colormap?: (t: number) => [number, number, number];
}

/** Width and height of a montage of `rows` x `columns` cells of cellW x cellH tile pixels. */
export function montageSize(
  rows: number,
  columns: number,
  cellW: number,
  cellH: number,
  options: Pick<MontageOptions, 'scale' | 'gap'>,
): { width: number; height: number } {
  const { scale, gap } = options;
  return { width: gap + columns * (cellW * scale + gap), height: gap + rows * (cellH * scale + gap) };
}

/**
 * Lays out `grid` (rows of tiles; null leaves a cell empty). Every cell is as large as the largest
 * tile, smaller tiles sit in its top-left corner.
 */
export function montage(grid: readonly (readonly (Tile | null)[])[], options: MontageOptions): RgbaImage {
  const { scale, gap, background = 128, colormap = viridis } = options;
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`montage: scale must be a whole number >= 1`);
  if (!Number.isInteger(gap) || gap < 0) throw new Error(`montage: gap must be a whole number >= 0`);
  const tiles = grid.flat().filter((t): t is Tile => t !== null);
  for (const t of tiles) {
    if (t.values.length !== t.width * t.height) {
      throw new Error(`montage: a ${t.width}x${t.height} tile has ${t.values.length} values`);
    }
  }
  const cellW = Math.max(0, ...tiles.map((t) => t.width));
  const cellH = Math.max(0, ...tiles.map((t) => t.height));
  const columns = Math.max(0, ...grid.map((row) => row.length));
  const { width, height } = montageSize(grid.length, columns, cellW, cellH, { scale, gap });
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([background, background, background, 255], i * 4);
  grid.forEach((row, r) =>
    row.forEach((tile, c) => {
      if (!tile) return;
      const left = gap + c * (cellW * scale + gap);
      const top = gap + r * (cellH * scale + gap);
      for (let y = 0; y < tile.height * scale; y++) {
        for (let x = 0; x < tile.width * scale; x++) {
          const rgb = colormap(tile.values[Math.floor(y / scale) * tile.width + Math.floor(x / scale)]);
          data.set([...rgb, 255], ((top + y) * width + left + x) * 4);
        }
      }
    }),
  );
  return { width, height, data };
}
