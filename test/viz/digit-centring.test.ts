import { describe, expect, it } from 'vitest';
import { PIXEL_SCALE } from '../../src/data/batching.ts';
import {
  centreDigit,
  centreOfMass,
  inkBounds,
  inkFromRgba,
  type InkImage,
} from '../../src/viz/digit-centring.ts';

type Point = [number, number];

/** A thick anti-aliased polyline on a blank width x height canvas, as a pen would draw it. */
function stroke(width: number, height: number, points: Point[], radius: number): InkImage {
  const ink = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let d = Infinity;
      for (let i = 0; i + 1 < points.length; i++)
        d = Math.min(d, segmentDistance([x + 0.5, y + 0.5], points[i], points[i + 1]));
      ink[y * width + x] = Math.min(1, Math.max(0, radius + 0.5 - d));
    }
  }
  return { width, height, ink };
}

function segmentDistance(p: Point, a: Point, b: Point): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

function bounds28(out: Float32Array) {
  const b = inkBounds({ width: 28, height: 28, ink: out }, 0.2);
  if (!b) throw new Error('no ink');
  return { width: b.x1 - b.x0, height: b.y1 - b.y0 };
}

// A "7" drawn off-centre in the top-left of a 196x180 pad (odd sizes on purpose).
const seven = stroke(
  196,
  180,
  [
    [20, 15],
    [110, 15],
    [55, 140],
  ],
  7,
);

describe('centreDigit', () => {
  it('puts the centre of mass at (14, 14) within 0.5 px', () => {
    const out = centreDigit(seven);
    expect(out).not.toBeNull();
    const com = centreOfMass(out!, 28, 28);
    expect(Math.abs(com.x - 14)).toBeLessThan(0.5);
    expect(Math.abs(com.y - 14)).toBeLessThan(0.5);
  });

  it('scales the longer side to the 20 px box, keeping the aspect ratio', () => {
    const out = centreDigit(seven)!;
    const { width, height } = bounds28(out);
    expect(height).toBeGreaterThanOrEqual(19);
    expect(height).toBeLessThanOrEqual(21);
    // The source ink is about 104 x 139 px: the width should be about 20 * 104 / 139 = 15.
    expect(Math.abs(width - 15)).toBeLessThanOrEqual(1.5);
  });

  it('scales a small digit up to the same box', () => {
    const small = stroke(
      200,
      200,
      [
        [150, 150],
        [150, 162],
      ],
      1.5,
    ); // a 3 x 15 px "1"
    const out = centreDigit(small)!;
    expect(bounds28(out).height).toBeGreaterThanOrEqual(19);
    const com = centreOfMass(out, 28, 28);
    expect(Math.abs(com.x - 14)).toBeLessThan(0.5);
    expect(Math.abs(com.y - 14)).toBeLessThan(0.5);
  });

  it('returns null for an empty canvas, and for one with only faint specks', () => {
    expect(centreDigit({ width: 50, height: 40, ink: new Float32Array(2000) })).toBeNull();
    const faint = new Float32Array(2000).fill(0.01);
    expect(centreDigit({ width: 50, height: 40, ink: faint })).toBeNull();
  });

  it('outputs values scaled like training inputs, with the brightest pixel at 1', () => {
    const out = centreDigit(seven)!;
    expect(out.length).toBe(784);
    const bytes = Array.from(out, (v) => Math.round(v / PIXEL_SCALE));
    const offScale = Array.from(out).filter((v, p) => v !== Math.fround(bytes[p] * PIXEL_SCALE));
    expect(offScale).toEqual([]);
    expect(Math.min(...bytes)).toBe(0);
    const peak = Math.max(...bytes);
    expect(peak).toBe(255);
  });

  it('anti-aliases: the edges of the strokes hold intermediate grey levels', () => {
    const out = centreDigit(seven)!;
    const greys = Array.from(out).filter((v) => v > 0.05 && v < 0.95).length;
    expect(greys).toBeGreaterThan(10);
  });

  it('rejects ink that does not match the size given', () => {
    expect(() => centreDigit({ width: 10, height: 10, ink: new Float32Array(99) })).toThrow(/99 values/);
  });
});

describe('inkFromRgba', () => {
  it('reads ink from the alpha channel', () => {
    const rgba = new Uint8ClampedArray([0, 0, 0, 0, 9, 9, 9, 255, 1, 2, 3, 51]);
    expect(Array.from(inkFromRgba(rgba, 3, 1))).toEqual([0, 1, 0.2].map(Math.fround));
  });
});
