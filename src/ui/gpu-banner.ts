// <cs-gpu-banner>: says plainly when the page has no WebGPU (and that the CPU backend still
// trains), when the GPU device was lost, or that the adapter is a slow software one. Shows nothing
// when a hardware GPU is ready. Display only: it receives a GpuStatus and owns no GPU objects.

import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { GpuStatus } from '../app/session-state.ts';

@customElement('cs-gpu-banner')
export class GpuBanner extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font: 13px/1.45 var(--cs-font, system-ui, sans-serif);
    }
    .box {
      border: 1px solid;
      border-radius: var(--cs-radius, 8px);
      padding: 10px 14px;
    }
    .missing {
      background: var(--cs-note-soft, #fff7e0);
      border-color: #e2b93b;
      color: #5a4300;
    }
    .lost {
      background: var(--cs-warn-soft, #fdeeed);
      border-color: var(--cs-warn, #c8332b);
      color: #611;
    }
    .software {
      border-color: var(--cs-border, #dde2e8);
      background: var(--cs-bg, #fff);
      color: var(--cs-muted, #66707c);
      padding: 6px 12px;
    }
    strong {
      display: block;
      margin-bottom: 2px;
    }
    .detail {
      font-size: 12px;
      opacity: 0.85;
    }
  `;

  @property({ attribute: false }) status: GpuStatus = { state: 'checking' };

  override render() {
    const s = this.status;
    if (s.state === 'unavailable') {
      return html`<div class="box missing" role="alert">
        <strong>No WebGPU in this browser: training runs on the CPU backend.</strong>
        The CPU backend gives the same results, only slower. For the GPU, open this page in a recent Chrome or
        Edge (or Safari / Firefox with WebGPU enabled), on http://127.0.0.1 or https.
        <div class="detail">${s.message}</div>
      </div>`;
    }
    if (s.state === 'lost')
      return html`<div class="box lost" role="alert"><strong>${s.message}</strong></div>`;
    if (s.state === 'ready' && s.software) {
      return html`<div class="box software">
        WebGPU runs on a software adapter (${s.adapter}): correct but slow. The CPU backend may train faster
        here.
      </div>`;
    }
    return nothing;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-gpu-banner': GpuBanner;
  }
}
