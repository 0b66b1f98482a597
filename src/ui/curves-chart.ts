// <cs-curves>: loss (log scale) and train/test accuracy against epochs, drawn with uPlot (a small,
// fast canvas chart library). Reads a RunHistory; `revision` says when it gained points, and a
// redraw waits its turn in viewFrames (frame-queue.ts: one view per frame, in a task of its own,
// not in the frame's rendering), so redraws asked for while one waits are one redraw. Each chart is
// a job of its own (a uPlot redraw of 1500 points is 5-10 ms of the page's main thread, both in one
// task made the longest script tasks of a CPU-worker run), and the curves redraw at most every
// CURVES_REDRAW_MS while training: a chunk lands every ~40 ms, faster than anyone reads a curve.
// Display only.

import { LitElement, css, html, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';
import type { RunHistory } from '../app/run-history.ts';
import { viewFrames } from './frame-queue.ts';
import { RedrawThrottle } from './redraw-throttle.ts';
import { controlStyles, SERIES_COLOURS } from './theme.ts';

const CHART_HEIGHT = 190;
/** Least time between two redraws of the curves, ms. */
export const CURVES_REDRAW_MS = 500;

function chartOptions(kind: 'loss' | 'accuracy', width: number): uPlot.Options {
  const accuracy = kind === 'accuracy';
  const format = (v: number | null) =>
    v === null ? '–' : accuracy ? `${(v * 100).toFixed(1)}%` : v.toPrecision(3);
  const line = (label: string, stroke: string, points: boolean): uPlot.Series => ({
    label,
    stroke,
    width: 2,
    spanGaps: true,
    points: { show: points, size: 5, fill: stroke },
    value: (_u, v) => format(v),
  });
  return {
    width,
    height: CHART_HEIGHT,
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    scales: {
      x: { time: false },
      y: accuracy
        ? { range: (_u, min) => [Math.max(0, Math.min(min ?? 0, 0.9) - 0.02), 1] }
        : { distr: 3, log: 10 },
    },
    axes: [
      {
        label: 'epochs',
        size: 36,
        labelSize: 14,
        labelGap: 0,
        // Enough decimals to tell neighbouring ticks apart (uPlot gives the tick increment).
        values: (_u, ticks, _axis, _space, increment) => {
          const decimals = Math.min(6, Math.max(0, -Math.floor(Math.log10(increment))));
          return ticks.map((t) => (t === null ? '' : t.toFixed(decimals)));
        },
      },
      {
        size: 50,
        values: (_u, ticks) =>
          ticks.map((t) =>
            t === null ? '' : accuracy ? `${Math.round(t * 100)}%` : String(Number(t.toPrecision(2))),
          ),
      },
    ],
    series: [
      { label: 'epoch', value: (_u, v) => (v === null ? '–' : v.toFixed(2)) },
      line(accuracy ? 'train acc' : 'train loss', SERIES_COLOURS.train, false),
      line(accuracy ? 'test acc' : 'test loss', SERIES_COLOURS.test, true),
    ],
  };
}

@customElement('cs-curves')
export class CurvesChart extends LitElement {
  static override styles = [
    unsafeCSS(uPlotCss),
    controlStyles,
    css`
      :host {
        display: block;
      }
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(300px, 1fr));
        gap: 12px;
      }
      .chart {
        position: relative;
        min-width: 0;
        min-height: ${CHART_HEIGHT + 30}px;
      }
      h3 {
        font-size: 12px;
        font-weight: 600;
        margin: 0 0 2px;
        color: var(--cs-muted, #66707c);
      }
      .empty {
        position: absolute;
        inset: 40px 0 auto;
        text-align: center;
        color: var(--cs-muted, #66707c);
        pointer-events: none;
      }
      .u-legend {
        font-size: 12px;
      }
    `,
  ];

  @property({ attribute: false }) history: RunHistory | null = null;
  @property({ type: Number }) revision = 0;
  @query('.loss') private lossBox!: HTMLDivElement;
  @query('.accuracy') private accuracyBox!: HTMLDivElement;
  private charts: { loss: uPlot; accuracy: uPlot } | null = null;
  private resize: ResizeObserver | null = null;
  private readonly throttle = new RedrawThrottle(CURVES_REDRAW_MS, () => this.queueDraw());
  /** The viewFrames keys of the two charts' redraws. */
  private readonly jobs = { loss: {}, accuracy: {} };

  override render() {
    const empty = !this.history || this.history.train.length === 0;
    return html`<div class="charts">
      <div class="chart">
        <h3>Loss (cross-entropy, log scale)</h3>
        <div class="loss"></div>
        ${empty ? html`<div class="empty">Press Train to see the loss fall</div>` : ''}
      </div>
      <div class="chart">
        <h3>Accuracy</h3>
        <div class="accuracy"></div>
        ${empty ? html`<div class="empty">Train and test accuracy appear here</div>` : ''}
      </div>
    </div>`;
  }

  protected override firstUpdated(): void {
    const width = (box: HTMLElement) => Math.max(200, box.clientWidth || 300);
    this.charts = {
      loss: new uPlot(chartOptions('loss', width(this.lossBox)), [[], [], []], this.lossBox),
      accuracy: new uPlot(chartOptions('accuracy', width(this.accuracyBox)), [[], [], []], this.accuracyBox),
    };
    this.resize = new ResizeObserver(() => {
      if (!this.charts) return;
      this.charts.loss.setSize({ width: width(this.lossBox), height: CHART_HEIGHT });
      this.charts.accuracy.setSize({ width: width(this.accuracyBox), height: CHART_HEIGHT });
    });
    this.resize.observe(this.lossBox);
    this.resize.observe(this.accuracyBox);
    this.scheduleDraw();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('revision') || changed.has('history')) this.scheduleDraw();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.throttle.cancel();
    viewFrames.cancel(this.jobs.loss);
    viewFrames.cancel(this.jobs.accuracy);
    this.resize?.disconnect();
    this.charts?.loss.destroy();
    this.charts?.accuracy.destroy();
    this.charts = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Reattached after a disconnect: make the charts again.
    if (this.hasUpdated && !this.charts) this.firstUpdated();
  }

  private scheduleDraw(): void {
    this.throttle.request();
  }

  private queueDraw(): void {
    viewFrames.run(this.jobs.loss, () => this.draw('loss'));
    viewFrames.run(this.jobs.accuracy, () => this.draw('accuracy'));
  }

  private draw(field: 'loss' | 'accuracy'): void {
    const chart = this.charts?.[field];
    if (!chart) return;
    const train = this.history?.train ?? [];
    const test = this.history?.test ?? [];
    const x = (points: { epoch: number }[]) => points.map((p) => p.epoch);
    chart.setData(
      uPlot.join([
        [x(train), train.map((p) => p[field])],
        [x(test), test.map((p) => p[field])],
      ]),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-curves': CurvesChart;
  }
}
