// <cs-filter-timeline>: filter evolution over a run. A slider scrubs through the kept snapshots
// (src/viz/snapshot-store.ts keeps them bounded and evenly spread), a play button animates them,
// and a <cs-filter-grid> shows the filters at the chosen step on a scale fixed at the first
// snapshot by default, so growth is visible. While at the latest snapshot it follows new ones.
// Display only: it gets the snapshot list and emits events.

import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { FilterSnapshot } from '../app/view-types.ts';
import type { FilterScaleMode } from '../viz/color-scales.ts';
import type { ChannelView } from '../viz/tiles.ts';
import './filter-grid.ts';
import { emit, viewStyles } from './view-kit.ts';

const STEPS = new Intl.NumberFormat('en');

/** Index of the snapshot whose step is nearest `step` (the earlier on ties); -1 for none. */
export function nearestSnapshot(snapshots: readonly FilterSnapshot[], step: number): number {
  let best = -1;
  for (let i = 0; i < snapshots.length; i++) {
    if (best < 0 || Math.abs(snapshots[i].step - step) < Math.abs(snapshots[best].step - step)) best = i;
  }
  return best;
}

@customElement('cs-filter-timeline')
export class FilterTimelineElement extends LitElement {
  static override styles = [
    viewStyles,
    css`
      .scrubber {
        display: flex;
        align-items: center;
        gap: 10px;
        margin-bottom: 10px;
        flex-wrap: wrap;
      }
      input[type='range'] {
        flex: 1 1 160px;
        min-width: 120px;
        accent-color: var(--_accent);
        height: 26px;
      }
      .where {
        min-width: 16ch;
      }
      button.play {
        width: 64px;
      }
    `,
  ];

  @property({ attribute: false }) snapshots: FilterSnapshot[] = [];
  @property() scale: FilterScaleMode = 'fixed';
  @property() channels: ChannelView = 'auto';
  /** Snapshots shown per second while playing. */
  @property({ type: Number }) fps = 8;
  @property({ type: Number, attribute: 'tile-size' }) tileSize = 30;

  @state() private index = 0;
  @state() private playing = false;
  /** At the latest snapshot: new snapshots move the view along. */
  private following = true;
  private shownStep = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  protected override willUpdate(changed: PropertyValues): void {
    if (!changed.has('snapshots')) return;
    const last = this.snapshots.length - 1;
    // Thinning shifts indices: keep showing the same step unless following the latest.
    if (this.following) this.index = last;
    else if (!this.playing) this.index = nearestSnapshot(this.snapshots, this.shownStep);
    this.index = Math.max(0, Math.min(this.index, last));
  }

  protected override updated(): void {
    this.shownStep = this.snapshots[this.index]?.step ?? 0;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  private goTo(index: number): void {
    this.index = index;
    this.following = index >= this.snapshots.length - 1;
    const snapshot = this.snapshots[index];
    if (snapshot) emit(this, 'cs-scrub', { index, step: snapshot.step, epoch: snapshot.epoch });
  }

  private play(): void {
    if (this.snapshots.length < 2) return;
    if (this.index >= this.snapshots.length - 1) this.goTo(0);
    this.playing = true;
    this.following = false;
    this.timer = setInterval(
      () => {
        if (this.index >= this.snapshots.length - 1) this.stop();
        else this.goTo(this.index + 1);
      },
      1000 / Math.max(1, this.fps),
    );
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.playing = false;
  }

  override render() {
    const n = this.snapshots.length;
    if (n === 0) return html`<div class="empty">No snapshots yet: they are taken while training.</div>`;
    const snapshot = this.snapshots[this.index];
    return html`<div class="scrubber">
        <button type="button" class="plain play" @click=${() => (this.playing ? this.stop() : this.play())}>
          ${this.playing ? 'Pause' : 'Play'}
        </button>
        <input
          type="range"
          min="0"
          max=${n - 1}
          step="1"
          .value=${String(this.index)}
          aria-label="snapshot"
          @input=${(e: Event) => {
            this.stop();
            this.goTo(Number((e.target as HTMLInputElement).value));
          }}
        />
        <span class="where num"
          >step ${STEPS.format(snapshot.step)} · epoch ${snapshot.epoch + 1}
          <span class="muted">(${this.index + 1}/${n})</span></span
        >
      </div>
      <cs-filter-grid
        .filters=${snapshot}
        .fixedReference=${this.snapshots[0]}
        .scale=${this.scale}
        .channels=${this.channels}
        .tileSize=${this.tileSize}
        @cs-scale-change=${(e: CustomEvent<{ scale: FilterScaleMode }>) => (this.scale = e.detail.scale)}
        @cs-channel-view-change=${(e: CustomEvent<{ channels: ChannelView }>) => (this.channels = e.detail.channels)}
      ></cs-filter-grid>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-filter-timeline': FilterTimelineElement;
  }
}
