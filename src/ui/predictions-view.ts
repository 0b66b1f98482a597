// <cs-predictions-view>: each probed image with its top-3 classes and their probabilities as bars;
// an image whose most probable class is not its label is marked wrong. Display only: it gets a
// ProbeView (the same one the feature maps use) and emits `cs-image-select` when a card is picked.

import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ProbeView } from '../app/view-types.ts';
import { GREY_LUT } from '../viz/color-scales.ts';
import { className, topK } from '../viz/classification.ts';
import { paintLinear } from '../viz/tiles.ts';
import { emit, paintCanvasOnChange, viewStyles } from './view-kit.ts';

@customElement('cs-predictions-view')
export class PredictionsViewElement extends LitElement {
  static override styles = [
    viewStyles,
    css`
      .cards {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(210px, 1fr));
        gap: 8px;
      }
      .card {
        display: flex;
        gap: 8px;
        align-items: flex-start;
        border: 1px solid var(--_border);
        border-left: 4px solid var(--_border);
        border-radius: 6px;
        padding: 6px;
        cursor: pointer;
        background: var(--_bg);
        text-align: left;
        font: inherit;
        color: inherit;
      }
      .card.right {
        border-left-color: var(--_ok);
      }
      .card.wrong {
        border-left-color: var(--_warn);
        background: color-mix(in srgb, var(--_warn) 6%, var(--_bg));
      }
      .card canvas {
        width: 56px;
        height: 56px;
        flex: none;
        border-radius: 2px;
      }
      .body {
        flex: 1;
        min-width: 0;
      }
      .truth {
        font-size: 12px;
        margin-bottom: 3px;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .badge {
        color: var(--_warn);
        font-weight: 600;
      }
      .row {
        display: grid;
        grid-template-columns: minmax(0, 5.5em) 1fr 3.2em;
        align-items: center;
        gap: 4px;
        font-size: 12px;
        line-height: 1.5;
      }
      .name {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .track {
        height: 8px;
        background: color-mix(in srgb, var(--_border) 60%, var(--_bg));
        border-radius: 4px;
        overflow: hidden;
      }
      .fill {
        display: block;
        height: 100%;
        background: var(--_accent);
        opacity: 0.45;
        /* A bar grows by transform, not width: new probabilities then need no layout. */
        transform-origin: left;
      }
      .row.top .fill {
        opacity: 1;
      }
      .wrong .row.top .fill {
        background: var(--_warn);
      }
      .row.label .name {
        font-weight: 600;
      }
      .pct {
        text-align: right;
      }
    `,
  ];

  @property({ attribute: false }) probe: ProbeView | null = null;
  @property({ attribute: false }) classNames: readonly string[] | null = null;
  /** How many classes each image lists. */
  @property({ type: Number }) top = 3;

  protected override updated(changed: PropertyValues): void {
    const probe = this.probe;
    if (!probe || !changed.has('probe')) return;
    const [channels, height, width] = probe.inputShape;
    const size = channels * height * width;
    // The same images come back with every probe: only a changed one (the drawn digit) is redrawn.
    this.renderRoot
      .querySelectorAll<HTMLCanvasElement>('.card canvas')
      .forEach((canvas, n) =>
        paintCanvasOnChange(canvas, width, height, probe.inputs.subarray(n * size, (n + 1) * size), (px) =>
          paintLinear(px, probe.inputs, n * size, 0, 1, GREY_LUT),
        ),
      );
  }

  private renderCard(probe: ProbeView, n: number) {
    const scores = topK(probe.probabilities, n, probe.classes, this.top);
    const label = probe.labels[n];
    const verdict = label === null ? '' : scores[0]?.classIndex === label ? 'right' : 'wrong';
    const testIndex = probe.testIndices[n];
    return html`<button
      type="button"
      class="card ${verdict}"
      title=${testIndex === null ? 'drawn image' : `test image ${testIndex}`}
      @click=${() => emit(this, 'cs-image-select', { index: n, testIndex })}
    >
      <canvas class="px"></canvas>
      <div class="body">
        <div class="truth">
          ${label === null ? html`<span class="muted">drawn</span>` : html`label <b>${className(this.classNames, label)}</b>`}
          ${verdict === 'wrong' ? html` · <span class="badge">wrong</span>` : nothing}
        </div>
        ${scores.map(
          (s, i) =>
            html`<div class="row ${i === 0 ? 'top' : ''} ${s.classIndex === label ? 'label' : ''}">
              <span class="name">${className(this.classNames, s.classIndex)}</span>
              <span class="track"
                ><span class="fill" style="transform:scaleX(${s.probability.toFixed(3)})"></span
              ></span>
              <span class="pct num">${(100 * s.probability).toFixed(s.probability >= 0.995 ? 0 : 1)}%</span>
            </div>`,
        )}
      </div>
    </button>`;
  }

  override render() {
    const probe = this.probe;
    if (!probe || probe.count === 0) return html`<div class="empty">No predictions yet.</div>`;
    return html`<div class="cards">
      ${Array.from({ length: probe.count }, (_, n) => this.renderCard(probe, n))}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-predictions-view': PredictionsViewElement;
  }
}
