// <cs-view-panel>: the frame of one live view in the shell's views area: a title that opens and
// closes it and an optional note; `wide` spans the whole row. `visible` says whether it is on
// screen, so the page asks a view's feed only while the view is open and seen (a closed or
// scrolled-away view costs the training nothing, and the browser skips painting it). Emits
// cs-panel-toggle { open } and cs-panel-visible { visible }. Display only.

import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';

@customElement('cs-view-panel')
export class ViewPanel extends LitElement {
  static override styles = css`
    :host {
      display: block;
      min-width: 0;
      /* Off-screen panels are neither laid out nor painted: many canvases cost frames otherwise. */
      content-visibility: auto;
      contain-intrinsic-size: auto 420px;
      font: 13px/1.45 var(--cs-font, system-ui, sans-serif);
    }
    :host([wide]) {
      grid-column: 1 / -1;
    }
    button {
      all: unset;
      cursor: pointer;
      display: flex;
      align-items: baseline;
      gap: 8px;
      width: 100%;
      font-size: 13px;
      font-weight: 650;
      letter-spacing: 0.02em;
      text-transform: uppercase;
      color: var(--cs-muted, #66707c);
    }
    button:focus-visible {
      outline: 2px solid var(--cs-accent, #2f6fdf);
      outline-offset: 2px;
    }
    .chevron {
      display: inline-block;
      transition: transform 0.15s;
    }
    :host([open]) .chevron {
      transform: rotate(90deg);
    }
    .note {
      text-transform: none;
      letter-spacing: 0;
      font-weight: 400;
      font-size: 12px;
    }
    .body {
      margin-top: 8px;
      overflow-x: auto;
    }
  `;

  @property() heading = '';
  @property() note = '';
  @property({ type: Boolean, reflect: true }) open = true;
  @property({ type: Boolean, reflect: true }) wide = false;
  /** On screen (or within a screen's height of it); set by the panel itself. */
  visible = false;
  private observer: IntersectionObserver | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.observer = new IntersectionObserver(
      (entries) => {
        const visible = entries.some((e) => e.isIntersecting);
        if (visible === this.visible) return;
        this.visible = visible;
        this.dispatchEvent(
          new CustomEvent('cs-panel-visible', { detail: { visible }, bubbles: true, composed: true }),
        );
      },
      { rootMargin: '50% 0px' },
    );
    this.observer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
    this.observer = null;
  }

  override render() {
    return html`<button type="button" aria-expanded=${this.open} @click=${this.toggle}>
        <span class="chevron" aria-hidden="true">▸</span><span>${this.heading}</span
        ><span class="note">${this.note}</span>
      </button>
      <div class="body" ?hidden=${!this.open}><slot></slot></div>`;
  }

  private toggle = () => {
    this.open = !this.open;
    this.dispatchEvent(
      new CustomEvent('cs-panel-toggle', { detail: { open: this.open }, bubbles: true, composed: true }),
    );
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-view-panel': ViewPanel;
  }
}
