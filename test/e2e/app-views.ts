// Helpers for the user-flow tests (user-flow*.e2e.test.ts) and the views benchmark
// (bench/app-views.ts): find a live-view panel of the app by its heading, bring it on screen (a
// panel off screen is neither painted nor fed, view-panel.ts), read the feature-map tiles each layer
// shows, read the full-test-set result the page shows, and name screenshots so a normal run does
// not rewrite the committed PNGs.
// Not a test; the harness itself is app-harness.ts.

import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { deepText, pressButton, SCREENSHOT_DIR } from './app-harness.ts';

/** The panel headings views.ts mounts, in page order. */
export const PANEL_HEADINGS = [
  'Filters',
  'Feature maps',
  'Predictions',
  'Draw a digit',
  'Confusion matrix',
  'Layer health',
  'Filter timeline',
] as const;
export type PanelHeading = (typeof PANEL_HEADINGS)[number];

/** Time a panel needs after coming on screen: the observer fires, its feed reads, it paints. */
export const SETTLE_MS = 500;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The <cs-view-panel> whose heading is `heading`. */
export async function viewPanel(page: Page, heading: PanelHeading): Promise<ElementHandle<Element>> {
  const handle = await page.evaluateHandle(
    (text) => [...document.querySelectorAll('cs-view-panel')].find((p) => p.heading === text) ?? null,
    heading,
  );
  const element = handle.asElement() as ElementHandle<Element> | null;
  if (!element) throw new Error(`the page has no view panel "${heading}"`);
  return element;
}

/** Scrolls the panel to the top of the viewport and waits until it has been fed and painted. */
export async function showPanel(page: Page, heading: PanelHeading): Promise<ElementHandle<Element>> {
  const panel = await viewPanel(page, heading);
  await panel.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await sleep(SETTLE_MS);
  return panel;
}

/**
 * The first element below `host` matching `selector`, a puppeteer selector whose `>>>` crosses
 * into shadow roots (e.g. 'cs-draw-pad >>> canvas.pad'); throws when there is none.
 */
export async function find(host: ElementHandle<Element>, selector: string): Promise<ElementHandle<Element>> {
  const found = await host.$(selector);
  if (!found) throw new Error(`nothing matches "${selector}" inside the element`);
  return found;
}

/** What one layer of the feature-maps view shows. */
export interface FeatureMapLayer {
  layer: number;
  /** Canvases in the layer (one: every map is a tile of it, tile-canvas.ts). */
  canvases: number;
  /** Tiles painted, as the canvas says (data-tiles) and as the element's layout places them. */
  tiles: number;
  placed: number;
  /** Fraction of the tiles whose pixels are not all one colour: the map has some structure. */
  structured: number;
}

/** Reads every layer of the feature-maps view in `panel`, once its latest data is painted. */
export async function featureMapLayers(panel: ElementHandle<Element>): Promise<FeatureMapLayer[]> {
  const view = await find(panel, 'cs-feature-maps-view');
  return view.evaluate(async (element) => {
    const maps = element as HTMLElementTagNameMap['cs-feature-maps-view'];
    await maps.paintComplete;
    const sections = [...maps.shadowRoot!.querySelectorAll<HTMLElement>('section.layer')];
    return sections.map((section, n) => {
      const canvases = section.querySelectorAll('canvas');
      const rects = maps.tileRects(n);
      const context = canvases[0]?.getContext('2d');
      const varied = rects.filter((r) => {
        const data = context?.getImageData(r.x, r.y, r.width, r.height).data;
        return data !== undefined && data.some((value, i) => value !== data[i % 4]);
      });
      return {
        layer: Number(section.dataset.layer),
        canvases: canvases.length,
        tiles: Number(canvases[0]?.dataset.tiles ?? 0),
        placed: rects.length,
        structured: rects.length > 0 ? varied.length / rects.length : 0,
      };
    });
  });
}

/**
 * Waits until the Train button can be pressed (the run is built and idle or paused). Polls: a
 * selector wait would watch for DOM mutations, and those inside shadow roots are not seen.
 */
export async function waitUntilTrainable(page: Page, timeoutMs = 120_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const controls = document.querySelector('cs-app-shell')?.shadowRoot?.querySelector('cs-train-controls');
      const train = controls?.shadowRoot?.querySelector<HTMLButtonElement>('.buttons button.primary');
      return train !== null && train !== undefined && !train.disabled;
    },
    { polling: 100, timeout: timeoutMs },
  );
}

export interface FullTestResult {
  accuracy: number;
  examples: number;
  step: number;
}

/** Presses "Evaluate full test set" and reads the result the training panel shows. */
export async function evaluateFullTestSet(page: Page, timeoutMs = 60_000): Promise<FullTestResult> {
  await pressButton(page, 'Evaluate full test set');
  const pattern = /(\d+(?:\.\d+)?)% on ([\d,]+) images \(step ([\d,]+)\s*\)/;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(await deepText(page));
    if (match) {
      const number = (text: string) => Number(text.replace(/,/g, ''));
      return { accuracy: number(match[1]) / 100, examples: number(match[2]), step: number(match[3]) };
    }
    await sleep(250);
  }
  throw new Error(`no full-test-set result shown within ${timeoutMs} ms`);
}

/**
 * The file name for a screenshot: `name` itself (committed, test/e2e/screenshots/<name>.png) when
 * CONVSCOPE_SCREENSHOTS=update, otherwise `<name>.tmp` (git-ignored), so that running the tests
 * does not rewrite the committed pictures with a slightly different training run each time.
 */
export function screenshotName(name: string): string {
  return process.env.CONVSCOPE_SCREENSHOTS === 'update' ? name : `${name}.tmp`;
}

/**
 * Saves the whole page (not only the viewport): the viewport is made as tall as the page for the
 * shot, since panels off screen are not painted (content-visibility) and would come out blank.
 */
export async function fullPageScreenshot(page: Page, name: string): Promise<string> {
  const viewport = page.viewport();
  if (!viewport) throw new Error('fullPageScreenshot: the page has no viewport set');
  const path = join(SCREENSHOT_DIR, `${screenshotName(name)}.png`) as `${string}.png`;
  try {
    for (let i = 0; i < 2; i++) {
      // Twice: panels grow once they render, which makes the page taller.
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.setViewport({ ...viewport, height });
      await sleep(SETTLE_MS);
    }
    await page.screenshot({ path });
  } finally {
    await page.setViewport(viewport);
  }
  return path;
}
