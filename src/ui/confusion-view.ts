// <cs-confusion-view>: the test-set confusion matrix (row = true class, column = predicted). Each
// cell is shaded by its share of the row (diagonal in the accent colour, errors in the warning
// colour, made visible even when rare); clicking a cell opens a panel with its images, taken from
// the `testImage` callback. Display only: it gets an EvaluationView, the test labels and the
// callback, and emits events.

import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { EvaluationView } from '../app/view-types.ts';
import { cellExamples, cellShade, className, rowTotals } from '../viz/classification.ts';
import { paintBytes } from '../viz/tiles.ts';
import { emit, paintCanvas, viewStyles } from './view-kit.ts';

/** One test image as bytes (0..255), row-major, one channel. */
export interface GreyImage {
  width: number;
  height: number;
  bytes: Uint8Array;
}

/** Gives the test image at a test-set index, or null when it is not at hand. */
export type TestImageLookup = (testIndex: number) => GreyImage | null;

const COUNT = new Intl.NumberFormat('en');

@customElement('cs-confusion-view')
export class ConfusionViewElement extends LitElement {
  static override styles = [
    viewStyles,
    css`
      .summary {
        margin-bottom: 8px;
      }
      .matrix {
        display: grid;
        gap: 2px;
        width: max-content;
        max-width: 100%;
        font-size: 11px;
      }
      .head {
        color: var(--_muted);
        display: flex;
        align-items: center;
        justify-content: center;
        padding: 0 3px;
      }
      .cell {
        font: inherit;
        color: inherit;
        min-width: 0;
        height: 28px;
        border: 1px solid var(--_border);
        border-radius: 3px;
        padding: 0;
        cursor: pointer;
        font-variant-numeric: tabular-nums;
        background: var(--_bg);
      }
      .cell.dark {
        color: #fff;
      }
      .cell[aria-pressed='true'] {
        outline: 2px solid var(--_fg);
        outline-offset: 1px;
      }
      .axis {
        font-size: 11px;
        color: var(--_muted);
        margin: 2px 0 4px;
      }
      .key {
        font-size: 11px;
        margin-top: 6px;
      }
      .panel {
        margin-top: 10px;
        border: 1px solid var(--_border);
        border-radius: 6px;
        padding: 8px;
      }
      .panel header {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 8px;
        margin-bottom: 6px;
      }
      .images {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      .images button {
        padding: 0;
        border: 1px solid var(--_border);
        background: none;
        cursor: pointer;
      }
      .images canvas {
        width: 42px;
        height: 42px;
      }
    `,
  ];

  @property({ attribute: false }) evaluation: EvaluationView | null = null;
  @property({ attribute: false }) classNames: readonly string[] | null = null;
  /** True label of every test example, in test-set order (the dataset's test labels). */
  @property({ attribute: false }) testLabels: ArrayLike<number> | null = null;
  @property({ attribute: false }) testImage: TestImageLookup | null = null;
  /** Most images the panel shows for one cell. */
  @property({ type: Number }) limit = 60;

  @state() private cell: { trueClass: number; predicted: number } | null = null;

  private open(trueClass: number, predicted: number): void {
    const same = this.cell?.trueClass === trueClass && this.cell.predicted === predicted;
    this.cell = same ? null : { trueClass, predicted };
    if (!same) emit(this, 'cs-cell-select', { trueClass, predicted });
  }

  private examples() {
    const { evaluation, testLabels, cell } = this;
    if (!evaluation || !testLabels || !cell) return { indices: [], total: 0 };
    return cellExamples(testLabels, evaluation.predictions, cell.trueClass, cell.predicted, this.limit);
  }

  protected override updated(changed: PropertyValues): void {
    if (!this.cell || !['cell', 'evaluation', 'testImage', 'testLabels'].some((k) => changed.has(k))) return;
    const lookup = this.testImage;
    this.renderRoot.querySelectorAll<HTMLCanvasElement>('.images canvas').forEach((canvas) => {
      const image = lookup?.(Number(canvas.dataset.index));
      if (image) paintCanvas(canvas, image.width, image.height, (px) => paintBytes(px, image.bytes, 0));
    });
  }

  private renderMatrix(evaluation: EvaluationView) {
    const n = evaluation.classes;
    const totals = rowTotals(evaluation.confusion, n);
    const cells = [html`<span></span>`];
    for (let p = 0; p < n; p++)
      cells.push(html`<span class="head" title=${className(this.classNames, p)}>${p}</span>`);
    for (let t = 0; t < n; t++) {
      cells.push(html`<span class="head" title=${className(this.classNames, t)}>${t}</span>`);
      for (let p = 0; p < n; p++) {
        const count = evaluation.confusion[t * n + p];
        const shade = cellShade(count, totals[t], t === p);
        const colour = t === p ? 'var(--_accent)' : 'var(--_warn)';
        const pressed = this.cell?.trueClass === t && this.cell.predicted === p;
        cells.push(
          html`<button
            type="button"
            class="cell ${shade > 0.55 ? 'dark' : ''}"
            aria-pressed=${pressed}
            title="true ${className(this.classNames, t)}, predicted ${className(this.classNames, p)}: ${count}"
            style="background: color-mix(in srgb, ${colour} ${Math.round(shade * 100)}%, var(--_bg))"
            @click=${() => this.open(t, p)}
          >
            ${count > 0 ? count : ''}
          </button>`,
        );
      }
    }
    return html`<div class="axis">rows: true class · columns: predicted</div>
      <div class="matrix" style="grid-template-columns: auto repeat(${n}, minmax(24px, 40px))">
        ${cells}
      </div>`;
  }

  private renderPanel() {
    const cell = this.cell;
    if (!cell) return nothing;
    const { indices, total } = this.examples();
    const [t, p] = [className(this.classNames, cell.trueClass), className(this.classNames, cell.predicted)];
    const what = cell.trueClass === cell.predicted ? `${t}, predicted correctly` : `${t} predicted as ${p}`;
    const body = !this.testLabels
      ? html`<div class="muted">Test labels are not loaded.</div>`
      : total === 0
        ? html`<div class="muted">No images in this cell.</div>`
        : html`<div class="images">
            ${indices.map(
              (i) =>
                html`<button
                  type="button"
                  title="test image ${i}"
                  @click=${() => emit(this, 'cs-test-image-select', { testIndex: i })}
                >
                  <canvas class="px" data-index=${i}></canvas>
                </button>`,
            )}
          </div>`;
    return html`<div class="panel" role="region" aria-label="images of the selected cell">
      <header>
        <span
          ><b>${what}</b>: <span class="num">${COUNT.format(total)} image${total === 1 ? '' : 's'}</span>${
            total > indices.length ? html` <span class="muted">(first ${indices.length})</span>` : nothing
          }</span
        >
        <button type="button" class="plain" @click=${() => (this.cell = null)}>Close</button>
      </header>
      ${body}
    </div>`;
  }

  override render() {
    const evaluation = this.evaluation;
    if (!evaluation) return html`<div class="empty">No evaluation yet.</div>`;
    const names = this.classNames;
    return html`<div class="summary num">
        accuracy <b>${(100 * evaluation.accuracy).toFixed(2)}%</b> · loss ${evaluation.loss.toFixed(4)} ·
        ${COUNT.format(evaluation.examples)} test images · step ${COUNT.format(evaluation.step)}
      </div>
      ${this.renderMatrix(evaluation)}
      ${
        // A key only where the names say more than the column numbers (Fashion-MNIST, not digits).
        names && names.some((name, i) => name !== String(i))
          ? html`<div class="key muted">${names.map((name, i) => `${i} ${name}`).join(' · ')}</div>`
          : nothing
      }
      ${this.renderPanel()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-confusion-view': ConfusionViewElement;
  }
}
