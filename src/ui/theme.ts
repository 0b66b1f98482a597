// The app's look, defined once: CSS custom properties (colours, type, spacing) set on the page by
// applyTheme(), and shared control styles (buttons, fields, panels) that the shell, editor and
// controls adopt. View elements read the same properties with local fallbacks (view-kit.ts).
// No element and no layout of its own.

import { css } from 'lit';

/** The custom properties, with their values; view-kit.ts falls back to the same ones. */
export const THEME: Readonly<Record<string, string>> = {
  '--cs-font': "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  '--cs-mono': "ui-monospace, 'SF Mono', Menlo, Consolas, monospace",
  '--cs-fg': '#1d2430',
  '--cs-muted': '#66707c',
  '--cs-bg': '#ffffff',
  '--cs-page': '#f3f5f8',
  '--cs-border': '#dde2e8',
  '--cs-accent': '#2f6fdf',
  '--cs-accent-soft': '#e8effc',
  '--cs-ok': '#2b8a4b',
  '--cs-warn': '#c8332b',
  '--cs-warn-soft': '#fdeeed',
  '--cs-note-soft': '#fff7e0',
  '--cs-train': '#2f6fdf',
  '--cs-test': '#e07a1f',
  '--cs-radius': '8px',
  '--cs-gap': '12px',
};

/** Sets the theme's properties on the document (once, from main.ts) and the page's own basics. */
export function applyTheme(doc: Document = document): void {
  const root = doc.documentElement;
  for (const [name, value] of Object.entries(THEME)) root.style.setProperty(name, value);
  root.style.background = THEME['--cs-page'];
  root.style.color = THEME['--cs-fg'];
  doc.body.style.margin = '0';
  doc.body.style.font = `14px/1.45 ${THEME['--cs-font']}`;
}

/** Buttons, fields and panels as the shell, editor and controls draw them. */
export const controlStyles = css`
  :host {
    font: 13px/1.45 var(--cs-font, system-ui, sans-serif);
    color: var(--cs-fg, #1d2430);
  }
  button {
    font: inherit;
    color: var(--cs-fg, #1d2430);
    background: var(--cs-bg, #fff);
    border: 1px solid var(--cs-border, #dde2e8);
    border-radius: 6px;
    padding: 4px 10px;
    min-height: 30px;
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    border-color: var(--cs-accent, #2f6fdf);
  }
  button:disabled {
    opacity: 0.45;
    cursor: default;
  }
  button.primary {
    background: var(--cs-accent, #2f6fdf);
    border-color: var(--cs-accent, #2f6fdf);
    color: #fff;
    font-weight: 600;
  }
  button.icon {
    min-width: 28px;
    min-height: 28px;
    padding: 0 6px;
    line-height: 1;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible {
    outline: 2px solid var(--cs-accent, #2f6fdf);
    outline-offset: 1px;
  }
  input,
  select {
    font: inherit;
    color: inherit;
    background: var(--cs-bg, #fff);
    border: 1px solid var(--cs-border, #dde2e8);
    border-radius: 6px;
    padding: 3px 6px;
    min-height: 28px;
    box-sizing: border-box;
  }
  input[type='number'] {
    width: 5.5em;
    font-variant-numeric: tabular-nums;
  }
  input[aria-invalid='true'] {
    border-color: var(--cs-warn, #c8332b);
    background: var(--cs-warn-soft, #fdeeed);
  }
  label {
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  .panel {
    background: var(--cs-bg, #fff);
    border: 1px solid var(--cs-border, #dde2e8);
    border-radius: var(--cs-radius, 8px);
    padding: 12px;
  }
  h2 {
    font-size: 13px;
    font-weight: 650;
    letter-spacing: 0.02em;
    text-transform: uppercase;
    color: var(--cs-muted, #66707c);
    margin: 0 0 8px;
  }
  .muted {
    color: var(--cs-muted, #66707c);
  }
  .error {
    color: var(--cs-warn, #c8332b);
  }
  .num {
    font-variant-numeric: tabular-nums;
  }
  code {
    font-family: var(--cs-mono, monospace);
    font-size: 12px;
  }
`;

/** For a chart library that takes colours, not CSS variables. */
export const SERIES_COLOURS = { train: THEME['--cs-train'], test: THEME['--cs-test'] } as const;
