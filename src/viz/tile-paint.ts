// Painting a layer's tiles into the RGBA pixels of its single canvas (tile-layout.ts says where):
// each tile's data pixels are coloured into a small scratch buffer (tiles.ts paints them), then
// copied scaled up, nearest neighbour, into the tile's rectangle; group frames are filled first.
// Pure and allocation-free per frame apart from typed-array views, so a view repaints into the
// same ImageData. Not the layout, and no canvas.

import { groupRect, tileRect, type Rect, type TileLayout } from './tile-layout.ts';
import type { RgbaBytes } from './tiles.ts';

/** RGBA pixels, 4 bytes each, row-major (as ImageData is). */
export interface RgbaImage {
  width: number;
  height: number;
  data: RgbaBytes;
}

/** 32-bit words over the same bytes: one word per pixel, so a copy keeps the byte order. */
function words(data: RgbaBytes): Uint32Array {
  return new Uint32Array(data.buffer, data.byteOffset, data.length >> 2);
}

/** The word whose bytes are r, g, b, a in memory order (whatever the machine's endianness). */
export function rgbaWord(r: number, g: number, b: number, a = 255): number {
  return new Uint32Array(new Uint8Array([r, g, b, a]).buffer)[0];
}

/** Fills `rect` (clipped to the image) with the pixel `word`. */
export function fillRect(image: RgbaImage, rect: Rect, word: number): void {
  const out = words(image.data);
  const x0 = Math.max(0, rect.x);
  const x1 = Math.min(image.width, rect.x + rect.width);
  for (let y = Math.max(0, rect.y); y < Math.min(image.height, rect.y + rect.height); y++) {
    if (x1 > x0) out.fill(word, y * image.width + x0, y * image.width + x1);
  }
}

/**
 * Copies `src` (srcWidth x srcHeight RGBA) into `rect` of the image, scaled nearest neighbour:
 * destination pixel (x, y) of the rectangle takes source pixel (floor(x * srcWidth / rect.width),
 * floor(y * srcHeight / rect.height)). The rectangle must lie inside the image.
 */
export function blitScaled(
  image: RgbaImage,
  rect: Rect,
  src: RgbaBytes,
  srcWidth: number,
  srcHeight: number,
): void {
  if (rect.x < 0 || rect.y < 0 || rect.x + rect.width > image.width || rect.y + rect.height > image.height) {
    throw new Error(`blitScaled: ${JSON.stringify(rect)} outside ${image.width}x${image.height}`);
  }
  const out = words(image.data);
  const from = words(src);
  let previousRow = -1;
  for (let dy = 0; dy < rect.height; dy++) {
    const sy = Math.floor((dy * srcHeight) / rect.height);
    const row = (rect.y + dy) * image.width + rect.x;
    if (sy === previousRow) {
      // The same source row again (a scaled-up pixel is several rows tall): copy the row above.
      out.copyWithin(row, row - image.width, row - image.width + rect.width);
      continue;
    }
    for (let dx = 0; dx < rect.width; dx++) {
      out[row + dx] = from[sy * srcWidth + Math.floor((dx * srcWidth) / rect.width)];
    }
    previousRow = sy;
  }
}

/**
 * Paints every tile of `layout` into `image` (sized layout.width x layout.height): clears it to
 * transparent, fills each group with `frameWord` when the layout has frames, then for tile t calls
 * `paintTile(scratch, t)` to colour its dataWidth x dataHeight pixels into `scratch` and copies
 * them scaled into the tile's rectangle.
 */
export function paintLayerTiles(
  image: RgbaImage,
  layout: TileLayout,
  scratch: RgbaBytes,
  dataWidth: number,
  dataHeight: number,
  paintTile: (scratch: RgbaBytes, t: number) => void,
  frameWord = 0,
): void {
  if (image.width !== layout.width || image.height !== layout.height) {
    throw new Error(
      `paintLayerTiles: image ${image.width}x${image.height}, layout ${layout.width}x${layout.height}`,
    );
  }
  if (scratch.length !== dataWidth * dataHeight * 4) {
    throw new Error(`paintLayerTiles: scratch of ${scratch.length} bytes for ${dataWidth}x${dataHeight}`);
  }
  words(image.data).fill(0);
  if (layout.spec.framePadding > 0) {
    for (let g = 0; g < layout.groups; g++) fillRect(image, groupRect(layout, g), frameWord);
  }
  for (let t = 0; t < layout.spec.count; t++) {
    paintTile(scratch, t);
    blitScaled(image, tileRect(layout, t), scratch, dataWidth, dataHeight);
  }
}
