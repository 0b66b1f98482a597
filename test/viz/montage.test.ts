import { describe, expect, it } from 'vitest';
import { montage, montageSize, type RgbaImage } from '../../src/viz/montage.ts';

const grey = (t: number): [number, number, number] => [Math.round(t * 200), 7, 9];

function pixel(image: RgbaImage, x: number, y: number): number[] {
  const i = (y * image.width + x) * 4;
  return Array.from(image.data.subarray(i, i + 4));
}

describe('montage', () => {
  const a = { width: 2, height: 1, values: new Float32Array([0, 1]) };
  const b = { width: 1, height: 3, values: new Float32Array([0.5, 0.5, 0.5]) };

  it('sizes cells by the largest tile and leaves a gap around every cell', () => {
    expect(montageSize(2, 3, 5, 7, { scale: 2, gap: 1 })).toEqual({ width: 1 + 3 * 11, height: 1 + 2 * 15 });
    const image = montage(
      [
        [a, b],
        [null, a],
      ],
      { scale: 3, gap: 2, colormap: grey },
    );
    // cells are 2x3 tile pixels, 6x9 image pixels
    expect([image.width, image.height]).toEqual([2 + 2 * 8, 2 + 2 * 11]);
    expect(image.data.length).toBe(image.width * image.height * 4);
  });

  it('scales tiles up by nearest neighbour and fills the rest with the background', () => {
    const image = montage(
      [
        [a, b],
        [null, a],
      ],
      { scale: 3, gap: 2, background: 50, colormap: grey },
    );
    expect(pixel(image, 0, 0)).toEqual([50, 50, 50, 255]); // border
    expect(pixel(image, 2, 2)).toEqual([0, 7, 9, 255]); // tile a, value 0
    expect(pixel(image, 4, 4)).toEqual([0, 7, 9, 255]);
    expect(pixel(image, 5, 2)).toEqual([200, 7, 9, 255]); // tile a, value 1 starts at x = 2 + 3
    expect(pixel(image, 7, 2)).toEqual([200, 7, 9, 255]);
    expect(pixel(image, 2, 5)).toEqual([50, 50, 50, 255]); // below tile a's single row
    expect(pixel(image, 10, 2 + 8)).toEqual([100, 7, 9, 255]); // tile b's third row, second cell
    expect(pixel(image, 13, 2)).toEqual([50, 50, 50, 255]); // right of tile b (1 pixel = 3 wide, x 10..12)
    expect(pixel(image, 3, 15)).toEqual([50, 50, 50, 255]); // the empty cell
    expect(pixel(image, 10, 13)).toEqual([0, 7, 9, 255]); // tile a in row 2, column 2
  });

  it('rejects a tile whose values do not fill it', () => {
    const bad = { width: 2, height: 2, values: new Float32Array(3) };
    expect(() => montage([[bad]], { scale: 1, gap: 0 })).toThrow(/2x2 tile has 3 values/);
  });
});
