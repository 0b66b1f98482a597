// <cs-filter-grid>: every conv layer's filters of one FilterSnapshot, each filter channel a tile
// scaled up pixelated, all tiles of a layer in one canvas (tile-canvas.ts: hundreds of small
// canvases made training visibly slower), on a diverging scale (blue negative, white zero, red
// positive).
// Scale per filter, per layer, or fixed over time (locked at the first snapshot shown, or at a
// value set by the user) so growth and dead filters stay visible. Several input channels are shown
// one tile per channel while a layer stays small, else as the channel mean (see tiles.ts).
// Display only: it gets snapshots and emits events; it reads no GPU buffers.

import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ConvFilters, FilterSnapshot } from '../app/view-types.ts';
import { cssGradient, diverging, fractionBeyond, maxAbs, minMax, signedRanges } from '../viz/color-scales.ts';
import type { FilterScaleMode } from '../viz/color-scales.ts';
import { groupAt, groupRect, tileAt, tileLayout, tileRect } from '../viz/tile-layout.ts';
import type { Rect, TileLayout } from '../viz/tile-layout.ts';
import { filterTiles, paintSigned, tileCssSize, type ChannelView, type FilterTiles } from '../viz/tiles.ts';
import {
  cssColourWord,
  PaintScheduler,
  paintTileCanvas,
  pointInCanvas,
  tileCanvasTemplate,
} from './tile-canvas.ts';
import { emit, formatValue, segmented, viewStyles } from './view-kit.ts';

interface PreparedLayer {
  layer: ConvFilters;
  tiles: FilterTiles;
  /** Half-range per filter. */
  ranges: Float32Array;
  /** Fraction of shown values beyond a fixed range; 0 in the other modes. */
  clipped: number;
  /** Where its tiles go in the layer's canvas; null until the element's width is known. */
  layout: TileLayout | null;
}

interface Hover {
  layer: number;
  filter: number;
  channel: number;
}

const SCALES: readonly (readonly [FilterScaleMode, string])[] = [
  ['per-filter', 'per filter'],
  ['per-layer', 'per layer'],
  ['fixed', 'fixed'],
];
const CHANNEL_VIEWS: readonly (readonly [ChannelView, string])[] = [
  ['auto', 'auto'],
  ['each', 'each channel'],
  ['mean', 'channel mean'],
];
const GRADIENT = cssGradient(diverging, -1, 1);
/** Space between a filter's channel tiles, between filters (one channel / several), frame, px. */
const GAP = 2;
const FILTER_GAP = 3;
const MULTI_FILTER_GAP = 10;
const FRAME_PADDING = 1;

@customElement('cs-filter-grid')
export class FilterGridElement extends LitElement {
  static override styles = [
    viewStyles,
    css`
      .layer + .layer {
        margin-top: 14px;
      }
      .layer header {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 4px 12px;
        margin-bottom: 6px;
      }
      .filters {
        position: relative;
        width: fit-content;
        max-width: 100%;
        overflow-x: auto;
      }
      .hover {
        position: absolute;
        pointer-events: none;
        outline: 2px solid var(--_accent);
        border-radius: 2px;
      }
      .info {
        min-height: 1.4em;
        margin-top: 4px;
        font-size: 12px;
      }
    `,
  ];

  @property({ attribute: false }) filters: FilterSnapshot | null = null;
  @property() scale: FilterScaleMode = 'per-layer';
  @property() channels: ChannelView = 'auto';
  /** The half-range of the fixed scale set by the user; null locks it at the reference snapshot. */
  @property({ attribute: false }) fixedRange: number | null = null;
  /** Snapshot that sets the fixed scale per layer; null means the first snapshot this grid shows. */
  @property({ attribute: false }) fixedReference: FilterSnapshot | null = null;
  /** Target CSS size of a tile in px (rounded to a whole multiple of the kernel size). */
  @property({ type: Number, attribute: 'tile-size' }) tileSize = 30;
  @property({ type: Boolean, attribute: 'hide-controls' }) hideControls = false;

  @state() private hover: Hover | null = null;
  private prepared: PreparedLayer[] = [];
  /** Fixed half-range per layer index, locked at the first snapshot seen (with its size). */
  private locked = new Map<string, { range: number; length: number }>();
  private readonly painter = new PaintScheduler(this, () => this.paint());
  private laidOutWidth = 0;
  /** The filters' frame colour as a pixel word (the theme's border colour). */
  private frameWord: number | undefined;

  /** Resolves once the latest data is in the canvases (painting is a task of its own). */
  get paintComplete(): Promise<void> {
    return this.updateComplete.then(() => this.painter.painted);
  }

  /** Where each tile of the n-th layer shown is in that layer's canvas, CSS px (for tests and tools). */
  tileRects(n: number): Rect[] {
    const layout = this.prepared[n]?.layout;
    return layout ? Array.from({ length: layout.spec.count }, (_, t) => tileRect(layout, t)) : [];
  }

  /** Forgets the locked fixed scale; the next snapshot shown locks it again. */
  resetFixedScale(): void {
    this.locked.clear();
    this.requestUpdate('fixedRange');
  }

  private fixedFor(layer: ConvFilters, tiles: FilterTiles): number {
    if (this.fixedRange !== null && this.fixedRange > 0) return this.fixedRange;
    const reference = this.fixedReference?.layers.find((l) => l.layerIndex === layer.layerIndex);
    if (reference && reference.weights.length === layer.weights.length) {
      return maxAbs(filterTiles(reference, this.channels).values) || 1;
    }
    // No usable reference: lock at the first snapshot seen, again when the layer changes shape.
    const key = `${layer.layerIndex}/${tiles.tilesPerFilter}`;
    const lock = this.locked.get(key);
    if (lock && lock.length === layer.weights.length) return lock.range;
    const range = maxAbs(tiles.values) || 1;
    this.locked.set(key, { range, length: layer.weights.length });
    return range;
  }

  /** Where the tiles of a layer go at the element's width; null before it is known. */
  private layoutOf(tiles: FilterTiles): TileLayout | null {
    if (this.painter.width() === 0) return null;
    // A layer of few tiles (a first conv layer) has room to show them larger.
    const target = tiles.filters * tiles.tilesPerFilter <= 32 ? this.tileSize * 1.6 : this.tileSize;
    const side = Math.max(tiles.height, tiles.width);
    const zoom = tileCssSize(side, target) / side;
    return tileLayout({
      count: tiles.filters * tiles.tilesPerFilter,
      perGroup: tiles.tilesPerFilter,
      tileWidth: tiles.width * zoom,
      tileHeight: tiles.height * zoom,
      gap: GAP,
      groupGap: tiles.tilesPerFilter > 1 ? MULTI_FILTER_GAP : FILTER_GAP,
      framePadding: FRAME_PADDING,
      maxWidth: this.painter.width(),
    });
  }

  protected override willUpdate(changed: PropertyValues): void {
    const keys = ['filters', 'scale', 'channels', 'fixedRange', 'fixedReference', 'tileSize'] as const;
    const resized = this.painter.width() !== this.laidOutWidth;
    if (!keys.some((k) => changed.has(k)) && !resized) return;
    this.laidOutWidth = this.painter.width();
    if (!keys.some((k) => changed.has(k))) {
      for (const p of this.prepared) p.layout = this.layoutOf(p.tiles);
      return;
    }
    this.prepared = (this.filters?.layers ?? []).map((layer) => {
      const tiles = filterTiles(layer, this.channels);
      const block = tiles.tilesPerFilter * tiles.height * tiles.width;
      const fixed = this.scale === 'fixed' ? this.fixedFor(layer, tiles) : 1;
      const ranges = signedRanges(tiles.values, tiles.filters, block, this.scale, fixed);
      const clipped = this.scale === 'fixed' ? fractionBeyond(tiles.values, fixed) : 0;
      return { layer, tiles, ranges, clipped, layout: this.layoutOf(tiles) };
    });
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.size === 1 && changed.has('hover')) return; // hovering moves a frame, not pixels
    this.painter.request();
  }

  /** Runs as a task of its own (PaintScheduler): every layer's tiles into its canvas. */
  private paint(): void {
    const canvases = this.renderRoot.querySelectorAll<HTMLCanvasElement>('canvas.tiles');
    // Read once: a style read here would force a style recalculation in every frame.
    this.frameWord ??= cssColourWord(
      getComputedStyle(this).getPropertyValue('--_border').trim() || '#dde2e8',
    );
    const frame = this.frameWord;
    this.prepared.forEach((p, li) => {
      const canvas = canvases[li];
      if (!canvas || !p.layout) return;
      const { tiles, ranges } = p;
      const area = tiles.height * tiles.width;
      const perFilter = tiles.tilesPerFilter;
      paintTileCanvas(
        canvas,
        p.layout,
        tiles.width,
        tiles.height,
        (px, t) => paintSigned(px, tiles.values, t * area, ranges[Math.floor(t / perFilter)]),
        frame,
      );
    });
  }

  private setScale(scale: FilterScaleMode): void {
    this.scale = scale;
    emit(this, 'cs-scale-change', { scale });
  }

  private setChannels(channels: ChannelView): void {
    this.channels = channels;
    emit(this, 'cs-channel-view-change', { channels });
  }

  private onPointer(layer: number, event: PointerEvent): void {
    const layout = this.prepared[layer]?.layout;
    if (!layout) return;
    const [x, y] = pointInCanvas(event.currentTarget as HTMLCanvasElement, event);
    const filter = groupAt(layout, x, y);
    if (filter < 0) return; // between filters: keep what is shown
    const t = tileAt(layout, x, y);
    const per = layout.spec.perGroup;
    const h = this.hover;
    const channel = t >= 0 ? t % per : h && h.layer === layer && h.filter === filter ? h.channel : 0;
    if (h && h.layer === layer && h.filter === filter && h.channel === channel) return;
    this.hover = { layer, filter, channel };
  }

  private legend(p: PreparedLayer) {
    const perFilter = this.scale === 'per-filter';
    const r = perFilter ? null : p.ranges[0];
    const lo = r === null ? '−max' : formatValue(-r);
    const hi = r === null ? '+max' : formatValue(r);
    const note = perFilter ? 'each filter to its own max |w|' : this.scale === 'fixed' ? 'locked' : '';
    return html`<span class="legend" title="colour scale">
      <span class="num">${lo}</span><span class="bar" style="background:${GRADIENT}"></span
      ><span class="num">${hi}</span>${note ? html`<span>${note}</span>` : nothing}
      ${p.clipped > 0 ? html`<span class="clip">${(100 * p.clipped).toFixed(1)}% beyond</span>` : nothing}
    </span>`;
  }

  private info(li: number) {
    const h = this.hover;
    if (!h || h.layer !== li) return html`<span class="muted">Point at a filter for its values.</span>`;
    const { layer, tiles } = this.prepared[li];
    const block = tiles.tilesPerFilter * tiles.height * tiles.width;
    const [lo, hi] = minMax(tiles.values, h.filter * block, (h.filter + 1) * block);
    const channel = tiles.tilesPerFilter > 1 ? ` (input channel ${h.channel})` : '';
    const shown = layer.inChannels > 1 && tiles.tilesPerFilter === 1 ? 'channel mean' : 'weights';
    const range = `${formatValue(lo)} to ${formatValue(hi)}`;
    return html`<span class="num"
      >filter ${h.filter}${channel} · ${shown} ${range} · bias ${formatValue(layer.bias[h.filter])}</span
    >`;
  }

  private renderLayer(p: PreparedLayer, li: number) {
    const { layer, tiles, layout } = p;
    const shown =
      tiles.tilesPerFilter > 1
        ? `× ${layer.inChannels} input channels`
        : layer.inChannels > 1
          ? 'channel mean'
          : '';
    const h = this.hover?.layer === li && layout ? groupRect(layout, this.hover.filter) : null;
    return html`<section class="layer" data-layer=${layer.layerIndex}>
      <header>
        <h3>${layer.label}</h3>
        <span class="muted"
          >${layer.outChannels} filters ${layer.kernelHeight}×${layer.kernelWidth} ${shown}</span
        >
        ${this.legend(p)}
      </header>
      <div class="filters">
        ${tileCanvasTemplate(
          `${layer.label} filters`,
          (e) => this.onPointer(li, e),
          () => (this.hover = null),
          h,
        )}
      </div>
      <div class="info">${this.info(li)}</div>
    </section>`;
  }

  private renderControls() {
    const multi = (this.filters?.layers ?? []).some((l) => l.inChannels > 1);
    const scale = segmented('colour scale', SCALES, this.scale, (s) => this.setScale(s));
    const channels = segmented('input channels', CHANNEL_VIEWS, this.channels, (c) => this.setChannels(c));
    return html`<div class="toolbar">
      <span class="control"><span class="muted">Scale</span>${scale}</span>
      ${multi ? html`<span class="control"><span class="muted">Channels</span>${channels}</span>` : nothing}
    </div>`;
  }

  override render() {
    const controls = this.hideControls ? nothing : this.renderControls();
    const body = this.prepared.length
      ? this.prepared.map((p, li) => this.renderLayer(p, li))
      : html`<div class="empty">No conv layers yet.</div>`;
    return html`${controls}${body}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-filter-grid': FilterGridElement;
  }
}
