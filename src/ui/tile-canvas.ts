// How the live views draw many small tiles cheaply: one canvas per layer (src/viz/tile-layout.ts
// places the tiles, tile-paint.ts paints them), its ImageData and scratch buffers kept and reused
// while its size stays the same, and paints coalesced to at most one pending per element, run as
// a task of its own (PaintScheduler), which also measures the width the tiles may take. Hundreds of
// tiny canvases cost the browser far more in paint, compositing and hit testing than the pixels do.
// No element of its own; no GPU objects.

import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { Rect, TileLayout } from '../viz/tile-layout.ts';
import { paintLayerTiles, rgbaWord } from '../viz/tile-paint.ts';
import type { RgbaBytes } from '../viz/tiles.ts';

/**
 * Coalesces an element's paint requests into one `paint()`, run as a task of its own soon after,
 * and keeps the element's content width (ResizeObserver), asking the element to update when it
 * changes. A task of its own, not an animation-frame callback: in a frame the paint would add to
 * the browser's style, layout and compositing work in one long task, and right after the data
 * arrives it would add to the task that delivered it (and updated every other view).
 */
export class PaintScheduler implements ReactiveController {
  private measured = 0;
  private read = false;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private observer: ResizeObserver | null = null;
  private waiting: (() => void)[] = [];

  constructor(
    private readonly host: ReactiveControllerHost & Element,
    private readonly paint: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.observer = new ResizeObserver((entries) => {
      const width = Math.floor(entries[entries.length - 1].contentRect.width);
      if (width > 0 && width !== this.measured) {
        this.measured = width;
        this.host.requestUpdate();
      }
    });
    this.observer.observe(this.host);
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = null;
    clearTimeout(this.pending);
    this.pending = undefined;
    this.release();
  }

  /**
   * The host's content width in CSS px (a hidden host keeps the last one; 0 when never shown).
   * Read from the layout once, before the observer's first report, so the first paint has it;
   * after that only the observer updates it.
   */
  width(): number {
    if (!this.read && this.host.isConnected) {
      // Once only: a host that stays hidden would otherwise force a layout at every update.
      this.read = true;
      this.measured = Math.floor(this.host.getBoundingClientRect().width);
    }
    return this.measured;
  }

  /** Paints in a task of its own, soon; more requests before it runs are the same paint. */
  request(): void {
    if (this.pending !== undefined) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      try {
        this.paint();
      } finally {
        this.release();
      }
    });
  }

  /** Resolves once the pending paint has run (at once when none is pending). */
  get painted(): Promise<void> {
    if (this.pending === undefined) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

interface CanvasBuffers {
  context: CanvasRenderingContext2D;
  image: ImageData;
  scratch: Uint8ClampedArray;
}

const buffers = new WeakMap<HTMLCanvasElement, CanvasBuffers>();

/**
 * Paints `layout`'s tiles into `canvas`, sized to the layout (1 canvas px = 1 CSS px; tiles are
 * whole multiples of their data size, so `image-rendering: pixelated` keeps them sharp on any
 * screen): `paintTile(scratch, t)` colours tile t's dataWidth x dataHeight pixels. The ImageData
 * and scratch buffer are kept per canvas and reused while the sizes stay the same. Sets
 * `data-tiles` to the tile count (what tests count).
 */
export function paintTileCanvas(
  canvas: HTMLCanvasElement,
  layout: TileLayout,
  dataWidth: number,
  dataHeight: number,
  paintTile: (scratch: RgbaBytes, t: number) => void,
  frameWord = 0,
): void {
  const { width, height } = layout;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const tiles = String(layout.spec.count);
  if (canvas.dataset.tiles !== tiles) canvas.dataset.tiles = tiles;
  if (width === 0 || height === 0) return;
  let kept = buffers.get(canvas);
  if (!kept || kept.image.width !== width || kept.image.height !== height) {
    const context = kept?.context ?? canvas.getContext('2d');
    if (!context) return;
    const scratch = kept?.scratch ?? new Uint8ClampedArray(0);
    kept = { context, image: context.createImageData(width, height), scratch };
    buffers.set(canvas, kept);
  }
  const scratchBytes = dataWidth * dataHeight * 4;
  if (kept.scratch.length !== scratchBytes) kept.scratch = new Uint8ClampedArray(scratchBytes);
  paintLayerTiles(kept.image, layout, kept.scratch, dataWidth, dataHeight, paintTile, frameWord);
  kept.context.putImageData(kept.image, 0, 0);
}

const colourWords = new Map<string, number>();

/** The pixel word (tile-paint.ts) of a CSS colour, resolved once by a canvas. */
export function cssColourWord(colour: string): number {
  const known = colourWords.get(colour);
  if (known !== undefined) return known;
  const context = document.createElement('canvas').getContext('2d');
  if (!context) return 0;
  context.fillStyle = colour;
  context.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = context.getImageData(0, 0, 1, 1).data;
  const word = rgbaWord(r, g, b, a);
  colourWords.set(colour, word);
  return word;
}

/** (x, y) of a pointer event in the CSS px of `canvas`'s box. */
export function pointInCanvas(canvas: HTMLCanvasElement, event: PointerEvent): [number, number] {
  const box = canvas.getBoundingClientRect();
  return [Math.floor(event.clientX - box.left), Math.floor(event.clientY - box.top)];
}

/**
 * A layer's tile canvas (class `px tiles`) with hover and tap by coordinates, and the hover
 * outline as a box over it (so hovering repaints nothing). The element styles `.hover`.
 */
export function tileCanvasTemplate(
  label: string,
  onPointer: (event: PointerEvent) => void,
  onLeave: () => void,
  hover: Rect | null,
) {
  return html`<canvas
      class="px tiles"
      aria-label=${label}
      @pointermove=${onPointer}
      @pointerdown=${onPointer}
      @pointerleave=${onLeave}
    ></canvas>
    ${
      hover
        ? html`<div
            class="hover"
            style="left:${hover.x}px;top:${hover.y}px;width:${hover.width}px;height:${hover.height}px"
          ></div>`
        : nothing
    }`;
}
