// The styles of <cs-layer-editor> (layer-editor.ts): compact two-line layer rows, problems in the
// theme's warning colour beside their layer, the preset bar and footer. Styles only.

import { css } from 'lit';

export const editorStyles = css`
  :host {
    display: block;
  }
  .bar {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    align-items: center;
    margin-bottom: 8px;
  }
  .code {
    flex: 1 1 180px;
    min-width: 0;
    font-family: var(--cs-mono, monospace);
    font-size: 12px;
  }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 6px;
  }
  li {
    border: 1px solid var(--cs-border, #dde2e8);
    border-radius: 6px;
    padding: 6px 8px;
  }
  li.bad {
    border-color: var(--cs-warn, #c8332b);
    background: var(--cs-warn-soft, #fdeeed);
  }
  .head {
    display: flex;
    align-items: center;
    gap: 8px;
  }
  .kind {
    font-weight: 650;
  }
  .kind small {
    display: inline-block;
    min-width: 1.4em;
    color: var(--cs-muted, #66707c);
    font-weight: 400;
  }
  .out {
    margin-left: auto;
    color: var(--cs-muted, #66707c);
    font-variant-numeric: tabular-nums;
    font-size: 12px;
    white-space: nowrap;
  }
  .moves {
    display: inline-flex;
    gap: 2px;
  }
  .moves button {
    min-width: 24px;
    min-height: 24px;
    padding: 0 4px;
    font-size: 12px;
    border-color: transparent;
    background: transparent;
  }
  .moves button:hover:not(:disabled) {
    background: var(--cs-accent-soft, #e8effc);
  }
  .fields {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 10px;
    align-items: center;
    margin: 4px 0 0 1.4em;
    font-size: 12px;
    color: var(--cs-muted, #66707c);
  }
  .fields label {
    gap: 4px;
  }
  .fields input[type='number'] {
    width: 4.4em;
    min-height: 26px;
    padding: 2px 4px;
    color: var(--cs-fg, #1d2430);
  }
  .fields select {
    min-height: 26px;
    padding: 2px 4px;
    color: var(--cs-fg, #1d2430);
  }
  .problem {
    color: var(--cs-warn, #c8332b);
    font-size: 12px;
    margin-top: 4px;
  }
  .footer {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    align-items: center;
    margin-top: 10px;
  }
  .footer .spacer {
    flex: 1;
  }
`;
