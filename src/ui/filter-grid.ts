// <cs-filter-grid>: every conv layer's filters of one FilterSnapshot, each filter channel a tiny
// canvas scaled up pixelated, on a diverging scale (blue negative, white zero, red positive).
// Scale per filter, per layer, or fixed over time (locked at the first snapshot shown, or at a
// value set by the user) so growth and dead filters stay visible. Several input channels are shown
// one tile per channel while a layer stays small, else as the channel mean (see tiles.ts).
// Display only: it gets snapshots and emits events; it reads no GPU buffers.

import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ConvFilters, FilterSnapshot } from '../app/view-types.ts';
import { cssGradient, diverging, fractionBeyond, maxAbs, minMax, signedRanges } from '../viz/color-scales.ts';
import type { FilterScaleMode } from '../viz/color-scales.ts';
import { filterTiles, paintSigned, tileCssSize, type ChannelView, type FilterTiles } from '../viz/tiles.ts';
import { emit, formatValue, paintCanvas, segmented, viewStyles } from './view-kit.ts';

interface PreparedLayer {
  layer: ConvFilters;
  tiles: FilterTiles;
  /** Half-range per filter. */
  ranges: Float32Array;
  /** Fraction of shown values beyond a fixed range; 0 in the other modes. */
  clipped: number;
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
        display: flex;
        flex-wrap: wrap;
        gap: 3px;
        overflow-x: auto;
      }
      .filters.multi {
        gap: 8px 12px;
      }
      .filter {
        display: flex;
        gap: 2px;
        padding: 1px;
        border-radius: 2px;
        background: var(--_border);
      }
      .filter.hovered {
        outline: 2px solid var(--_accent);
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

  protected override willUpdate(changed: PropertyValues): void {
    const keys = ['filters', 'scale', 'channels', 'fixedRange', 'fixedReference'] as const;
    if (!keys.some((k) => changed.has(k))) return;
    this.prepared = (this.filters?.layers ?? []).map((layer) => {
      const tiles = filterTiles(layer, this.channels);
      const block = tiles.tilesPerFilter * tiles.height * tiles.width;
      const fixed = this.scale === 'fixed' ? this.fixedFor(layer, tiles) : 1;
      const ranges = signedRanges(tiles.values, tiles.filters, block, this.scale, fixed);
      const clipped = this.scale === 'fixed' ? fractionBeyond(tiles.values, fixed) : 0;
      return { layer, tiles, ranges, clipped };
    });
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.size === 1 && changed.has('hover')) return; // hovering changes text, not pixels
    const sections = this.renderRoot.querySelectorAll<HTMLElement>('section.layer');
    this.prepared.forEach((p, li) => {
      const canvases = sections[li]?.querySelectorAll('canvas');
      if (!canvases) return;
      const { tiles, ranges } = p;
      const area = tiles.height * tiles.width;
      canvases.forEach((canvas, t) => {
        const filter = Math.floor(t / tiles.tilesPerFilter);
        paintCanvas(canvas, tiles.width, tiles.height, (px) =>
          paintSigned(px, tiles.values, t * area, ranges[filter]),
        );
      });
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

  private onPointerOver(layer: number, event: PointerEvent): void {
    const tile = (event.target as Element).closest<HTMLElement>('canvas[data-t]');
    if (!tile) return;
    const t = Number(tile.dataset.t);
    const per = this.prepared[layer].tiles.tilesPerFilter;
    this.hover = { layer, filter: Math.floor(t / per), channel: t % per };
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
    const { layer, tiles } = p;
    // A layer of few tiles (a first conv layer) has room to show them larger.
    const target = tiles.filters * tiles.tilesPerFilter <= 32 ? this.tileSize * 1.6 : this.tileSize;
    const side = Math.max(tiles.height, tiles.width);
    const zoom = tileCssSize(side, target) / side;
    const size = `width:${tiles.width * zoom}px;height:${tiles.height * zoom}px`;
    const shown =
      tiles.tilesPerFilter > 1
        ? `× ${layer.inChannels} input channels`
        : layer.inChannels > 1
          ? 'channel mean'
          : '';
    return html`<section class="layer" data-layer=${layer.layerIndex}>
      <header>
        <h3>${layer.label}</h3>
        <span class="muted"
          >${layer.outChannels} filters ${layer.kernelHeight}×${layer.kernelWidth} ${shown}</span
        >
        ${this.legend(p)}
      </header>
      <div
        class="filters ${tiles.tilesPerFilter > 1 ? 'multi' : ''}"
        @pointerover=${(e: PointerEvent) => this.onPointerOver(li, e)}
        @pointerleave=${() => (this.hover = null)}
      >
        ${Array.from({ length: tiles.filters }, (_, f) => {
          const hovered = this.hover?.layer === li && this.hover.filter === f;
          return html`<div class="filter ${hovered ? 'hovered' : ''}">
            ${Array.from(
              { length: tiles.tilesPerFilter },
              (_, c) =>
                html`<canvas class="px" data-t=${f * tiles.tilesPerFilter + c} style=${size}></canvas>`,
            )}
          </div>`;
        })}
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
