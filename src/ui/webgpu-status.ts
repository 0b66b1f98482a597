// <webgpu-status>: shows whether WebGPU is available and which adapter the app got, or a banner that
// says what is missing and how to fix it. Display only: it receives a status and owns no GPU objects.

import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';

export type WebGpuStatus =
  | { state: 'checking' }
  | { state: 'ready'; adapter: string; fallback: boolean; details: string }
  | { state: 'unavailable'; message: string };

@customElement('webgpu-status')
export class WebGpuStatusElement extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font:
        14px/1.4 system-ui,
        sans-serif;
    }
    .box {
      border-radius: 6px;
      padding: 10px 14px;
      border: 1px solid;
    }
    .checking {
      color: #555;
      border-color: #ccc;
    }
    .ready {
      background: #eef8ee;
      border-color: #6a6;
    }
    .unavailable {
      background: #fdecea;
      border-color: #d33;
      color: #611;
    }
    .details {
      color: #555;
      font-size: 12px;
      margin-top: 4px;
    }
  `;

  @property({ attribute: false })
  status: WebGpuStatus = { state: 'checking' };

  override render() {
    const status = this.status;
    if (status.state === 'checking') return html`<div class="box checking">Looking for WebGPU…</div>`;
    if (status.state === 'unavailable') {
      // The message already opens with what is missing ("WebGPU is unavailable: ..."); no heading.
      return html`<div class="box unavailable" role="alert">${status.message}</div>`;
    }
    const fallback = status.fallback ? ' (software fallback adapter: correct but slow)' : '';
    return html`<div class="box ready">
      <strong>WebGPU ready</strong> on <span class="adapter">${status.adapter}</span>${fallback}
      <div class="details">${status.details}</div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'webgpu-status': WebGpuStatusElement;
  }
}
