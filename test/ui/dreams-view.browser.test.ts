// <cs-dreams-view> and <cs-saliency-view> in headless Chromium (they need a real DOM and canvas),
// mounted on their demo page (test/browser/dreams.html) with synthetic data: the dream canvases hold
// the images at the fixed pixel range, probabilities >= 90% are marked, the buttons emit their
// events; the saliency canvases hold the image and each map's overlay colours; empty states; no
// horizontal overflow at 1280 and 390 px. A screenshot goes to test/e2e/screenshots/dreams-view.tmp.png.

import { mkdirSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overlayRgb } from '../../src/viz/dream-images.ts';
import { REPO_ROOT, startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';

let harness: BrowserHarness;
let page: Page;

beforeAll(async () => {
  harness = await startBrowserHarness({ pages: ['test/browser/dreams.html'] });
  page = await harness.open('test/browser/dreams.html');
  await page.waitForSelector('body[data-ready="true"]');
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

describe('cs-dreams-view', () => {
  it('paints each class image, marks the ones past 90% and emits restart and follow', async () => {
    const seen = await page.evaluate(async () => {
      const view = document.querySelector('cs-dreams-view')!;
      await view.updateComplete;
      const root = view.shadowRoot!;
      const cards = [...root.querySelectorAll('.card')];
      const canvas = cards[0].querySelector('canvas')!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, 28, 28).data;
      // Class 0's stroke passes (x 14 + (t - 14) * -0.75, y t): at y 14 it is at x 14.
      const onStroke = Array.from(data.subarray(4 * (14 * 28 + 14), 4 * (14 * 28 + 14) + 4));
      const background = Array.from(data.subarray(0, 4));
      const texts = cards.map((c) => c.querySelector('.meta')!.textContent!.replace(/\s+/g, ' ').trim());
      const reached = cards.map((c) => c.classList.contains('reached'));
      const buttons = [...root.querySelectorAll('button')];
      buttons.find((b) => b.textContent!.trim() === 'noise')!.click();
      buttons.find((b) => b.textContent!.trim() === 'pause')!.click();
      const status = root.querySelector('.toolbar .muted')!.textContent!.replace(/\s+/g, ' ');
      const saved = view.dreams;
      view.dreams = null;
      await view.updateComplete;
      const empty = root.querySelector('.empty')!.textContent;
      view.dreams = saved;
      await view.updateComplete;
      return {
        size: [canvas.width, canvas.height],
        onStroke,
        background,
        texts,
        reached,
        status,
        empty,
        events: document.body.dataset.events,
      };
    });
    expect(seen.size).toEqual([28, 28]);
    expect(seen.onStroke).toEqual([255, 255, 255, 255]);
    expect(seen.background).toEqual([13, 13, 13, 255]); // 0.05 of the range, not stretched
    expect(seen.texts.slice(0, 3)).toEqual(['0 100%', '1 97.0%', '2 42.0%']);
    expect(seen.reached).toEqual([true, true, false, true, true, false, true, false, true, false]);
    expect(seen.status).toContain('120 ascent steps · training step 900');
    expect(seen.empty).toBe('No dreams yet.');
    expect(seen.events).toBe('cs-dreams-restart {"start":"noise"};cs-dreams-follow {"follow":false};');
  });
});

describe('cs-saliency-view', () => {
  it('paints the image and each map as an overlay scaled by its own maximum', async () => {
    const seen = await page.evaluate(async () => {
      const view = document.querySelector('cs-saliency-view')!;
      await view.updateComplete;
      const root = view.shadowRoot!;
      const at = (canvas: HTMLCanvasElement, x: number, y: number) =>
        Array.from(canvas.getContext('2d')!.getImageData(x, y, 1, 1).data);
      const canvases = [...root.querySelectorAll('canvas')];
      return {
        captions: [...root.querySelectorAll('figcaption')].map((f) => f.textContent),
        title: root.querySelector('.toolbar')!.textContent!.replace(/\s+/g, ' ').trim(),
        image: [at(canvases[0], 13, 10), at(canvases[0], 2, 2)],
        // gradient x input: 2 on the upper stroke (its maximum), 1 on the lower; SmoothGrad -0.5 off the bar.
        gradient: [at(canvases[1], 13, 10), at(canvases[1], 13, 20), at(canvases[1], 2, 2)],
        smooth: at(canvases[2], 2, 10),
      };
    });
    expect(seen.captions).toEqual(['image', 'gradient x input', 'SmoothGrad', 'occlusion']);
    expect(seen.title).toMatch(/^Why 1 \(98\.7%\) for against$/);
    expect(seen.image).toEqual([
      [255, 255, 255, 255],
      [0, 0, 0, 255],
    ]);
    expect(seen.gradient).toEqual([
      [...overlayRgb(1, 1), 255],
      [...overlayRgb(1, 0.5), 255],
      [...overlayRgb(0, 0), 255],
    ]);
    expect(seen.smooth).toEqual([...overlayRgb(0, -0.5), 255]);
    for (const width of [1280, 390]) {
      await page.setViewport({ width, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `page wider than ${width} px`).toBeLessThanOrEqual(0);
    }
    mkdirSync(`${REPO_ROOT}/test/e2e/screenshots`, { recursive: true });
    await page.setViewport({ width: 1100, height: 460 });
    await page.screenshot({ path: `${REPO_ROOT}/test/e2e/screenshots/dreams-view.tmp.png` });
  });
});
