// <cs-saliency-view>: which pixels drove a decision. The image (greyscale) and, beside it, each
// saliency map (gradient x input, SmoothGrad, occlusion) as an overlay on the dimmed image: red
// where a pixel speaks for the class, blue where against, each map scaled by its own largest
// |value|. Display only: it gets a SaliencyView and says which image it explains (`subject`);
// its arrows emit `cs-saliency-subject` { kind: 'test', index } (the previous / next test image)
// and its "drawn digit" button { kind: 'drawn' }. No GPU objects, no readbacks.

import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SaliencyView } from '../app/dream-view-types.ts';
import { className } from '../viz/classification.ts';
import { greyRgb, maxAbsOf, overlayRgb } from '../viz/dream-images.ts';
import { emit, paintCanvas, viewStyles } from './view-kit.ts';

/** What each method's map means, for its tooltip. */
const METHOD_HELP: Record<string, string> = {
  'gradient x input': 'gradient of the class score times the pixel: zero where there is no ink',
  SmoothGrad: 'gradient of the class score averaged over noisy copies: also where added ink would matter',
  occlusion: 'how much the class score drops when a 5x5 patch around the pixel is blanked',
};

@customElement('cs-saliency-view')
export class SaliencyViewElement extends LitElement {
  static override styles = [
    viewStyles,
    css`
      .tiles {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(80px, 1fr));
        gap: 8px;
      }
      figure {
        margin: 0;
        min-width: 0;
      }
      figure canvas {
        width: 100%;
        aspect-ratio: 1;
        border-radius: 2px;
      }
      figcaption {
        font-size: 12px;
        margin-top: 2px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .chooser {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px 12px;
        margin-bottom: 8px;
      }
      .subject {
        min-width: 10em;
        text-align: center;
      }
      .swatch {
        display: inline-block;
        width: 10px;
        height: 10px;
        border-radius: 2px;
        vertical-align: -1px;
      }
    `,
  ];

  @property({ attribute: false }) saliency: SaliencyView | null = null;
  @property({ attribute: false }) classNames: readonly string[] | null = null;
  /** What the maps explain, in words ("test image 12, a 7"), and the test index for the arrows. */
  @property() subject = '';
  @property({ attribute: false }) testIndex: number | null = null;
  /** Whether a drawn digit can be chosen. */
  @property({ type: Boolean }) hasDrawn = false;

  protected override updated(changed: PropertyValues): void {
    const s = this.saliency;
    if (!s || !changed.has('saliency')) return;
    const [, height, width] = s.inputShape;
    const plane = height * width;
    const canvases = this.renderRoot.querySelectorAll<HTMLCanvasElement>('figure canvas');
    // The first channel of the image and of each map.
    paintCanvas(canvases[0], width, height, (px) => {
      for (let i = 0; i < plane; i++) px.set([...greyRgb(s.image[i]), 255], 4 * i);
    });
    s.maps.forEach((map, m) => {
      const top = maxAbsOf(map.values.subarray(0, plane));
      paintCanvas(canvases[m + 1], width, height, (px) => {
        for (let i = 0; i < plane; i++) px.set([...overlayRgb(s.image[i], map.values[i] / top), 255], 4 * i);
      });
    });
  }

  private renderChooser() {
    const index = this.testIndex ?? -1;
    const pick = (detail: { kind: 'test'; index: number } | { kind: 'drawn' }) =>
      emit(this, 'cs-saliency-subject', detail);
    return html`<div class="chooser">
      <span class="control"
        ><button
          type="button"
          class="plain"
          aria-label="previous test image"
          ?disabled=${index <= 0}
          @click=${() => pick({ kind: 'test', index: index - 1 })}
        >
          ◀</button
        ><span class="num subject">${this.subject || 'no image'}</span
        ><button
          type="button"
          class="plain"
          aria-label="next test image"
          @click=${() => pick({ kind: 'test', index: index + 1 })}
        >
          ▶
        </button></span
      >
      ${
        this.hasDrawn
          ? html`<button type="button" class="plain" @click=${() => pick({ kind: 'drawn' })}>
              drawn digit
            </button>`
          : ''
      }
    </div>`;
  }

  override render() {
    const s = this.saliency;
    if (!s)
      return html`${this.renderChooser()}
        <div class="empty">No saliency maps yet: draw a digit or pick a test image.</div>`;
    const [red, blue] = [overlayRgb(0, 1), overlayRgb(0, -1)];
    return html`${this.renderChooser()}
      <div class="toolbar">
        <span
          >Why <b>${className(this.classNames, s.target)}</b>
          <span class="muted num">(${(100 * s.probability).toFixed(1)}%)</span></span
        >
        <span class="legend"
          ><span class="swatch" style="background:rgb(${red.join(',')})"></span> for
          <span class="swatch" style="background:rgb(${blue.join(',')})"></span> against</span
        >
      </div>
      <div class="tiles">
        <figure>
          <canvas class="px"></canvas>
          <figcaption>image</figcaption>
        </figure>
        ${s.maps.map(
          (map) =>
            html`<figure title=${METHOD_HELP[map.method] ?? ''}>
              <canvas class="px"></canvas>
              <figcaption>${map.method}</figcaption>
            </figure>`,
        )}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-saliency-view': SaliencyViewElement;
  }
}
