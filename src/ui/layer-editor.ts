// <cs-layer-editor>: edits a draft of the network spec: presets, add / remove / reorder layers,
// sizes and activations, or the compact code (spec-codec.ts). Beside each layer: its output shape
// and parameter count, or the validation problem that names it. Apply (disabled while the draft is
// invalid or unchanged) emits `cs-spec-apply` with the spec. Owns no run and no GPU objects.

import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { decodeSpec, encodeSpec } from '../app/spec-codec.ts';
import { addLayer, moveLayer, removeLayer, setLayerField } from '../app/spec-edits.ts';
import { formatShape, summarizeSpec, type LayerRow } from '../app/spec-summary.ts';
import { ACTIVATIONS } from '../ops/activation.ts';
import { PRESET_NAMES, preset } from '../model/presets.ts';
import { LAYER_KINDS, type LayerKind, type LayerSpec, type NetworkSpec } from '../model/spec.ts';
import { controlStyles } from './theme.ts';
import { editorStyles } from './layer-editor-styles.ts';

const KIND_NAMES: Readonly<Record<LayerKind, string>> = {
  conv: 'conv',
  pool: 'pool',
  fc: 'fc',
  classify: 'classify',
};

@customElement('cs-layer-editor')
export class LayerEditor extends LitElement {
  static override styles = [controlStyles, editorStyles];

  /** The spec the run uses now; the draft starts from it and Revert returns to it. */
  @property({ attribute: false }) spec: NetworkSpec | null = null;
  @state() private draft: NetworkSpec | null = null;
  @state() private codeError: string | null = null;
  @state() private kindToAdd: LayerKind = 'conv';

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('spec') && this.spec) this.draft = structuredClone(this.spec);
  }

  /** The first validation message the editor shows, or null (for tests and the page's test hook). */
  get firstProblem(): string | null {
    if (!this.draft) return null;
    const summary = summarizeSpec(this.draft);
    return summary.rows.flatMap((r) => r.problems)[0] ?? summary.networkProblems[0] ?? null;
  }

  /** Replaces the draft (not the applied spec), e.g. with an invalid network from a link. */
  showDraft(spec: NetworkSpec): void {
    this.edit(structuredClone(spec));
  }

  get draftSpec(): NetworkSpec | null {
    return this.draft;
  }

  override render() {
    const draft = this.draft;
    if (!draft) return html`<p class="muted">No network yet.</p>`;
    const summary = summarizeSpec(draft);
    const unchanged = this.spec !== null && encodeSpec(draft) === encodeSpec(this.spec);
    const code = encodeSpec(draft);
    return html`
      <div class="bar" role="group" aria-label="presets">
        ${PRESET_NAMES.map(
          (name) => html`<button type="button" @click=${() => this.edit(preset(name))}>${name}</button>`,
        )}
        <input
          class="code"
          aria-label="network code"
          title="The network in short form: c<kernel>x<filters>[s<stride>][p<pad>][r|s|t], m2 / a2 pool, f<units>, k<classes>"
          .value=${code}
          aria-invalid=${this.codeError ? 'true' : 'false'}
          @change=${(e: Event) => this.readCode((e.target as HTMLInputElement).value)}
        />
      </div>
      ${this.codeError ? html`<p class="problem" role="alert">${this.codeError}</p>` : nothing}
      <ol>
        ${draft.layers.map((layer, i) => this.renderLayer(layer, summary.rows[i], draft.layers.length))}
      </ol>
      ${summary.networkProblems.map((p) => html`<p class="problem" role="alert">${p}</p>`)}
      <div class="footer">
        <select
          aria-label="kind of layer to add"
          @change=${(e: Event) => (this.kindToAdd = (e.target as HTMLSelectElement).value as LayerKind)}
        >
          ${LAYER_KINDS.map((k) => html`<option value=${k} ?selected=${k === this.kindToAdd}>${KIND_NAMES[k]}</option>`)}
        </select>
        <button type="button" @click=${() => this.edit(addLayer(draft, this.kindToAdd))}>Add layer</button>
        <span class="spacer"></span>
        <span class="muted num"
          >${summary.params === null ? '' : `${summary.params.toLocaleString('en')} params`}</span
        >
        <button type="button" ?disabled=${unchanged} @click=${this.revert}>Revert</button>
        <button type="button" class="primary" ?disabled=${!summary.valid || unchanged} @click=${this.apply}>
          Apply
        </button>
      </div>
    `;
  }

  private renderLayer(layer: LayerSpec, row: LayerRow, count: number) {
    const i = row.index;
    const bad = row.problems.length > 0;
    const out = row.outputShape
      ? `→ ${formatShape(row.outputShape)} · ${row.params?.toLocaleString('en')} params`
      : '→ ?';
    return html`<li class=${bad ? 'bad' : ''} data-layer=${i}>
      <div class="head">
        <span class="kind"><small>${i + 1}</small>${KIND_NAMES[layer.kind] ?? layer.kind}</span>
        <span class="out">${out}</span>
        <span class="moves">
          <button
            type="button"
            class="icon"
            aria-label="move layer ${i + 1} up"
            ?disabled=${i === 0}
            @click=${() => this.edit(moveLayer(this.draft as NetworkSpec, i, -1))}
          >
            ↑
          </button>
          <button
            type="button"
            class="icon"
            aria-label="move layer ${i + 1} down"
            ?disabled=${i === count - 1}
            @click=${() => this.edit(moveLayer(this.draft as NetworkSpec, i, 1))}
          >
            ↓
          </button>
          <button
            type="button"
            class="icon"
            aria-label="remove layer ${i + 1}"
            @click=${() => this.edit(removeLayer(this.draft as NetworkSpec, i))}
          >
            ✕
          </button>
        </span>
      </div>
      <div class="fields">${this.renderFields(layer, i)}</div>
      ${row.problems.map((p) => html`<div class="problem" role="alert">${p}</div>`)}
    </li>`;
  }

  private renderFields(layer: LayerSpec, i: number) {
    switch (layer.kind) {
      case 'conv':
        return html`${this.number(i, 'kernel', typeof layer.kernel === 'number' ? layer.kernel : layer.kernel[0], 'kernel')}
        ${this.number(i, 'filters', layer.filters, 'filters')}
        ${this.number(i, 'stride', layer.stride ?? 1, 'stride')}
        ${this.number(i, 'padding', layer.padding ?? 0, 'pad', 0)}
        ${this.choice(i, 'activation', layer.activation, ACTIVATIONS)}`;
      case 'pool':
        return html`${this.choice(i, 'mode', layer.mode, ['max', 'avg'])}
        ${this.number(i, 'size', layer.size, 'size')}
        ${this.number(i, 'stride', layer.stride ?? layer.size, 'stride')}`;
      case 'fc':
        return html`${this.number(i, 'units', layer.units, 'units')}
        ${this.choice(i, 'activation', layer.activation, ACTIVATIONS)}`;
      case 'classify':
        return html`${this.number(i, 'classes', layer.classes, 'classes')}`;
    }
  }

  private number(i: number, field: string, value: number, label: string, min = 1) {
    return html`<label
      >${label}<input
        type="number"
        min=${min}
        step="1"
        aria-label="layer ${i + 1} ${label}"
        .value=${Number.isFinite(value) ? String(value) : ''}
        @change=${(e: Event) => {
          const text = (e.target as HTMLInputElement).value;
          this.edit(
            setLayerField(this.draft as NetworkSpec, i, field, text.trim() === '' ? NaN : Number(text)),
          );
        }}
    /></label>`;
  }

  private choice(i: number, field: string, value: string, options: readonly string[]) {
    return html`<select
      aria-label="layer ${i + 1} ${field}"
      @change=${(e: Event) => this.edit(setLayerField(this.draft as NetworkSpec, i, field, (e.target as HTMLSelectElement).value))}
    >
      ${options.map((o) => html`<option value=${o} ?selected=${o === value}>${o}</option>`)}
    </select>`;
  }

  private edit(next: NetworkSpec): void {
    this.draft = next;
    this.codeError = null;
  }

  private readCode(text: string): void {
    try {
      this.edit(decodeSpec(text));
    } catch (error) {
      this.codeError = (error as Error).message;
    }
  }

  private revert = () => {
    if (this.spec) this.edit(structuredClone(this.spec));
  };

  private apply = () => {
    if (!this.draft || !summarizeSpec(this.draft).valid) return;
    this.dispatchEvent(
      new CustomEvent('cs-spec-apply', {
        detail: { spec: structuredClone(this.draft) },
        bubbles: true,
        composed: true,
      }),
    );
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-layer-editor': LayerEditor;
  }
}
