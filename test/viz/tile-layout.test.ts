import { describe, expect, it } from 'vitest';
import {
  groupAt,
  groupRect,
  tileAt,
  tileLayout,
  tileRect,
  type TileLayoutSpec,
} from '../../src/viz/tile-layout.ts';

/** lenet5's conv2 as the filter grid shows it: 16 filters x 6 channels of 5x5, 25 px tiles. */
const CONV2: TileLayoutSpec = {
  count: 16 * 6,
  perGroup: 6,
  tileWidth: 25,
  tileHeight: 25,
  gap: 2,
  groupGap: 9,
  framePadding: 1,
  maxWidth: 700,
};

describe('tileLayout', () => {
  it('wraps framed groups to the width, like a flex-wrap row', () => {
    const layout = tileLayout(CONV2);
    // A group: 6 tiles of 25 with 5 gaps of 2, plus 1 px frame each side = 162 px; 17 px tall.
    expect([layout.groupWidth, layout.groupHeight]).toEqual([162, 27]);
    // (700 + 9) / (162 + 9) = 4.1: 4 groups a row, 4 rows.
    expect(layout.groupColumns).toBe(4);
    expect([layout.width, layout.height]).toEqual([4 * 171 - 9, 4 * 36 - 9]);
    expect(groupRect(layout, 5)).toEqual({ x: 171, y: 36, width: 162, height: 27 });
    // Filter 5, channel 3: group 5 + frame + 3 tiles and gaps.
    expect(tileRect(layout, 5 * 6 + 3)).toEqual({ x: 171 + 1 + 3 * 27, y: 37, width: 25, height: 25 });
  });

  it('is no wider than the groups there are, and one row when they fit', () => {
    const layout = tileLayout({ ...CONV2, count: 3, perGroup: 1, framePadding: 0, gap: 0, groupGap: 3 });
    expect([layout.width, layout.height, layout.groupColumns]).toEqual([3 * 25 + 2 * 3, 25, 3]);
  });

  it('wraps the tiles of a group wider than the room (a phone, many input channels)', () => {
    const layout = tileLayout({ ...CONV2, count: 2 * 13, perGroup: 13, maxWidth: 120 });
    // (120 - 2 + 2) / 27 = 4 tile columns; 13 tiles = 4 rows; one group per row.
    expect([layout.tileColumns, layout.groupColumns]).toEqual([4, 1]);
    expect([layout.groupWidth, layout.groupHeight]).toEqual([4 * 27 - 2 + 2, 4 * 27 - 2 + 2]);
    expect(layout.height).toBe(2 * 108 + 9);
    expect(tileRect(layout, 13 + 5)).toEqual({ x: 1 + 27, y: 108 + 9 + 1 + 27, width: 25, height: 25 });
    expect(layout.width).toBeLessThanOrEqual(120);
  });

  it('never makes fewer than one column, even in no room', () => {
    const layout = tileLayout({ ...CONV2, maxWidth: 10 });
    expect([layout.tileColumns, layout.groupColumns]).toEqual([1, 1]);
    expect(layout.width).toBe(27); // wider than the room: the panel scrolls rather than overlap
  });

  it('lays out nothing for no tiles', () => {
    const layout = tileLayout({ ...CONV2, count: 0 });
    expect([layout.width, layout.height, layout.groups]).toEqual([0, 0, 0]);
    expect(tileAt(layout, 0, 0)).toBe(-1);
  });
});

describe('tileAt and groupAt', () => {
  const layout = tileLayout(CONV2);

  it('finds every tile at its own rectangle, corners included', () => {
    for (let t = 0; t < CONV2.count; t++) {
      const r = tileRect(layout, t);
      expect([tileAt(layout, r.x, r.y), tileAt(layout, r.x + r.width - 1, r.y + r.height - 1)]).toEqual([
        t,
        t,
      ]);
      expect(groupAt(layout, r.x + 3, r.y + 3)).toBe(Math.floor(t / 6));
    }
  });

  it('gives -1 in gaps, frames and outside, but the group over its frame', () => {
    const r = tileRect(layout, 7); // group 1, channel 1
    expect(tileAt(layout, r.x + r.width, r.y)).toBe(-1); // the 2 px gap after it
    expect(tileAt(layout, r.x - 1 - 27, r.y)).toBe(-1); // the frame, left of channel 0
    expect(groupAt(layout, r.x - 1 - 27, r.y)).toBe(1);
    expect(groupAt(layout, 162 + 4, 5)).toBe(-1); // between groups 0 and 1
    expect(tileAt(layout, -1, 5)).toBe(-1);
    expect(tileAt(layout, layout.width + 5, 5)).toBe(-1);
    expect(tileAt(layout, 5, layout.height + 1)).toBe(-1);
  });

  it('gives -1 past the last group of a short last row', () => {
    const short = tileLayout({ ...CONV2, count: 5 * 6 });
    // 5 groups over 4 columns: the second row holds only group 4.
    expect(groupAt(short, 10, 36 + 10)).toBe(4);
    expect(groupAt(short, 171 + 10, 36 + 10)).toBe(-1);
    expect(tileAt(short, 171 + 10, 36 + 10)).toBe(-1);
    expect(short.height).toBe(2 * 36 - 9);
  });
});
