// <cs-train-controls>: Train / Pause / Step / Reset, the optimizer and its hyper-parameters (all
// editable while training), the run's progress, and the run as a file: Download, Open (a
// .convscope checkpoint) and when it was last autosaved. A value is checked with the same rules the
// URL uses and only a valid one is sent: events cs-train, cs-pause, cs-step, cs-reset,
// cs-optimizer-change { changes }, cs-batch-change { batch }, cs-evaluate-full, cs-download,
// cs-open-checkpoint { file }. Display only.

import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { OptimizerSettings } from '../model/backend.ts';
import { clockTime } from '../app/autosave-policy.ts';
import { CHECKPOINT_EXTENSION } from '../app/checkpoint-files.ts';
import type { MetricsState, Phase, ProgressState, SaveStatus } from '../app/session-state.ts';
import { parseNumberParam, type RunConfig } from '../app/url-state.ts';
import { controlStyles } from './theme.ts';

/** Field -> the URL parameter whose rule checks it (url-state.ts). */
const RULES = { learningRate: 'lr', momentum: 'mom', weightDecay: 'l2', batch: 'batch' } as const;
type Field = keyof typeof RULES;

function percent(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '–' : `${(value * 100).toFixed(1)}%`;
}

function fixed(value: number | null, digits: number): string {
  return value === null || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

@customElement('cs-train-controls')
export class TrainControls extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host {
        display: block;
      }
      .buttons {
        display: grid;
        grid-template-columns: repeat(4, 1fr);
        gap: 6px;
      }
      .buttons button {
        min-height: 36px;
      }
      .fields {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(140px, 1fr));
        gap: 8px 12px;
        margin-top: 12px;
      }
      .fields label {
        justify-content: space-between;
      }
      .field-error {
        grid-column: 1 / -1;
        font-size: 12px;
      }
      dl {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(96px, 1fr));
        gap: 6px 12px;
        margin: 12px 0 0;
      }
      dt {
        font-size: 11px;
        color: var(--cs-muted, #66707c);
        text-transform: uppercase;
        letter-spacing: 0.03em;
      }
      dd {
        margin: 0;
        font-size: 16px;
        font-weight: 600;
        font-variant-numeric: tabular-nums;
      }
      .full,
      .files {
        margin-top: 10px;
        display: flex;
        gap: 8px;
        align-items: center;
        flex-wrap: wrap;
      }
      .files input {
        display: none;
      }
      .saved {
        font-size: 12px;
        color: var(--cs-muted, #66707c);
      }
    `,
  ];

  @property({ attribute: false }) config: RunConfig | null = null;
  @property() phase: Phase = 'starting';
  @property({ attribute: false }) progress: ProgressState | null = null;
  @property({ attribute: false }) metrics: MetricsState | null = null;
  /** Messages for fields the session refused, e.g. { batch: 'batch 400 is larger than ...' }. */
  @property({ attribute: false }) refused: Partial<Record<Field, string>> = {};
  @property({ attribute: false }) saves: SaveStatus | null = null;
  @state() private invalid: Partial<Record<Field, string>> = {};

  override render() {
    const config = this.config;
    if (!config) return nothing;
    const o = config.optimizer;
    const training = this.phase === 'training';
    const ready = this.phase === 'ready';
    const errors = { ...this.refused, ...this.invalid };
    return html`
      <div class="buttons">
        <button type="button" class="primary" ?disabled=${!ready} @click=${() => this.send('cs-train')}>
          Train
        </button>
        <button type="button" ?disabled=${!training} @click=${() => this.send('cs-pause')}>Pause</button>
        <button
          type="button"
          ?disabled=${!ready}
          @click=${() => this.send('cs-step')}
          title="Train one batch"
        >
          Step
        </button>
        <button
          type="button"
          ?disabled=${this.phase === 'starting' || this.phase === 'loading'}
          @click=${() => this.send('cs-reset')}
        >
          Reset
        </button>
      </div>
      <div class="fields">
        <label
          >optimizer
          <select
            aria-label="optimizer"
            @change=${(e: Event) => this.optimizer({ kind: (e.target as HTMLSelectElement).value as 'sgd' | 'adam' })}
          >
            <option value="sgd" ?selected=${o.kind === 'sgd'}>SGD</option>
            <option value="adam" ?selected=${o.kind === 'adam'}>Adam</option>
          </select></label
        >
        ${this.number('learningRate', 'learning rate', o.learningRate, '0.0001')}
        ${o.kind === 'sgd' ? this.number('momentum', 'momentum', o.momentum, '0.05') : nothing}
        ${this.number('batch', 'batch', config.batch, '1')}
        ${this.number('weightDecay', 'L2 decay', o.weightDecay, '0.0001')}
        ${Object.entries(errors).map(([, message]) => html`<div class="field-error error" role="alert">${message}</div>`)}
      </div>
      ${this.renderProgress()} ${this.renderFiles(ready || training)}
    `;
  }

  private renderFiles(usable: boolean) {
    const saves = this.saves;
    const status = !saves?.enabled
      ? 'Autosave is off in this browser'
      : saves.error
        ? 'Autosave failed'
        : saves.savedStep !== null && saves.savedAt !== null
          ? `Autosaved step ${saves.savedStep} at ${clockTime(saves.savedAt)}`
          : 'Autosaves every 10 s of training and on pause';
    return html`<div class="files">
      <button
        type="button"
        ?disabled=${!usable}
        title="Save the run (network, weights, optimizer state, position) as a ${CHECKPOINT_EXTENSION} file"
        @click=${() => this.send('cs-download')}
      >
        Download
      </button>
      <button
        type="button"
        ?disabled=${!usable}
        title="Open a ${CHECKPOINT_EXTENSION} file: it replaces the run"
        @click=${this.pickFile}
      >
        Open…
      </button>
      <input
        type="file"
        accept=${CHECKPOINT_EXTENSION}
        aria-label="checkpoint file"
        @change=${this.fileChosen}
      />
      <span class="saved" title=${saves?.error ?? ''}>${status}</span>
    </div>`;
  }

  private pickFile = () => {
    this.renderRoot.querySelector<HTMLInputElement>('.files input')?.click();
  };

  private fileChosen = (event: Event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = ''; // choosing the same file again must fire change again
    if (file) this.send('cs-open-checkpoint', { file });
  };

  private renderProgress() {
    const p = this.progress;
    const m = this.metrics;
    if (!p || !m) return nothing;
    const step = p.stepsPerEpoch > 0 ? `${p.stepInEpoch}/${p.stepsPerEpoch}` : '–';
    const full = m.fullTest;
    return html`<dl>
        <div>
          <dt>epoch</dt>
          <dd>${p.epoch + 1} <span class="muted" style="font-size:12px">${step}</span></dd>
        </div>
        <div>
          <dt>images/s</dt>
          <dd>${p.imagesPerSecond > 0 ? Math.round(p.imagesPerSecond).toLocaleString('en') : '–'}</dd>
        </div>
        <div>
          <dt>train loss</dt>
          <dd>${fixed(m.trainLoss, 3)}</dd>
        </div>
        <div>
          <dt>train acc</dt>
          <dd>${percent(m.trainAccuracy)}</dd>
        </div>
        <div>
          <dt>test acc</dt>
          <dd title=${`on ${m.testExamples} test images`}>${percent(m.testAccuracy)}</dd>
        </div>
        <div>
          <dt>steps</dt>
          <dd>${p.totalSteps.toLocaleString('en')}</dd>
        </div>
      </dl>
      <div class="full">
        <button
          type="button"
          ?disabled=${m.fullTestRunning || p.totalSteps === 0}
          @click=${() => this.send('cs-evaluate-full')}
        >
          ${m.fullTestRunning ? 'Evaluating…' : 'Evaluate full test set'}
        </button>
        ${
          full
            ? html`<span class="num"
                >${percent(full.accuracy)} on ${full.examples.toLocaleString('en')} images (step
                ${full.step})</span
              >`
            : nothing
        }
      </div>`;
  }

  private number(field: Field, label: string, value: number, step: string) {
    return html`<label
      >${label}<input
        type="number"
        step=${step}
        min="0"
        aria-label=${label}
        aria-invalid=${this.invalid[field] || this.refused[field] ? 'true' : 'false'}
        .value=${String(value)}
        @change=${(e: Event) => this.numberChanged(field, (e.target as HTMLInputElement).value)}
    /></label>`;
  }

  private numberChanged(field: Field, text: string): void {
    const parsed = parseNumberParam(RULES[field], text);
    const { [field]: _dropped, ...others } = this.invalid;
    if (typeof parsed === 'string') {
      this.invalid = { ...others, [field]: parsed[0].toUpperCase() + parsed.slice(1) };
      return;
    }
    this.invalid = others;
    if (field === 'batch') this.send('cs-batch-change', { batch: parsed });
    else this.optimizer({ [field]: parsed });
  }

  private optimizer(changes: Partial<OptimizerSettings>): void {
    this.send('cs-optimizer-change', { changes });
  }

  private send(name: string, detail: unknown = null): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-train-controls': TrainControls;
  }
}
