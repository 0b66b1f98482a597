// Shared by the live view elements (filter grid, feature maps, timeline, predictions, confusion,
// draw pad): the common styles (theme custom properties with local defaults, pixelated tiles,
// segmented switches, legends) and painting RGBA into a small canvas through a cached ImageData,
// so a redraw allocates nothing (and skipping the redraw of a canvas whose data has not changed).
// Layers of many tiles are painted by tile-canvas.ts. No element of its own; no GPU objects.

import { css, html, type TemplateResult } from 'lit';
import type { RgbaBytes } from '../viz/tiles.ts';

/**
 * Theme custom properties (src/ui/theme.ts sets them on the page) with the same defaults here, so
 * an element looks right on a page without the theme (the demo page, a test).
 */
export const viewStyles = css`
  :host {
    --_fg: var(--cs-fg, #1d2430);
    --_bg: var(--cs-bg, #ffffff);
    --_muted: var(--cs-muted, #66707c);
    --_accent: var(--cs-accent, #2f6fdf);
    --_warn: var(--cs-warn, #c8332b);
    --_border: var(--cs-border, #dde2e8);
    --_ok: var(--cs-ok, #2b8a4b);
    display: block;
    color: var(--_fg);
    font: 13px/1.4 var(--cs-font, system-ui, -apple-system, 'Segoe UI', sans-serif);
    min-width: 0;
  }
  [hidden] {
    display: none !important;
  }
  canvas.px {
    display: block;
    image-rendering: pixelated;
    image-rendering: crisp-edges;
  }
  .muted {
    color: var(--_muted);
  }
  .empty {
    color: var(--_muted);
    padding: 12px 0;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 12px;
    margin-bottom: 8px;
  }
  .control {
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  .segmented {
    display: inline-flex;
    border: 1px solid var(--_border);
    border-radius: 6px;
    overflow: hidden;
  }
  .segmented button,
  button.plain {
    font: inherit;
    color: inherit;
    background: var(--_bg);
    border: 0;
    padding: 3px 9px;
    cursor: pointer;
    min-height: 26px;
  }
  .segmented button + button {
    border-left: 1px solid var(--_border);
  }
  .segmented button[aria-pressed='true'] {
    background: var(--_accent);
    color: #fff;
  }
  button.plain {
    border: 1px solid var(--_border);
    border-radius: 6px;
  }
  button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 1px;
  }
  .legend {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-size: 12px;
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }
  .legend .bar {
    width: 96px;
    height: 10px;
    border: 1px solid var(--_border);
    border-radius: 2px;
  }
  h3 {
    font-size: 13px;
    font-weight: 600;
    margin: 0;
  }
  .num {
    font-variant-numeric: tabular-nums;
  }
`;

/** A row of toggle buttons; `onSelect` gets the value pressed. */
export function segmented<T extends string>(
  label: string,
  options: readonly (readonly [T, string])[],
  current: T,
  onSelect: (value: T) => void,
): TemplateResult {
  return html`<span class="segmented" role="group" aria-label=${label}>
    ${options.map(
      ([value, text]) =>
        html`<button type="button" aria-pressed=${value === current} @click=${() => onSelect(value)}>
          ${text}
        </button>`,
    )}
  </span>`;
}

const imageCache = new WeakMap<HTMLCanvasElement, { image: ImageData; context: CanvasRenderingContext2D }>();

/**
 * Paints a width x height canvas: `fill` writes the RGBA bytes, then one putImageData. The
 * ImageData is kept per canvas and reused while the size stays the same.
 */
export function paintCanvas(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
  fill: (pixels: RgbaBytes) => void,
): void {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  let cached = imageCache.get(canvas);
  if (!cached || cached.image.width !== width || cached.image.height !== height) {
    const context = canvas.getContext('2d');
    if (!context) return;
    cached = { image: context.createImageData(width, height), context };
    imageCache.set(canvas, cached);
  }
  fill(cached.image.data);
  cached.context.putImageData(cached.image, 0, 0);
}

const paintedFrom = new WeakMap<HTMLCanvasElement, Float32Array>();

/**
 * paintCanvas, unless the canvas already shows exactly `source` at this size (a pinned test image
 * probed again): an untouched canvas gives the browser nothing to redraw. Returns whether it painted.
 */
export function paintCanvasOnChange(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
  source: Float32Array,
  fill: (pixels: RgbaBytes) => void,
): boolean {
  const last = paintedFrom.get(canvas);
  const same =
    last !== undefined &&
    canvas.width === width &&
    canvas.height === height &&
    last.length === source.length &&
    last.every((v, i) => Object.is(v, source[i]));
  if (same) return false;
  paintedFrom.set(canvas, Float32Array.from(source));
  paintCanvas(canvas, width, height, fill);
  return true;
}

/** A number short enough for a legend: 3 significant digits, no trailing noise. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000 || a < 0.001) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}

/** Dispatches a bubbling, composed custom event, as every cs- view announces what a person did. */
export function emit<T>(target: EventTarget, name: string, detail: T): void {
  target.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
}
