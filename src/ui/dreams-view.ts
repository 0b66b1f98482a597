// <cs-dreams-view>: what the network thinks each class looks like (class visualisations, updated
// live by the controller): one greyscale image per class at the fixed pixel range, with the
// probability it reaches for its class (a bar, green from 90%); or, with a conv layer chosen as the
// target, the image that most excites each of its filters. Display only: it gets a DreamsView and
// emits `cs-dreams-restart` {start: 'grey' | 'noise'}, `cs-dreams-follow` {follow} (keep dreaming
// while the network trains) and `cs-dreams-target` {target: DreamTarget}. No GPU objects.

import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { DreamTarget, DreamsView } from '../app/dream-view-types.ts';
import { className } from '../viz/classification.ts';
import { greyRgb } from '../viz/dream-images.ts';
import { emit, paintCanvas, segmented, viewStyles } from './view-kit.ts';

/** The probability from which a dream counts as reaching its class (0.9, as float32 stores it). */
export const REACHED = Math.fround(0.9);

@customElement('cs-dreams-view')
export class DreamsViewElement extends LitElement {
  static override styles = [
    viewStyles,
    css`
      :host {
        container-type: inline-size;
      }
      /* Ten classes: one row when there is room, else two rows of five. */
      .cards {
        display: grid;
        grid-template-columns: repeat(10, minmax(0, 1fr));
        gap: 8px;
      }
      @container (max-width: 720px) {
        .cards {
          grid-template-columns: repeat(5, minmax(0, 1fr));
        }
      }
      .card {
        border: 1px solid var(--_border);
        border-radius: 6px;
        padding: 5px;
        background: var(--_bg);
        min-width: 0;
      }
      .card canvas {
        width: 100%;
        aspect-ratio: 1;
        border-radius: 2px;
        background: #000;
      }
      .name {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        min-width: 1.2ch;
      }
      .pct {
        flex: none;
      }
      .meta {
        display: flex;
        justify-content: space-between;
        gap: 4px;
        font-size: 12px;
        margin-top: 3px;
      }
      .track {
        height: 6px;
        margin-top: 3px;
        background: color-mix(in srgb, var(--_border) 60%, var(--_bg));
        border-radius: 3px;
        overflow: hidden;
      }
      .fill {
        display: block;
        height: 100%;
        background: var(--_accent);
      }
      .card.reached .fill {
        background: var(--_ok);
      }
      .card.reached .pct {
        color: var(--_ok);
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) dreams: DreamsView | null = null;
  @property({ attribute: false }) classNames: readonly string[] | null = null;
  /** The conv layers whose filters can be the target: [layer index, label]. */
  @property({ attribute: false }) filterLayers: readonly (readonly [number, string])[] = [];
  @property({ attribute: false }) target: DreamTarget = { kind: 'classes' };
  /** Whether the controller keeps dreaming while the network trains (shown on the toggle). */
  @property({ type: Boolean }) following = false;

  protected override updated(changed: PropertyValues): void {
    const dreams = this.dreams;
    if (!dreams || !changed.has('dreams')) return;
    const [channels, height, width] = dreams.inputShape;
    const plane = height * width;
    this.renderRoot.querySelectorAll<HTMLCanvasElement>('.card canvas').forEach((canvas, c) => {
      // The first channel, at the fixed range: a faint dream looks faint.
      const start = c * channels * plane;
      paintCanvas(canvas, width, height, (px) => {
        for (let i = 0; i < plane; i++) px.set([...greyRgb(dreams.images[start + i]), 255], 4 * i);
      });
    });
  }

  private renderCard(dreams: DreamsView, c: number) {
    if (dreams.filters)
      return html`<div class="card" title="what most excites filter ${c} of ${dreams.filters.layerLabel}">
        <canvas class="px"></canvas>
        <div class="meta"><span class="name">filter ${c}</span></div>
      </div>`;
    const p = dreams.probabilities[c];
    const name = className(this.classNames, c);
    return html`<div class="card ${p >= REACHED ? 'reached' : ''}" title="what the network sees as ${name}">
      <canvas class="px"></canvas>
      <div class="meta">
        <span class="name">${name}</span>
        <span class="pct num">${(100 * p).toFixed(p >= 0.995 ? 0 : 1)}%</span>
      </div>
      <div class="track"><span class="fill" style="width:${(100 * p).toFixed(1)}%"></span></div>
    </div>`;
  }

  private renderTarget() {
    const current = this.target.kind === 'classes' ? 'classes' : String(this.target.layerIndex);
    const choose = (value: string) => {
      const target: DreamTarget =
        value === 'classes' ? { kind: 'classes' } : { kind: 'filters', layerIndex: Number(value) };
      this.target = target;
      emit(this, 'cs-dreams-target', { target });
    };
    return html`<label class="control"
      >Target
      <select
        aria-label="dream target"
        @change=${(e: Event) => choose((e.target as HTMLSelectElement).value)}
      >
        <option value="classes" ?selected=${current === 'classes'}>each class</option>
        ${this.filterLayers.map(
          ([index, label]) =>
            html`<option value=${index} ?selected=${current === String(index)}>filters of ${label}</option>`,
        )}
      </select></label
    >`;
  }

  override render() {
    const dreams = this.dreams;
    const toolbar = html`<div class="toolbar">
      ${this.renderTarget()}
      <span class="control"
        >Restart from
        ${(['grey', 'noise'] as const).map(
          (start) =>
            html`<button
              type="button"
              class="plain"
              aria-label="restart from ${start}"
              @click=${() => emit(this, 'cs-dreams-restart', { start })}
            >
              ${start}
            </button>`,
        )}</span
      >
      <span class="control"
        >While training
        ${segmented(
          'keep dreaming while training',
          [
            ['on', 'follow'],
            ['off', 'pause'],
          ] as const,
          this.following ? 'on' : 'off',
          (value) => emit(this, 'cs-dreams-follow', { follow: value === 'on' }),
        )}</span
      >
      ${
        dreams
          ? html`<span class="muted num"
              >${dreams.steps} ascent
              steps${dreams.trainingStep === null ? '' : ` · training step ${dreams.trainingStep}`}</span
            >`
          : ''
      }
    </div>`;
    if (!dreams || dreams.classes === 0)
      return html`${toolbar}
        <div class="empty">No dreams yet.</div>`;
    return html`${toolbar}
      <div class="cards">
        ${Array.from({ length: dreams.classes }, (_, c) => this.renderCard(dreams, c))}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-dreams-view': DreamsViewElement;
  }
}
