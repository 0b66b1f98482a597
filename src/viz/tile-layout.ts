// Where the tiles of one layer go in that layer's single canvas: tiles in groups (a filter's input
// channels; a group of one for feature maps), groups flowing left to right and wrapping at the
// width available, as a flex-wrap row of small elements would; and the reverse, which tile a
// point of the canvas is over (hover and click by coordinates). Pure integer geometry in CSS
// pixels: no canvas, no DOM. Painting into the layout is tile-paint.ts.

export interface TileLayoutSpec {
  /** Tiles in all (a whole number of groups). */
  count: number;
  /** Tiles per group, laid out together inside a frame (1: each tile alone). */
  perGroup: number;
  /** Size of one tile in CSS px. */
  tileWidth: number;
  tileHeight: number;
  /** Space between tiles of one group, and between groups (both directions), px. */
  gap: number;
  groupGap: number;
  /** Frame drawn around a group's tiles, px (0: none). */
  framePadding: number;
  /** Width the canvas may take, px; a group wider than this wraps its own tiles. */
  maxWidth: number;
}

export interface TileLayout {
  spec: TileLayoutSpec;
  /** Canvas size, px. */
  width: number;
  height: number;
  groups: number;
  /** Groups per row of the canvas and tile columns inside a group. */
  groupColumns: number;
  tileColumns: number;
  /** Size of a group including its frame, px. */
  groupWidth: number;
  groupHeight: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Columns of `size`-wide items `gap` apart that fit in `room` (at least 1, at most `most`). */
function columnsThatFit(room: number, size: number, gap: number, most: number): number {
  return Math.max(1, Math.min(most, Math.floor((room + gap) / (size + gap))));
}

/** Sizes from the spec; every input is rounded to a whole, non-negative number of px. */
export function tileLayout(spec: TileLayoutSpec): TileLayout {
  const whole = (v: number, least = 0) => Math.max(least, Math.round(v));
  const s: TileLayoutSpec = {
    count: whole(spec.count),
    perGroup: whole(spec.perGroup, 1),
    tileWidth: whole(spec.tileWidth, 1),
    tileHeight: whole(spec.tileHeight, 1),
    gap: whole(spec.gap),
    groupGap: whole(spec.groupGap),
    framePadding: whole(spec.framePadding),
    maxWidth: whole(spec.maxWidth, 1),
  };
  const groups = Math.ceil(s.count / s.perGroup);
  const inner = s.maxWidth - 2 * s.framePadding;
  const tileColumns = columnsThatFit(inner, s.tileWidth, s.gap, s.perGroup);
  const tileRows = Math.ceil(s.perGroup / tileColumns);
  const groupWidth = tileColumns * (s.tileWidth + s.gap) - s.gap + 2 * s.framePadding;
  const groupHeight = tileRows * (s.tileHeight + s.gap) - s.gap + 2 * s.framePadding;
  const groupColumns = columnsThatFit(s.maxWidth, groupWidth, s.groupGap, Math.max(1, groups));
  const rows = Math.ceil(groups / groupColumns);
  const span = (n: number, size: number, gap: number) => (n > 0 ? n * (size + gap) - gap : 0);
  return {
    spec: s,
    width: groups > 0 ? span(Math.min(groups, groupColumns), groupWidth, s.groupGap) : 0,
    height: span(rows, groupHeight, s.groupGap),
    groups,
    groupColumns,
    tileColumns,
    groupWidth,
    groupHeight,
  };
}

/** The rectangle of group `g`, frame included. */
export function groupRect(layout: TileLayout, g: number): Rect {
  const { groupColumns, groupWidth, groupHeight } = layout;
  const gap = layout.spec.groupGap;
  return {
    x: (g % groupColumns) * (groupWidth + gap),
    y: Math.floor(g / groupColumns) * (groupHeight + gap),
    width: groupWidth,
    height: groupHeight,
  };
}

/** The rectangle of tile `t` (tile t of group floor(t / perGroup)). */
export function tileRect(layout: TileLayout, t: number): Rect {
  const { perGroup, tileWidth, tileHeight, gap, framePadding } = layout.spec;
  const group = groupRect(layout, Math.floor(t / perGroup));
  const inGroup = t % perGroup;
  return {
    x: group.x + framePadding + (inGroup % layout.tileColumns) * (tileWidth + gap),
    y: group.y + framePadding + Math.floor(inGroup / layout.tileColumns) * (tileHeight + gap),
    width: tileWidth,
    height: tileHeight,
  };
}

/** Position of `v` in cells of `size` spaced by `gap`: the cell index, or -1 in a gap or outside. */
function cellAt(v: number, size: number, gap: number, cells: number): number {
  if (v < 0) return -1;
  const cell = Math.floor(v / (size + gap));
  return cell < cells && v - cell * (size + gap) < size ? cell : -1;
}

/** The group under (x, y) in canvas px, its frame included; -1 between groups or outside. */
export function groupAt(layout: TileLayout, x: number, y: number): number {
  const { groupColumns, groupWidth, groupHeight, groups } = layout;
  const gap = layout.spec.groupGap;
  const column = cellAt(x, groupWidth, gap, groupColumns);
  const row = cellAt(y, groupHeight, gap, Math.ceil(groups / groupColumns));
  const g = row * groupColumns + column;
  return column < 0 || row < 0 || g >= groups ? -1 : g;
}

/** The tile under (x, y) in canvas px; -1 over a frame, a gap or outside every tile. */
export function tileAt(layout: TileLayout, x: number, y: number): number {
  const g = groupAt(layout, x, y);
  if (g < 0) return -1;
  const { perGroup, tileWidth, tileHeight, gap, framePadding, count } = layout.spec;
  const group = groupRect(layout, g);
  const column = cellAt(x - group.x - framePadding, tileWidth, gap, layout.tileColumns);
  const row = cellAt(y - group.y - framePadding, tileHeight, gap, Math.ceil(perGroup / layout.tileColumns));
  const inGroup = row * layout.tileColumns + column;
  const t = g * perGroup + inGroup;
  return column < 0 || row < 0 || inGroup >= perGroup || t >= count ? -1 : t;
}
