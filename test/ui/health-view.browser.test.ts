// <cs-health-view> in headless Chromium (it needs a real DOM): mounted on its demo page
// (test/browser/health.html) with a synthetic HealthView, it shows one row per layer, colours
// exactly the flagged cells (more than half dead, ratios outside 1e-4..1e-2, NaN) in the warning
// colour with an explaining tooltip, and an empty state without data. A screenshot goes to
// test/e2e/screenshots/health-view.tmp.png for a person to look at.

import { mkdirSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';

let harness: BrowserHarness;
let page: Page;

beforeAll(async () => {
  harness = await startBrowserHarness({ pages: ['test/browser/health.html'] });
  page = await harness.open('test/browser/health.html');
  await page.waitForSelector('body[data-ready="true"]');
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

describe('cs-health-view', () => {
  it('one row per layer; flagged cells in the warning colour with a tooltip; empty state', async () => {
    const seen = await page.evaluate(async () => {
      const view = document.querySelector('cs-health-view')!;
      await view.updateComplete;
      const root = view.shadowRoot!;
      const rows = [...root.querySelectorAll('tbody tr')].map((tr) =>
        [...tr.querySelectorAll('td')].map((td) => ({
          text: td.textContent!.trim(),
          flag: td.classList.contains('warn') ? 'warn' : td.classList.contains('bad') ? 'bad' : '',
          colour: getComputedStyle(td).color,
          title: td.title,
        })),
      );
      const headerHelp = root.querySelector('th:last-child')!.getAttribute('title');
      const step = root.querySelector('.step')!.textContent;
      const saved = view.health;
      view.health = null;
      await view.updateComplete;
      const empty = root.textContent!.trim();
      view.health = saved;
      await view.updateComplete;
      return { rows, headerHelp, step, empty };
    });
    expect(seen.rows.map((cells) => cells[0].text)).toEqual([
      '1. conv 5x5 x6',
      '2. maxpool 2',
      '3. conv 5x5 x16',
      '4. fc 120',
      '5. classify 10',
    ]);
    const flags = seen.rows.map((cells) => cells.slice(1).map((c) => c.flag));
    expect(flags).toEqual([
      ['', '', '', '', ''],
      ['', '', '', '', ''],
      ['', 'warn', '', '', 'warn'], // 62% dead, ratio 0.034
      ['', '', '', '', 'warn'], // ratio 3e-6
      ['', '', '', 'bad', 'bad'], // NaN gradient and ratio
    ]);
    const warnColour = seen.rows[2][2].colour;
    expect(warnColour).toBe('rgb(200, 51, 43)'); // --cs-warn's default
    expect(seen.rows[0][2].colour).not.toBe(warnColour);
    expect(seen.rows[2][2].text).toBe('63%');
    expect(seen.rows[2][5]).toMatchObject({ text: '0.034' });
    expect(seen.rows[2][5].title).toMatch(/^high: .*unstable/);
    expect(seen.rows[3][5].title).toMatch(/^low: .*hardly changes/);
    expect(seen.rows[1].slice(3).map((c) => c.text)).toEqual(['—', '—', '—']);
    expect(seen.headerHelp).toMatch(/\|\|Δw\|\| \/ \|\|w\|\|/);
    expect(seen.step).toContain('1200');
    expect(seen.empty).toBe('No health readings yet.');
    for (const width of [1280, 390]) {
      await page.setViewport({ width, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `page wider than ${width} px`).toBeLessThanOrEqual(0);
    }
    mkdirSync(`${REPO_ROOT}/test/e2e/screenshots`, { recursive: true });
    await page.setViewport({ width: 760, height: 330 });
    await page.screenshot({ path: `${REPO_ROOT}/test/e2e/screenshots/health-view.tmp.png` });
  });
});
