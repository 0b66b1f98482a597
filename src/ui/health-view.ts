// <cs-health-view>: a compact table with one row per layer of a HealthView (view-types.ts):
// activation range, dead units, weight and gradient rms, update/weight ratio. Flagged cells take
// the warning colour and explain themselves in a tooltip (health-format.ts has the rules). Display
// only: it gets the HealthView from the health feed (src/app/feeds/health.ts) and emits nothing.

import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { HealthView } from '../app/view-types.ts';
import { HELP, healthRows, type Cell } from './health-format.ts';
import { viewStyles } from './view-kit.ts';

@customElement('cs-health-view')
export class HealthViewElement extends LitElement {
  static override styles = [
    viewStyles,
    css`
      .scroll {
        overflow-x: auto;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: 12px;
      }
      th,
      td {
        padding: 3px 8px;
        text-align: right;
        white-space: nowrap;
        border-bottom: 1px solid var(--_border);
      }
      th {
        font-weight: 600;
        color: var(--_muted);
        cursor: help;
      }
      th:first-child,
      td:first-child {
        text-align: left;
      }
      td.warn,
      td.bad {
        color: var(--_warn);
        font-weight: 600;
        background: color-mix(in srgb, var(--_warn) 8%, var(--_bg));
        cursor: help;
      }
      .step {
        margin-top: 4px;
        font-size: 11px;
      }
    `,
  ];

  @property({ attribute: false }) health: HealthView | null = null;

  private cell(cell: Cell) {
    return html`<td class="num ${cell.flag === 'ok' ? '' : cell.flag}" title=${cell.title}>${cell.text}</td>`;
  }

  override render() {
    const health = this.health;
    if (!health || health.layers.length === 0) return html`<div class="empty">No health readings yet.</div>`;
    return html`<div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Layer</th>
              <th scope="col" title=${HELP.activation}>Activation</th>
              <th scope="col" title=${HELP.dead}>Dead</th>
              <th scope="col" title=${HELP.weight}>Weight rms</th>
              <th scope="col" title=${HELP.gradient}>Grad rms</th>
              <th scope="col" title=${HELP.ratio}>Update/weight</th>
            </tr>
          </thead>
          <tbody>
            ${healthRows(health).map(
              (row) =>
                html`<tr data-layer=${row.layerIndex}>
                  <td>${row.layerIndex + 1}. ${row.label}</td>
                  ${this.cell(row.activation)} ${this.cell(row.dead)} ${this.cell(row.weight)}
                  ${this.cell(row.gradient)} ${this.cell(row.ratio)}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <div class="step muted">at step ${health.step}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-health-view': HealthViewElement;
  }
}
