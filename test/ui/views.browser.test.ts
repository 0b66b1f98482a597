// The live view elements in headless Chromium (they need a real DOM and canvas): each is mounted on
// the demo page (test/browser/views.html) with small hand-made data, and its pixels, DOM and events
// are checked. No WebGPU involved; the elements own no GPU objects.

import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';

let harness: BrowserHarness;
let page: Page;

beforeAll(async () => {
  harness = await startBrowserHarness({ pages: ['test/browser/views.html'] });
  page = await harness.open('test/browser/views.html');
  await page.waitForSelector('body[data-ready="true"]');
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

describe('cs-filter-grid', () => {
  it('paints weights on the diverging scale and locks the fixed scale at the first snapshot', async () => {
    const pixels = await page.evaluate(async () => {
      const layer = (w: number[]) => ({
        layerIndex: 0,
        label: 'conv 1x3 x2',
        outChannels: 2,
        inChannels: 1,
        kernelHeight: 1,
        kernelWidth: 3,
        weights: new Float32Array(w),
        bias: new Float32Array(2),
      });
      const grid = document.createElement('cs-filter-grid');
      document.body.append(grid);
      // Each filter's three weights, read at the centre of its three scaled-up pixels in the
      // layer's one canvas.
      const read = async () => {
        await grid.paintComplete;
        const canvases = grid.shadowRoot!.querySelectorAll('canvas');
        if (canvases.length !== 1) throw new Error(`${canvases.length} canvases for one layer`);
        const context = canvases[0].getContext('2d')!;
        return grid
          .tileRects(0)
          .map((r) =>
            [0, 1, 2].flatMap((k) =>
              Array.from(
                context.getImageData(r.x + Math.floor(((k + 0.5) * r.width) / 3), r.y + r.height / 2, 1, 1)
                  .data,
              ),
            ),
          );
      };
      grid.scale = 'per-layer';
      grid.filters = { step: 1, epoch: 0, layers: [layer([0.5, 0, -0.25, 0, 0, 0])] };
      const perLayer = await read();
      grid.scale = 'fixed';
      const fixedFirst = await read();
      // Weights doubled: the fixed scale stays at 0.5, so 0.5 and 1.0 both reach the darkest red.
      grid.filters = { step: 2, epoch: 0, layers: [layer([1, 0, -0.5, 0, 0, 0])] };
      const fixedLater = await read();
      const legend = grid.shadowRoot!.querySelector('.legend')!.textContent!.replace(/\s+/g, ' ');
      grid.remove();
      return { perLayer, fixedFirst, fixedLater, legend };
    });
    const [filter0, filter1] = pixels.perLayer;
    expect(filter0.slice(0, 4)).toEqual([103, 0, 31, 255]); // +max: dark red
    expect(filter0.slice(4, 8)).toEqual([255, 255, 255, 255]); // zero: white
    expect(filter0[10]).toBeGreaterThan(filter0[8]); // -max/2: blue
    expect(filter1).toEqual(new Array(3).fill([255, 255, 255, 255]).flat()); // dead filter: white
    expect(pixels.fixedFirst).toEqual(pixels.perLayer);
    expect(pixels.fixedLater[0].slice(0, 4)).toEqual([103, 0, 31, 255]);
    expect(pixels.fixedLater[0].slice(8, 12)).toEqual([5, 48, 97, 255]); // -0.5 at the locked 0.5
    expect(pixels.legend).toContain('16.7% beyond');
  });

  it('names the filter and channel under the pointer, found from canvas coordinates', async () => {
    const target = await page.evaluate(async () => {
      const grid = document.querySelector<HTMLElementTagNameMap['cs-filter-grid']>('#filters')!;
      await grid.paintComplete;
      const canvas = grid.shadowRoot!.querySelectorAll('section.layer')[1].querySelector('canvas')!;
      canvas.scrollIntoView();
      const box = canvas.getBoundingClientRect();
      const r = grid.tileRects(1)[3 * 6 + 2]; // lenet5 conv2: filter 3, input channel 2
      return { x: box.left + r.x + r.width / 2, y: box.top + r.y + r.height / 2 };
    });
    await page.mouse.move(target.x, target.y);
    const shown = await page.evaluate(async () => {
      const grid = document.querySelector<HTMLElementTagNameMap['cs-filter-grid']>('#filters')!;
      await grid.updateComplete;
      const section = grid.shadowRoot!.querySelectorAll('section.layer')[1];
      const frame = section.querySelector<HTMLElement>('.hover');
      const info = section.querySelector('.info')!.textContent!.replace(/\s+/g, ' ');
      return { info, frame: frame?.style.cssText };
    });
    await page.mouse.move(0, 0);
    expect(shown.info).toMatch(/^filter 3 \(input channel 2\) · weights /);
    expect(shown.frame).toMatch(/left: \d+px; top: \d+px; width: \d+px; height: \d+px/);
  });
});

describe('cs-filter-timeline', () => {
  it('follows the latest snapshot and scrubs back with the slider', async () => {
    const seen = await page.evaluate(async () => {
      const timeline = document.querySelector('cs-filter-timeline')!;
      const snapshots = timeline.snapshots;
      const where = async () => {
        await timeline.updateComplete;
        return timeline.shadowRoot!.querySelector('.where')!.textContent!.replace(/\s+/g, ' ').trim();
      };
      const atEnd = await where();
      const slider = timeline.shadowRoot!.querySelector('input')!;
      slider.value = '0';
      slider.dispatchEvent(new Event('input'));
      const atStart = await where();
      return { atEnd, atStart, count: snapshots.length };
    });
    expect(seen.count).toBe(40);
    // Epochs counted from 1, as the training panel shows them (FilterSnapshot.epoch counts from 0).
    expect(seen.atEnd).toBe('step 3,000 · epoch 4 (40/40)');
    expect(seen.atStart).toBe('step 0 · epoch 1 (1/40)');
  });
});

describe('cs-feature-maps-view and cs-predictions-view', () => {
  it('shows every conv and pooling layer and announces the image picked', async () => {
    const result = await page.evaluate(async () => {
      const view = document.querySelector('cs-feature-maps-view')!;
      const root = view.shadowRoot!;
      await view.paintComplete;
      // One canvas per layer; its tiles counted from the canvas and from the layout.
      const layers = [...root.querySelectorAll<HTMLElement>('section.layer')].map(
        (s, n) =>
          `${s.dataset.kind}:${s.querySelectorAll('canvas').length}x${s.querySelector('canvas')!.dataset.tiles}` +
          `/${view.tileRects(n).length}`,
      );
      let detail: unknown = null;
      view.addEventListener('cs-image-select', (e) => (detail = (e as CustomEvent).detail), { once: true });
      root.querySelectorAll<HTMLButtonElement>('.inputs button')[5].click();
      await view.updateComplete;
      const predictions = document.querySelector('cs-predictions-view')!.shadowRoot!;
      return {
        layers,
        detail,
        selected: view.selected,
        wrong: predictions.querySelectorAll('.card.wrong').length,
      };
    });
    expect(result.layers).toEqual(['conv:1x6/6', 'pool:1x6/6', 'conv:1x16/16', 'pool:1x16/16']);
    expect(result.detail).toEqual({ index: 5, testIndex: null });
    expect(result.selected).toBe(5);
    expect(result.wrong).toBe(1);
  });
});

describe('cs-confusion-view', () => {
  it('opens the images of a clicked cell', async () => {
    const result = await page.evaluate(async () => {
      const view = document.querySelector('cs-confusion-view')!;
      const root = view.shadowRoot!;
      const cell = root.querySelectorAll<HTMLButtonElement>('button.cell')[3 * 10 + 8];
      cell.click();
      await view.updateComplete;
      const canvases = [...root.querySelectorAll<HTMLCanvasElement>('.images canvas')];
      const ink = canvases.map((c) =>
        c
          .getContext('2d')!
          .getImageData(0, 0, 28, 28)
          .data.some((v, i) => i % 4 === 0 && v > 0),
      );
      return { count: Number(cell.textContent), shown: canvases.length, ink };
    });
    expect(result.count).toBeGreaterThan(0);
    expect(result.shown).toBe(result.count);
    expect(result.ink.every(Boolean)).toBe(true);
  });
});

describe('cs-draw-pad', () => {
  it('emits a centred 28x28 digit at the end of a stroke', async () => {
    const box = await page.evaluate(() => {
      const pad = document.querySelector('cs-draw-pad')!;
      pad.clear();
      const canvas = pad.shadowRoot!.querySelector('canvas.pad')!;
      canvas.scrollIntoView();
      const r = canvas.getBoundingClientRect();
      (window as unknown as { digits: Float32Array[] }).digits = [];
      pad.addEventListener('cs-digit', (e) =>
        (window as unknown as { digits: Float32Array[] }).digits.push((e as CustomEvent).detail.input),
      );
      return { x: r.left, y: r.top, w: r.width, h: r.height };
    });
    // A short stroke in a corner: a "1" drawn small and off-centre.
    await page.mouse.move(box.x + 0.15 * box.w, box.y + 0.1 * box.h);
    await page.mouse.down();
    await page.mouse.move(box.x + 0.15 * box.w, box.y + 0.4 * box.h, { steps: 5 });
    await page.mouse.up();
    const digit = await page.evaluate(() => {
      const digits = (window as unknown as { digits: Float32Array[] }).digits;
      const last = digits.at(-1)!;
      let [mass, sx, sy, top, bottom] = [0, 0, 0, 28, -1];
      last.forEach((v, p) => {
        const [x, y] = [p % 28, Math.floor(p / 28)];
        mass += v;
        sx += v * (x + 0.5);
        sy += v * (y + 0.5);
        if (v > 0.2) [top, bottom] = [Math.min(top, y), Math.max(bottom, y)];
      });
      return { length: last.length, x: sx / mass, y: sy / mass, height: bottom - top + 1 };
    });
    expect(digit.length).toBe(784);
    expect(Math.abs(digit.x - 14)).toBeLessThan(0.5);
    expect(Math.abs(digit.y - 14)).toBeLessThan(0.5);
    expect(digit.height).toBeGreaterThanOrEqual(19);
  });
});

describe('the demo page', () => {
  it('raised no page errors or console errors while the views ran', () => {
    const benign = /Lit is in dev mode|willReadFrequently/;
    expect(harness.problems.filter((p) => !benign.test(p))).toEqual([]);
  });
});
