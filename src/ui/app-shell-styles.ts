// The layout styles of <cs-app-shell> (app-shell.ts): header, banners, the two columns at 1280 px
// that become one below 900 px, and the panels of the slotted views. Styles only.

import { css } from 'lit';

export const shellStyles = css`
  :host {
    display: block;
    min-height: 100vh;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 14px;
    padding: 10px 18px;
    background: var(--cs-bg, #fff);
    border-bottom: 1px solid var(--cs-border, #dde2e8);
  }
  .brand {
    font-size: 18px;
    font-weight: 700;
    letter-spacing: -0.01em;
    margin-right: 6px;
  }
  .brand span {
    color: var(--cs-accent, #2f6fdf);
  }
  .status {
    margin-left: auto;
    display: flex;
    align-items: center;
    gap: 8px;
    color: var(--cs-muted, #66707c);
  }
  .dot {
    width: 9px;
    height: 9px;
    border-radius: 50%;
    background: var(--cs-border, #dde2e8);
  }
  .dot.training {
    background: var(--cs-ok, #2b8a4b);
    box-shadow: 0 0 0 3px #2b8a4b33;
  }
  .dot.error {
    background: var(--cs-warn, #c8332b);
  }
  .seed input {
    width: 5.5em;
  }
  .banners {
    display: grid;
    gap: 8px;
    padding: 10px 18px 0;
  }
  .banners:empty {
    display: none;
  }
  .message {
    border: 1px solid var(--cs-border, #dde2e8);
    border-radius: var(--cs-radius, 8px);
    padding: 8px 12px;
    background: var(--cs-bg, #fff);
    display: flex;
    gap: 10px;
    align-items: flex-start;
  }
  .message.error {
    border-color: var(--cs-warn, #c8332b);
    background: var(--cs-warn-soft, #fdeeed);
    color: #611;
  }
  .message.note {
    border-color: #e2b93b;
    background: var(--cs-note-soft, #fff7e0);
    color: #5a4300;
  }
  .message p {
    margin: 0;
    flex: 1;
    white-space: pre-line;
  }
  progress {
    width: 100%;
    height: 6px;
  }
  .layout {
    display: grid;
    grid-template-columns: minmax(330px, 420px) minmax(0, 1fr);
    gap: var(--cs-gap, 12px);
    padding: 12px 18px 24px;
    align-items: start;
  }
  aside,
  main {
    display: grid;
    gap: var(--cs-gap, 12px);
    min-width: 0;
  }
  .views {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 380px), 1fr));
    gap: var(--cs-gap, 12px);
    /* A short panel (the drawing pad) beside a tall one keeps its own height, not an empty card. */
    align-items: start;
  }
  ::slotted(*) {
    background: var(--cs-bg, #fff);
    border: 1px solid var(--cs-border, #dde2e8);
    border-radius: var(--cs-radius, 8px);
    padding: 12px;
    min-width: 0;
  }
  .placeholder {
    color: var(--cs-muted, #66707c);
    border-style: dashed;
  }
  @media (max-width: 900px) {
    .layout {
      grid-template-columns: minmax(0, 1fr);
      padding: 10px;
    }
    header {
      padding: 8px 10px;
    }
    .banners {
      padding: 8px 10px 0;
    }
    .status {
      margin-left: 0;
      width: 100%;
    }
  }
`;
