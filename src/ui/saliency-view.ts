// <cs-saliency-view>: which pixels drove a decision. The image (greyscale) and, beside it, each
// saliency map (gradient x input, SmoothGrad, occlusion) as an overlay on the dimmed image: red
// where a pixel speaks for the class, blue where against, each map scaled by its own largest
// |value|. Display only: it gets a SaliencyView; no GPU objects, no readbacks, no events.

import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SaliencyView } from '../app/dream-view-types.ts';
import { className } from '../viz/classification.ts';
import { greyRgb, maxAbsOf, overlayRgb } from '../viz/dream-images.ts';
import { paintCanvas, viewStyles } from './view-kit.ts';

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
        grid-template-columns: repeat(auto-fill, minmax(96px, 1fr));
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

  override render() {
    const s = this.saliency;
    if (!s) return html`<div class="empty">No saliency maps yet.</div>`;
    const [red, blue] = [overlayRgb(0, 1), overlayRgb(0, -1)];
    return html`<div class="toolbar">
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
