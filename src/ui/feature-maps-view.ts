// <cs-feature-maps-view>: the feature maps of every conv and pooling layer for one probed image,
// viridis (dark = low, yellow = high), scaled per map or per layer; all maps of a layer are tiles
// of one canvas (tile-canvas.ts), painted in a task of its own, coalesced. The probed images (a
// chosen or drawn image and the pinned test images) are thumbnails to pick from. Display only: it
// gets a ProbeView and emits events; the feed decides which images are probed.

import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { FeatureMaps, ProbeView } from '../app/view-types.ts';
import { GREY_LUT, cssGradient, mapRanges, type MapScaleMode } from '../viz/color-scales.ts';
import { viridis } from '../viz/colormap.ts';
import { className } from '../viz/classification.ts';
import { tileAt, tileLayout, tileRect, type Rect, type TileLayout } from '../viz/tile-layout.ts';
import { paintLinear, tileCssSize } from '../viz/tiles.ts';
import { PaintScheduler, paintTileCanvas, pointInCanvas, tileCanvasTemplate } from './tile-canvas.ts';
import { emit, formatValue, paintCanvasOnChange, segmented, viewStyles } from './view-kit.ts';

const SCALES: readonly (readonly [MapScaleMode, string])[] = [
  ['per-map', 'per map'],
  ['per-layer', 'per layer'],
];
const GRADIENT = cssGradient(viridis, 0, 1);
/** Space between map tiles, px. */
const MAP_GAP = 3;

@customElement('cs-feature-maps-view')
export class FeatureMapsViewElement extends LitElement {
  static override styles = [
    viewStyles,
    css`
      .inputs {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        margin-bottom: 10px;
      }
      .inputs button {
        font: inherit;
        color: inherit;
        background: none;
        border: 2px solid transparent;
        border-radius: 4px;
        padding: 2px;
        cursor: pointer;
        display: flex;
        flex-direction: column;
        align-items: center;
        font-size: 11px;
      }
      .inputs button[aria-pressed='true'] {
        border-color: var(--_accent);
      }
      .inputs canvas {
        width: 42px;
        height: 42px;
      }
      .layer + .layer {
        margin-top: 12px;
      }
      .layer header {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 4px 12px;
        margin-bottom: 6px;
      }
      .maps {
        position: relative;
        width: fit-content;
        max-width: 100%;
        overflow-x: auto;
      }
      .hover {
        position: absolute;
        pointer-events: none;
        outline: 2px solid var(--_accent);
      }
      .info {
        min-height: 1.4em;
        margin-top: 3px;
        font-size: 12px;
      }
    `,
  ];

  @property({ attribute: false }) probe: ProbeView | null = null;
  /** Which probed image the maps are shown for (clamped to the images there are). */
  @property({ type: Number }) selected = 0;
  @property() scale: MapScaleMode = 'per-map';
  /** Target CSS size of a map tile in px (a whole multiple of the map size). */
  @property({ type: Number, attribute: 'tile-size' }) tileSize = 48;
  @property({ attribute: false }) classNames: readonly string[] | null = null;

  @state() private hover: { layer: number; map: number } | null = null;
  private readonly painter = new PaintScheduler(this, () => this.paint());
  /** Where each layer's maps go in its canvas (at the element's width), keyed like probe.maps. */
  private layouts: (TileLayout | null)[] = [];
  private inputsPainted: ProbeView | null = null;

  /** Resolves once the latest data is in the canvases (painting is a task of its own). */
  get paintComplete(): Promise<void> {
    return this.updateComplete.then(() => this.painter.painted);
  }

  /** Where each map of the n-th layer shown is in that layer's canvas, CSS px (for tests and tools). */
  tileRects(n: number): Rect[] {
    const layout = this.layouts[n];
    return layout ? Array.from({ length: layout.spec.count }, (_, t) => tileRect(layout, t)) : [];
  }

  private get image(): number {
    const count = this.probe?.count ?? 0;
    return Math.max(0, Math.min(this.selected, count - 1));
  }

  private select(index: number): void {
    this.selected = index;
    emit(this, 'cs-image-select', { index, testIndex: this.probe?.testIndices[index] ?? null });
  }

  private setScale(scale: MapScaleMode): void {
    this.scale = scale;
    emit(this, 'cs-scale-change', { scale });
  }

  private layoutOf(maps: FeatureMaps): TileLayout | null {
    if (this.painter.width() === 0) return null;
    const side = Math.max(maps.height, maps.width);
    const zoom = tileCssSize(side, this.tileSize) / side;
    return tileLayout({
      count: maps.channels,
      perGroup: 1,
      tileWidth: maps.width * zoom,
      tileHeight: maps.height * zoom,
      gap: 0,
      groupGap: MAP_GAP,
      framePadding: 0,
      maxWidth: this.painter.width(),
    });
  }

  protected override willUpdate(): void {
    // Cheap (a few numbers per layer), so simply redone on every update, a resize included.
    this.layouts = (this.probe?.maps ?? []).map((maps) => this.layoutOf(maps));
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.size === 1 && changed.has('hover')) return; // hovering moves a frame, not pixels
    this.painter.request();
  }

  /** Runs as a task of its own (PaintScheduler): the input thumbnails (when new) and every layer's maps. */
  private paint(): void {
    const probe = this.probe;
    if (!probe) return;
    if (this.inputsPainted !== probe) this.paintInputs(probe);
    const canvases = this.renderRoot.querySelectorAll<HTMLCanvasElement>('canvas.tiles');
    probe.maps.forEach((maps, li) => {
      const canvas = canvases[li];
      const layout = this.layouts[li];
      if (!canvas || !layout) return;
      const area = maps.height * maps.width;
      const offset = this.image * maps.channels * area;
      const ranges = mapRanges(maps.data, offset, maps.channels, area, this.scale);
      paintTileCanvas(canvas, layout, maps.width, maps.height, (px, c) =>
        paintLinear(px, maps.data, offset + c * area, ranges[2 * c], ranges[2 * c + 1]),
      );
    });
  }

  private paintInputs(probe: ProbeView): void {
    const [channels, height, width] = probe.inputShape;
    const size = channels * height * width;
    this.renderRoot.querySelectorAll<HTMLCanvasElement>('.inputs canvas').forEach((canvas, n) =>
      // The first channel only: the datasets here are greyscale. Unchanged images (the pinned
      // ones, every probe) are not repainted, so the browser has nothing new to draw there.
      paintCanvasOnChange(canvas, width, height, probe.inputs.subarray(n * size, (n + 1) * size), (px) =>
        paintLinear(px, probe.inputs, n * size, 0, 1, GREY_LUT),
      ),
    );
    this.inputsPainted = probe;
  }

  private onPointer(layer: number, event: PointerEvent): void {
    const layout = this.layouts[layer];
    if (!layout) return;
    const map = tileAt(layout, ...pointInCanvas(event.currentTarget as HTMLCanvasElement, event));
    if (map < 0 || (this.hover?.layer === layer && this.hover.map === map)) return;
    this.hover = { layer, map };
  }

  private inputLabel(probe: ProbeView, n: number): string {
    const label = probe.labels[n];
    return label === null ? 'drawn' : className(this.classNames, label);
  }

  private renderInputs(probe: ProbeView) {
    return html`<div class="inputs" role="group" aria-label="probed images">
      ${Array.from(
        { length: probe.count },
        (_, n) =>
          html`<button
            type="button"
            aria-pressed=${n === this.image}
            title=${probe.testIndices[n] === null ? 'drawn image' : `test image ${probe.testIndices[n]}`}
            @click=${() => this.select(n)}
          >
            <canvas class="px"></canvas><span>${this.inputLabel(probe, n)}</span>
          </button>`,
      )}
    </div>`;
  }

  private legend(maps: FeatureMaps) {
    if (this.scale === 'per-map') {
      return html`<span class="legend"
        ><span>low</span><span class="bar" style="background:${GRADIENT}"></span
        ><span>high, each map</span></span
      >`;
    }
    const area = maps.height * maps.width;
    const [lo, hi] = mapRanges(
      maps.data,
      this.image * maps.channels * area,
      maps.channels,
      area,
      'per-layer',
    );
    return html`<span class="legend"
      ><span class="num">${formatValue(lo)}</span><span class="bar" style="background:${GRADIENT}"></span
      ><span class="num">${formatValue(hi)}</span></span
    >`;
  }

  private info(maps: FeatureMaps, li: number) {
    const h = this.hover;
    if (!h || h.layer !== li || h.map >= maps.channels) {
      return html`<span class="muted">Point at a map for its range.</span>`;
    }
    const area = maps.height * maps.width;
    const start = (this.image * maps.channels + h.map) * area;
    const [lo, hi] = mapRanges(maps.data, start, 1, area, 'per-map');
    return html`<span class="num">channel ${h.map}: min ${formatValue(lo)}, max ${formatValue(hi)}</span>`;
  }

  private renderLayer(maps: FeatureMaps, li: number) {
    const layout = this.layouts[li];
    const hovered = this.hover?.layer === li && this.hover.map < maps.channels ? this.hover.map : -1;
    const h = layout && hovered >= 0 ? tileRect(layout, hovered) : null;
    return html`<section class="layer" data-layer=${maps.layerIndex} data-kind=${maps.kind}>
      <header>
        <h3>${maps.label}</h3>
        <span class="muted num">${maps.channels} × ${maps.height}×${maps.width}</span>
        ${this.legend(maps)}
      </header>
      <div class="maps">
        ${tileCanvasTemplate(
          `${maps.label} feature maps`,
          (e) => this.onPointer(li, e),
          () => (this.hover = null),
          h,
        )}
      </div>
      <div class="info">${this.info(maps, li)}</div>
    </section>`;
  }

  override render() {
    const probe = this.probe;
    if (!probe || probe.count === 0) return html`<div class="empty">No probed images yet.</div>`;
    const scale = segmented('colour scale', SCALES, this.scale, (s) => this.setScale(s));
    return html`${this.renderInputs(probe)}
      <div class="toolbar">
        <span class="control"><span class="muted">Scale</span>${scale}</span>
        <span class="muted num">step ${probe.step}</span>
      </div>
      ${probe.maps.length === 0 ? html`<div class="empty">No conv or pooling layers.</div>` : nothing}
      ${probe.maps.map((maps, li) => this.renderLayer(maps, li))}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-feature-maps-view': FeatureMapsViewElement;
  }
}
