// <cs-draw-pad>: draw a digit with a mouse, pen or finger; it is cropped, scaled and centred the
// way MNIST's digits were (src/viz/digit-centring.ts) and announced as `cs-digit` with the
// [1, 28, 28] input, at the end of each stroke and, throttled, while drawing. Shows the 28x28
// the network sees and, when given, the network's top guess. Display only: no GPU objects.

import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { GREY_LUT } from '../viz/color-scales.ts';
import { className, topK } from '../viz/classification.ts';
import { centreDigit, inkFromRgba } from '../viz/digit-centring.ts';
import { paintLinear } from '../viz/tiles.ts';
import { emit, paintCanvas, viewStyles } from './view-kit.ts';

/** Drawing resolution: 7 pad pixels per MNIST pixel is plenty for the 20 px box. */
const PAD = 196;
/** About 2 MNIST pixels once a digit drawn at full height is scaled to 20 px, like MNIST strokes. */
const PEN = 17;
const SIZE = 28;

export interface DigitDetail {
  /** [1, 28, 28], values byte * PIXEL_SCALE like the training inputs. */
  input: Float32Array;
  shape: [1, 28, 28];
}

@customElement('cs-draw-pad')
export class DrawPadElement extends LitElement {
  static override styles = [
    viewStyles,
    css`
      .wrap {
        display: grid;
        grid-template-columns: minmax(0, 240px) 86px;
        gap: 12px;
        align-items: start;
      }
      .pad {
        width: 100%;
        aspect-ratio: 1;
        background: #111;
        border-radius: 8px;
        touch-action: none;
        cursor: crosshair;
        display: block;
      }
      .side {
        display: flex;
        flex-direction: column;
        gap: 8px;
        align-items: flex-start;
      }
      .preview {
        width: 84px;
        height: 84px;
        background: #000;
        border: 1px solid var(--_border);
      }
      .guess {
        font-size: 13px;
      }
      .guess b {
        font-size: 24px;
        line-height: 1.1;
      }
    `,
  ];

  /** Class probabilities of the drawn digit, when the app has them; shown as the top guess. */
  @property({ attribute: false }) probabilities: ArrayLike<number> | null = null;
  @property({ attribute: false }) classNames: readonly string[] | null = null;
  /** Least time between `cs-digit` events while a stroke is being drawn. */
  @property({ type: Number, attribute: 'throttle-ms' }) throttleMs = 150;

  @query('canvas.pad') private pad!: HTMLCanvasElement;
  @query('canvas.preview') private preview!: HTMLCanvasElement;
  private drawing: number | null = null;
  private last: [number, number] = [0, 0];
  private lastEmit = 0;
  @state() private hasInk = false;

  private context(): CanvasRenderingContext2D | null {
    return this.pad.getContext('2d', { willReadFrequently: true });
  }

  private point(event: PointerEvent): [number, number] {
    const rect = this.pad.getBoundingClientRect();
    return [
      ((event.clientX - rect.left) * PAD) / rect.width,
      ((event.clientY - rect.top) * PAD) / rect.height,
    ];
  }

  private line(from: [number, number], to: [number, number]): void {
    const ctx = this.context();
    if (!ctx) return;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = PEN;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(...from);
    ctx.lineTo(...to);
    ctx.stroke();
    this.hasInk = true;
  }

  private onDown(event: PointerEvent): void {
    if (this.drawing !== null || (event.pointerType === 'mouse' && event.button !== 0)) return;
    event.preventDefault();
    this.pad.setPointerCapture(event.pointerId);
    this.drawing = event.pointerId;
    this.last = this.point(event);
    this.line(this.last, this.last);
  }

  private onMove(event: PointerEvent): void {
    if (event.pointerId !== this.drawing) return;
    // Coalesced events keep fast strokes smooth where the browser batches pointer moves.
    for (const e of event.getCoalescedEvents?.() ?? [event]) {
      const next = this.point(e);
      this.line(this.last, next);
      this.last = next;
    }
    if (performance.now() - this.lastEmit >= this.throttleMs) this.announce();
  }

  private onUp(event: PointerEvent): void {
    if (event.pointerId !== this.drawing) return;
    this.drawing = null;
    this.announce();
  }

  /** Centres the current drawing, shows it, and emits it (nothing while the pad is empty). */
  private announce(): void {
    this.lastEmit = performance.now();
    const ctx = this.context();
    if (!ctx || !this.hasInk) return;
    const pixels = ctx.getImageData(0, 0, PAD, PAD).data;
    const input = centreDigit({ width: PAD, height: PAD, ink: inkFromRgba(pixels, PAD, PAD) });
    if (!input) return;
    paintCanvas(this.preview, SIZE, SIZE, (px) => paintLinear(px, input, 0, 0, 1, GREY_LUT));
    emit<DigitDetail>(this, 'cs-digit', { input, shape: [1, SIZE, SIZE] });
  }

  /** Empties the pad and the preview and emits `cs-digit-clear`. */
  clear(): void {
    this.context()?.clearRect(0, 0, PAD, PAD);
    this.preview.getContext('2d')?.clearRect(0, 0, SIZE, SIZE);
    this.hasInk = false;
    this.probabilities = null;
    emit(this, 'cs-digit-clear', {});
  }

  private renderGuess() {
    const p = this.probabilities;
    if (!p || p.length === 0 || !this.hasInk) return html`<span class="muted">Draw a digit.</span>`;
    const [best] = topK(p, 0, p.length, 1);
    return html`<span class="guess"
      >looks like<br /><b>${className(this.classNames, best.classIndex)}</b>
      <span class="num">${(100 * best.probability).toFixed(0)}%</span></span
    >`;
  }

  override render() {
    return html`<div class="wrap">
      <canvas
        class="pad"
        width=${PAD}
        height=${PAD}
        aria-label="drawing pad"
        @pointerdown=${this.onDown}
        @pointermove=${this.onMove}
        @pointerup=${this.onUp}
        @pointercancel=${this.onUp}
      ></canvas>
      <div class="side">
        <canvas class="px preview" width=${SIZE} height=${SIZE} title="what the network sees"></canvas>
        ${this.renderGuess()}
        <button type="button" class="plain" @click=${() => this.clear()}>Clear</button>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-draw-pad': DrawPadElement;
  }
}
