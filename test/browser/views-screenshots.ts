// Screenshots of the view demo page (views.html) at 1280x800 and 390 px wide, after clicking a
// confusion cell and drawing a digit, for a person to look at. Run: npx tsx test/browser/views-screenshots.ts
// [outDir] (default /tmp/convscope-views). Uses the shared browser harness. Not a test.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { startBrowserHarness } from '../helpers/browser.ts';

const outDir = process.argv[2] ?? '/tmp/convscope-views';
mkdirSync(outDir, { recursive: true });

/** Clicks the confusion cell true 3 / predicted 8 and draws a "7" on the pad. */
async function interact(page: Page): Promise<void> {
  await page.evaluate(() => {
    const view = document.querySelector('cs-confusion-view')!;
    const cells = view.shadowRoot!.querySelectorAll<HTMLButtonElement>('button.cell');
    cells[3 * 10 + 8].click();
  });
  const box = await page.evaluate(() => {
    const pad = document.querySelector('cs-draw-pad')!.shadowRoot!.querySelector('canvas.pad')!;
    pad.scrollIntoView();
    const r = pad.getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };
  });
  const at = (fx: number, fy: number) => [box.x + fx * box.w, box.y + fy * box.h] as const;
  await page.mouse.move(...at(0.25, 0.2));
  await page.mouse.down();
  for (const [fx, fy] of [
    [0.5, 0.2],
    [0.72, 0.2],
    [0.6, 0.45],
    [0.45, 0.8],
  ])
    await page.mouse.move(...at(fx, fy), { steps: 8 });
  await page.mouse.up();
  await new Promise((r) => setTimeout(r, 300));
}

/** Points at filter 3, channel 2 of the first grid's second layer and shoots that grid. */
async function hoverFilter(page: Page): Promise<void> {
  const grid = await page.$('#filters');
  const box = await page.evaluate(() => {
    const grid = document.querySelector<HTMLElementTagNameMap['cs-filter-grid']>('#filters')!;
    const canvas = grid.shadowRoot!.querySelectorAll('section.layer')[1].querySelector('canvas')!;
    const at = canvas.getBoundingClientRect();
    const r = grid.tileRects(1)[3 * 6 + 2]; // all tiles of a layer are in one canvas
    return { x: at.left + r.x + r.width / 2, y: at.top + r.y + r.height / 2 };
  });
  await page.mouse.move(box.x, box.y);
  await new Promise((r) => setTimeout(r, 200));
  await grid!.screenshot({ path: join(outDir, 'filter-grid-hover.png') });
}

const harness = await startBrowserHarness({ pages: ['test/browser/views.html'] });
try {
  const page = await harness.open('test/browser/views.html');
  await page.waitForSelector('body[data-ready="true"]');
  for (const [width, height] of [
    [1280, 800],
    [390, 844],
  ]) {
    await page.setViewport({ width, height });
    await new Promise((r) => setTimeout(r, 400));
    await page.screenshot({ path: join(outDir, `views-${width}.png`), fullPage: true });
    await page.screenshot({ path: join(outDir, `views-${width}-top.png`) });
  }
  await page.setViewport({ width: 1280, height: 800 });
  await hoverFilter(page);
  await interact(page);
  await page.screenshot({ path: join(outDir, 'views-1280-interacted.png'), fullPage: true });
  await page.setViewport({ width: 390, height: 844 });
  await new Promise((r) => setTimeout(r, 400));
  await page.screenshot({ path: join(outDir, 'views-390-interacted.png'), fullPage: true });
  console.log(
    `screenshots in ${outDir}; problems: ${harness.problems.length ? harness.problems.join('\n') : 'none'}`,
  );
} finally {
  await harness.close();
}
