// <cs-app-shell>: the page layout. Header (dataset, backend, seed, adapter, share link), banners
// (WebGPU, errors, notices, dataset download), a left column with the layer editor and the
// training controls, and a main area with the curves and the live views, which the page puts in
// the `views` slot. Shows a SessionState and re-emits what a person does as cs- events
// (cs-dataset-change, cs-backend-change, cs-seed-change, cs-dismiss-notice, cs-notice-action
// { index, action } for a notice's button such as "Start fresh", plus its children's).

import { LitElement, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { RunHistory } from '../app/run-history.ts';
import type { SessionState } from '../app/session-state.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { DATASET_INFO, DATASET_NAMES } from '../data/dataset.ts';
import { controlStyles } from './theme.ts';
import { shellStyles } from './app-shell-styles.ts';
import './curves-chart.ts';
import './gpu-banner.ts';
import type { LayerEditor } from './layer-editor.ts';
import './layer-editor.ts';
import './train-controls.ts';

const PHASE_TEXT: Readonly<Record<SessionState['phase'], string>> = {
  starting: 'Looking for WebGPU…',
  loading: 'Loading the dataset…',
  building: 'Building the network…',
  ready: 'Ready',
  training: 'Training',
  stopping: 'Pausing…',
  error: 'Stopped',
};

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

@customElement('cs-app-shell')
export class AppShell extends LitElement {
  static override styles = [controlStyles, shellStyles];

  @property({ attribute: false }) state: SessionState | null = null;
  @property({ attribute: false }) history: RunHistory | null = null;
  /** Training fields the session refused, with why (shown beside the controls). */
  @property({ attribute: false }) refused: Record<string, string> = {};
  @query('cs-layer-editor') private editor!: LayerEditor;

  /** Puts `spec` in the editor as a draft, e.g. an invalid network from a link, to show its errors. */
  showDraft(spec: NetworkSpec): void {
    this.editor?.showDraft(spec);
  }

  get layerEditor(): LayerEditor | null {
    return this.editor ?? null;
  }

  override render() {
    const s = this.state;
    if (!s) return nothing;
    const busy = s.phase === 'starting' || s.phase === 'loading' || s.phase === 'building';
    return html` <header>
        <div class="brand">conv<span>scope</span></div>
        <label
          >dataset
          <select
            aria-label="dataset"
            ?disabled=${busy}
            @change=${(e: Event) => this.send('cs-dataset-change', { dataset: (e.target as HTMLSelectElement).value })}
          >
            ${DATASET_NAMES.map((d) => html`<option value=${d} ?selected=${d === s.config.dataset}>${DATASET_INFO[d].title}</option>`)}
          </select></label
        >
        <label
          >backend
          <select
            aria-label="backend"
            ?disabled=${busy}
            @change=${(e: Event) => this.send('cs-backend-change', { backend: (e.target as HTMLSelectElement).value })}
          >
            <option value="gpu" ?selected=${s.config.backend === 'gpu'} ?disabled=${s.gpu.state !== 'ready'}>
              GPU (WebGPU)
            </option>
            <option value="cpu" ?selected=${s.config.backend === 'cpu'}>CPU (worker)</option>
          </select></label
        >
        <label class="seed"
          >seed
          <input
            type="number"
            min="0"
            step="1"
            aria-label="seed"
            .value=${String(s.config.seed)}
            ?disabled=${busy}
            @change=${(e: Event) => this.seedChanged((e.target as HTMLInputElement).value)}
        /></label>
        <button type="button" title="Copy a link to this configuration" @click=${this.copyLink}>
          Share link
        </button>
        <div class="status" aria-live="polite">
          <span class="dot ${s.phase}"></span>${PHASE_TEXT[s.phase]}
          ${s.gpu.state === 'ready' ? html`<span>· ${s.gpu.adapter}</span>` : nothing}
        </div>
      </header>
      <div class="banners">${this.renderBanners(s)}</div>
      <div class="layout">
        <aside>
          <section class="panel">
            <h2>Training</h2>
            <cs-train-controls
              .config=${s.config}
              .phase=${s.phase}
              .progress=${s.progress}
              .metrics=${s.metrics}
              .refused=${this.refused}
              .saves=${s.saves}
            ></cs-train-controls>
          </section>
          <section class="panel">
            <h2>Network</h2>
            <cs-layer-editor .spec=${s.config.spec}></cs-layer-editor>
          </section>
        </aside>
        <main>
          <section class="panel">
            <h2>Curves</h2>
            <cs-curves .history=${this.history} .revision=${s.historyRevision}></cs-curves>
          </section>
          <div class="views">
            <slot name="views"
              ><div class="panel placeholder">
                The live views (filters, feature maps, predictions, …) appear here.
              </div></slot
            >
          </div>
        </main>
      </div>`;
  }

  private renderBanners(s: SessionState) {
    const loading = s.loading;
    return html` ${
      s.gpu.state === 'unavailable' ||
      s.gpu.state === 'lost' ||
      (s.gpu.state === 'ready' && s.gpu.software && s.config.backend === 'gpu')
        ? html`<cs-gpu-banner .status=${s.gpu}></cs-gpu-banner>`
        : nothing
    }
    ${s.error && s.gpu.state !== 'lost' ? html`<div class="message error" role="alert"><p>${s.error}</p></div>` : nothing}
    ${
      loading
        ? html`<div class="message">
            <p>
              Downloading ${DATASET_INFO[loading.dataset].title}:
              ${megabytes(loading.loadedBytes)}${loading.totalBytes ? ` of ${megabytes(loading.totalBytes)}` : ''}
              <progress
                max=${loading.totalBytes ?? 1}
                .value=${loading.totalBytes ? loading.loadedBytes : 0}
              ></progress>
            </p>
          </div>`
        : nothing
    }
    ${s.notices.map(
      (notice, index) =>
        html`<div
          class="message ${notice.tone === 'error' ? 'error' : 'note'}"
          role=${notice.tone === 'error' ? 'alert' : 'status'}
        >
          <p>${notice.text}</p>
          ${notice.actions.map(
            ({ action, label }) =>
              html`<button type="button" @click=${() => this.send('cs-notice-action', { index, action })}>
                ${label}
              </button>`,
          )}
          <button
            type="button"
            class="icon"
            aria-label="dismiss"
            @click=${() => this.send('cs-dismiss-notice', { index })}
          >
            ✕
          </button>
        </div>`,
    )}`;
  }

  private seedChanged(text: string): void {
    const seed = Number(text);
    if (Number.isInteger(seed) && seed >= 0 && seed <= 2 ** 31 - 1) this.send('cs-seed-change', { seed });
    else this.requestUpdate(); // puts the current seed back
  }

  private copyLink = () => {
    void navigator.clipboard?.writeText(location.href).catch(() => undefined);
  };

  private send(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-app-shell': AppShell;
  }
}
