// <cs-generator-view>: the conditional generator trained in the page. Train / Pause, the latest
// losses, a 10 x N grid of samples (row = class, column = one latent point shared by all rows, so a
// column shows one "style" in every class) drawn into one canvas, a latent slider (between two
// seeded points, or along one latent dimension) with each class at the slider's point, and the loss
// curves (loss, reconstruction, KL; log scale). Display only: gets a GeneratorView, emits
// `cs-generator-train` { train } and `cs-generator-walk` (a LatentWalk). No model, no GPU objects.

import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { GeneratorView, LatentWalk } from '../app/generator-view-types.ts';
import { className } from '../viz/classification.ts';
import { drawLossChart, LOSS_SERIES, paintImageGrid } from './generator-paint.ts';
import { emit, segmented, viewStyles } from './view-kit.ts';

@customElement('cs-generator-view')
export class GeneratorViewElement extends LitElement {
  static override styles = [
    viewStyles,
    css`
      .main {
        display: grid;
        grid-template-columns: minmax(0, 1.2fr) minmax(0, 1fr);
        gap: 12px 18px;
      }
      @media (max-width: 700px) {
        .main {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      .grid {
        display: flex;
        align-items: flex-start;
        gap: 6px;
        max-width: 380px;
      }
      .rows {
        display: grid;
        grid-template-rows: repeat(var(--rows, 10), 1fr);
        font-size: 11px;
        color: var(--_muted);
        text-align: right;
        align-items: center;
        max-width: 5.5em;
        overflow: hidden;
        align-self: stretch;
      }
      canvas.samples {
        width: 100%;
        min-width: 0;
        flex: 1;
        background: #000;
        border-radius: 3px;
      }
      canvas.walk {
        width: 100%;
        max-width: 380px;
        background: #000;
        border-radius: 3px;
        margin-top: 6px;
      }
      canvas.chart {
        width: 100%;
        height: 150px;
        display: block;
      }
      input[type='range'] {
        flex: 1;
        min-width: 120px;
      }
      h3 {
        margin: 0 0 4px;
      }
      .key {
        display: inline-block;
        width: 14px;
        height: 3px;
        vertical-align: 3px;
        margin-right: 3px;
      }
      .error {
        color: var(--_warn);
      }
      button.primary {
        background: var(--_accent);
        color: #fff;
        border-color: var(--_accent);
      }
    `,
  ];

  @property({ attribute: false }) view: GeneratorView | null = null;
  @property({ attribute: false }) walk: LatentWalk = { mode: 'points', dimension: 0, t: 0 };
  @property({ attribute: false }) classNames: readonly string[] | null = null;

  protected override updated(changed: PropertyValues): void {
    const v = this.view;
    if (!v || !changed.has('view')) return;
    const root = this.renderRoot;
    const samples = root.querySelector<HTMLCanvasElement>('canvas.samples');
    if (samples && v.grid) paintImageGrid(samples, v.grid, v.classes, v.columns);
    const walk = root.querySelector<HTMLCanvasElement>('canvas.walk');
    if (walk && v.walkImages) paintImageGrid(walk, v.walkImages, 1, v.classes);
    const chart = root.querySelector<HTMLCanvasElement>('canvas.chart');
    if (chart) drawLossChart(chart, v.history);
  }

  private setWalk(changes: Partial<LatentWalk>): void {
    this.walk = { ...this.walk, ...changes };
    emit(this, 'cs-generator-walk', this.walk);
  }

  private renderToolbar(v: GeneratorView) {
    const training = v.status !== 'idle';
    const last = v.history.at(-1);
    return html`<div class="toolbar">
      <button
        type="button"
        class="plain ${training ? '' : 'primary'}"
        @click=${() => emit(this, 'cs-generator-train', { train: !training })}
      >
        ${training ? 'Pause' : v.step > 0 ? 'Train on' : 'Train generator'}
      </button>
      <span class="num stats"
        >${v.status === 'starting' ? 'starting…' : `step ${v.step}`}${
          last
            ? html` · loss <b>${last.loss.toFixed(1)}</b>
                <span class="muted"
                  >(reconstruction ${last.reconstruction.toFixed(1)} + KL ${last.kl.toFixed(1)})</span
                >`
            : ''
        }</span
      >
      <span class="muted">${v.device} · latent ${v.latent}</span>
      ${v.error ? html`<span class="error" role="alert">${v.error}</span>` : ''}
    </div>`;
  }

  private renderWalk(v: GeneratorView) {
    const w = this.walk;
    return html`<div class="toolbar">
        ${segmented(
          'latent walk',
          [
            ['points', 'between two points'],
            ['dimension', 'along one dimension'],
          ] as const,
          w.mode,
          (mode) => this.setWalk({ mode }),
        )}
        ${
          w.mode === 'dimension'
            ? html`<select
                aria-label="latent dimension"
                @change=${(e: Event) => this.setWalk({ dimension: Number((e.target as HTMLSelectElement).value) })}
              >
                ${Array.from(
                  { length: v.latent },
                  (_, d) => html`<option value=${d} ?selected=${d === w.dimension}>z${d}</option>`,
                )}
              </select>`
            : ''
        }
      </div>
      <div class="control">
        <span class="muted">${w.mode === 'points' ? 'A' : '−3σ'}</span>
        <input
          type="range"
          min="0"
          max="1"
          step="0.01"
          aria-label="position in latent space"
          .value=${String(w.t)}
          @input=${(e: Event) => this.setWalk({ t: Number((e.target as HTMLInputElement).value) })}
        />
        <span class="muted">${w.mode === 'points' ? 'B' : '+3σ'}</span>
      </div>
      <canvas
        class="walk px"
        width=${v.classes * 29 + 1}
        height="30"
        style="aspect-ratio: ${v.classes * 29 + 1} / 30"
      ></canvas>`;
  }

  override render() {
    const v = this.view;
    if (!v) return html`<div class="empty">The generator appears when the dataset has loaded.</div>`;
    const names = Array.from({ length: v.classes }, (_, c) => className(this.classNames, c));
    return html`${this.renderToolbar(v)}
      <div class="main">
        <div>
          <h3>Samples <span class="muted">(row: class · column: one latent point)</span></h3>
          <div class="grid" style="--rows:${v.classes}">
            <div class="rows">${names.map((n) => html`<span>${n}</span>`)}</div>
            <canvas
              class="samples px"
              width=${v.columns * 29 + 1}
              height=${v.classes * 29 + 1}
              style="aspect-ratio: ${v.columns * 29 + 1} / ${v.classes * 29 + 1}"
            ></canvas>
          </div>
          ${v.grid ? '' : html`<div class="empty">Press “Train generator”: samples appear as it learns.</div>`}
        </div>
        <div>
          <h3>Latent walk</h3>
          ${this.renderWalk(v)}
          <h3 style="margin-top:10px">Loss per image</h3>
          <div class="legend">
            ${[...LOSS_SERIES]
              .reverse()
              .map(
                (s) =>
                  html`<span
                    ><span
                      class="key"
                      style=${s.dash.length ? `border-top:2px dashed ${s.colour};height:0` : `background:${s.colour}`}
                    ></span
                    >${s.label}</span
                  >`,
              )}
          </div>
          <canvas class="chart"></canvas>
        </div>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-generator-view': GeneratorViewElement;
  }
}
