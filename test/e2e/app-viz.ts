// Helpers for the e2e tests of the class visualisation, saliency and generator panels
// (insight.e2e.test.ts, generator.e2e.test.ts): find a panel by any heading, read what its
// element was given (the panels live in the light DOM of <cs-app-shell>, so page.evaluate reaches
// the elements' properties directly), and count the drawn pixels of a canvas. Not a test.

import type { ElementHandle, Page } from 'puppeteer-core';
import type { DreamsView, SaliencyView } from '../../src/app/dream-view-types.ts';
import type { GeneratorView } from '../../src/app/generator-view-types.ts';
import { SETTLE_MS, sleep } from './app-views.ts';

/** The panel whose heading is `heading`, scrolled to the top of the viewport and given time to feed. */
export async function showVizPanel(page: Page, heading: string): Promise<ElementHandle<Element>> {
  const handle = await page.evaluateHandle(
    (text) => [...document.querySelectorAll('cs-view-panel')].find((p) => p.heading === text) ?? null,
    heading,
  );
  const panel = handle.asElement() as ElementHandle<Element> | null;
  if (!panel) throw new Error(`the page has no view panel "${heading}"`);
  await scrollUntilStill(panel);
  await sleep(SETTLE_MS);
  return panel;
}

/**
 * Scrolls `panel` to the top of the viewport until it stays there: panels above it that come on
 * screen on the way are laid out at their real height only then (content-visibility: auto keeps
 * 420 px for them before), which moves the target of a single scroll.
 */
async function scrollUntilStill(panel: ElementHandle<Element>): Promise<void> {
  let last = NaN;
  for (let i = 0; i < 20; i++) {
    const top = await panel.evaluate((element) => {
      element.scrollIntoView({ block: 'start' });
      return element.getBoundingClientRect().top + window.scrollY;
    });
    if (top === last) return;
    last = top;
    await sleep(200);
  }
}

/** A summary of what <cs-dreams-view> shows now (null before its first dreams). */
export interface DreamsSummary {
  steps: number;
  trainingStep: number | null;
  classes: number;
  probabilities: number[];
  /** The probability texts of the cards, e.g. "12.5%". */
  shown: string[];
  canvases: number;
  /** Each card canvas's pixels, as painted (RGBA). */
  pixels: number[][];
}

export function readDreams(page: Page): Promise<DreamsSummary | null> {
  return page.evaluate(() => {
    const element = document.querySelector('cs-dreams-view') as
      (Element & { dreams: DreamsView | null }) | null;
    const dreams = element?.dreams;
    if (!element || !dreams) return null;
    const canvases = [...element.shadowRoot!.querySelectorAll<HTMLCanvasElement>('.card canvas')];
    return {
      steps: dreams.steps,
      trainingStep: dreams.trainingStep,
      classes: dreams.classes,
      probabilities: Array.from(dreams.probabilities),
      shown: [...element.shadowRoot!.querySelectorAll('.card .pct')].map((e) => e.textContent!.trim()),
      canvases: canvases.length,
      pixels: canvases.map((c) => Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data)),
    };
  });
}

/** Waits until `check` holds for the dreams shown (polling the element). */
export async function waitForDreams(
  page: Page,
  check: (d: DreamsSummary) => boolean,
  timeoutMs = 60_000,
): Promise<DreamsSummary> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dreams = await readDreams(page);
    if (dreams && check(dreams)) return dreams;
    if (Date.now() > deadline)
      throw new Error(
        `dreams: not as expected within ${timeoutMs} ms: ${JSON.stringify(dreams && { ...dreams, pixels: undefined })}`,
      );
    await sleep(250);
  }
}

/** Fraction of values that differ by more than `tolerance` between two RGBA arrays. */
export function changedFraction(a: readonly number[], b: readonly number[], tolerance = 2): number {
  if (a.length !== b.length) throw new Error(`changedFraction: ${a.length} vs ${b.length} values`);
  let changed = 0;
  for (let i = 0; i < a.length; i += 4) if (Math.abs(a[i] - b[i]) > tolerance) changed++;
  return changed / (a.length / 4);
}

export interface SaliencySummary {
  subject: string;
  target: number;
  probability: number;
  methods: string[];
  /** Per tile (image, then each map): the fraction of pixels whose red and blue channels differ (coloured overlay). */
  coloured: number[];
}

export function readSaliency(page: Page): Promise<SaliencySummary | null> {
  return page.evaluate(() => {
    const element = document.querySelector('cs-saliency-view') as
      (Element & { saliency: SaliencyView | null; subject: string }) | null;
    const s = element?.saliency;
    if (!element || !s) return null;
    const canvases = [...element.shadowRoot!.querySelectorAll<HTMLCanvasElement>('figure canvas')];
    const coloured = canvases.map((c) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - data[i + 2]) > 30) n++;
      return n / (data.length / 4);
    });
    return {
      subject: element.subject,
      target: s.target,
      probability: s.probability,
      methods: s.maps.map((m) => m.method),
      coloured,
    };
  });
}

export interface GeneratorSummary {
  view: Omit<GeneratorView, 'grid' | 'walkImages'> & { hasGrid: boolean };
  /** Fraction of the sample canvas's pixels brighter than the gaps and the black background. */
  inked: number;
  /** Distinct grey levels on the canvas (a flat grey grid has a handful: the gaps and one value). */
  levels: number;
  /** The canvas's size in pixels. */
  size: [number, number];
}

export function readGenerator(page: Page): Promise<GeneratorSummary | null> {
  return page.evaluate(() => {
    const element = document.querySelector('cs-generator-view') as
      (Element & { view: GeneratorView | null }) | null;
    const v = element?.view;
    if (!element || !v) return null;
    const canvas = element.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.samples');
    let inked = 0;
    const levels = new Set<number>();
    if (canvas && canvas.width > 0) {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] > 80) inked++;
        levels.add(data[i]);
      }
      inked /= data.length / 4;
    }
    const { grid, walkImages, ...rest } = v;
    return {
      view: { ...rest, hasGrid: grid !== null && walkImages !== null },
      inked,
      levels: levels.size,
      size: [canvas?.width ?? 0, canvas?.height ?? 0] as [number, number],
    };
  });
}

/**
 * Saves a picture of `panel` once the page has stopped moving it: panels above it grow while a run
 * trains or pauses (the filter timeline adds snapshots), and an element shot whose box moved
 * between measuring and capturing shows the wrong part of the page.
 */
export async function panelScreenshot(
  app: { screenshot(name: string, element?: ElementHandle): Promise<string> },
  panel: ElementHandle<Element>,
  name: string,
): Promise<string> {
  await scrollUntilStill(panel);
  return app.screenshot(name, panel);
}
