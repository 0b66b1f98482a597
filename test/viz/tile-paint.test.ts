import { describe, expect, it } from 'vitest';
import { tileLayout, tileRect } from '../../src/viz/tile-layout.ts';
import { blitScaled, fillRect, paintLayerTiles, rgbaWord, type RgbaImage } from '../../src/viz/tile-paint.ts';

function image(width: number, height: number): RgbaImage {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

function pixel(img: RgbaImage, x: number, y: number): number[] {
  const o = (y * img.width + x) * 4;
  return Array.from(img.data.subarray(o, o + 4));
}

describe('rgbaWord and fillRect', () => {
  it('fills the rectangle, clipped to the image, with the bytes in RGBA order', () => {
    const img = image(5, 3);
    fillRect(img, { x: 3, y: 1, width: 4, height: 5 }, rgbaWord(10, 20, 30, 40));
    expect(pixel(img, 3, 1)).toEqual([10, 20, 30, 40]);
    expect(pixel(img, 4, 2)).toEqual([10, 20, 30, 40]);
    expect(pixel(img, 2, 1)).toEqual([0, 0, 0, 0]);
    expect(pixel(img, 3, 0)).toEqual([0, 0, 0, 0]);
  });
});

describe('blitScaled', () => {
  it('scales a 3x2 source to 9x4 by whole pixels (nearest neighbour)', () => {
    const src = new Uint8ClampedArray(3 * 2 * 4);
    for (let p = 0; p < 6; p++) src.set([p * 10, p, 255 - p, 255], p * 4);
    const img = image(11, 5);
    blitScaled(img, { x: 1, y: 1, width: 9, height: 4 }, src, 3, 2);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 9; x++) {
        const p = Math.floor(y / 2) * 3 + Math.floor(x / 3);
        expect(pixel(img, 1 + x, 1 + y)).toEqual([p * 10, p, 255 - p, 255]);
      }
    }
    expect(pixel(img, 0, 0)).toEqual([0, 0, 0, 0]);
    expect(pixel(img, 10, 1)).toEqual([0, 0, 0, 0]);
  });

  it('rejects a rectangle outside the image', () => {
    expect(() =>
      blitScaled(image(4, 4), { x: 2, y: 0, width: 3, height: 1 }, new Uint8Array(4), 1, 1),
    ).toThrow(/outside 4x4/);
  });
});

describe('paintLayerTiles', () => {
  it('paints each tile from its own data, frames between, transparent elsewhere', () => {
    // 2 groups of 3 tiles of 2x1 data pixels shown 4x3 (x2 wide, x3 tall); framed.
    const layout = tileLayout({
      count: 6,
      perGroup: 3,
      tileWidth: 4,
      tileHeight: 3,
      gap: 1,
      groupGap: 5,
      framePadding: 1,
      maxWidth: 100,
    });
    const img = image(layout.width, layout.height);
    img.data.fill(77); // a stale frame: painting starts from transparent
    const frame = rgbaWord(200, 201, 202);
    const painted: number[] = [];
    paintLayerTiles(
      img,
      layout,
      new Uint8ClampedArray(2 * 4),
      2,
      1,
      (scratch, t) => {
        painted.push(t);
        scratch.set([t, 0, 0, 255, t, 100, 0, 255]);
      },
      frame,
    );
    expect(painted).toEqual([0, 1, 2, 3, 4, 5]);
    for (let t = 0; t < 6; t++) {
      const r = tileRect(layout, t);
      expect(pixel(img, r.x, r.y)).toEqual([t, 0, 0, 255]);
      expect(pixel(img, r.x + 3, r.y + 2)).toEqual([t, 100, 0, 255]);
    }
    const r1 = tileRect(layout, 1);
    expect(pixel(img, r1.x - 1, r1.y)).toEqual([200, 201, 202, 255]); // the gap inside a group
    expect(pixel(img, 0, 0)).toEqual([200, 201, 202, 255]); // the frame
    expect(pixel(img, layout.groupWidth + 2, 0)).toEqual([0, 0, 0, 0]); // between groups
  });

  it('refuses an image or scratch of the wrong size', () => {
    const layout = tileLayout({
      count: 2,
      perGroup: 1,
      tileWidth: 3,
      tileHeight: 3,
      gap: 0,
      groupGap: 1,
      framePadding: 0,
      maxWidth: 50,
    });
    expect(() => paintLayerTiles(image(6, 3), layout, new Uint8Array(36), 3, 3, () => {})).toThrow(
      /layout 7x3/,
    );
    expect(() => paintLayerTiles(image(7, 3), layout, new Uint8Array(12), 3, 3, () => {})).toThrow(/scratch/);
  });
});
