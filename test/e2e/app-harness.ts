// The end-to-end harness: opens the built app (served by global-setup.ts) in Debian's Chromium,
// with or without WebGPU, at a chosen viewport; collects long tasks and long animation frames
// (with where their time went) with PerformanceObservers installed before any app script runs;
// reads the app's test hook (window.convscope.state(), src/app/test-hook.ts); queries through
// shadow roots; saves screenshots under test/e2e/screenshots/ and compares element pixels.
// Not a test: *.e2e.test.ts files use it.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { ElementHandle, Page } from 'puppeteer-core';
import { inject } from 'vitest';
import type { AppTestState } from '../../src/app/test-hook.ts';
import { forwardConsole, launchChromium, REPO_ROOT, type LaunchedChromium } from '../helpers/browser.ts';

export const SCREENSHOT_DIR = join(REPO_ROOT, 'test/e2e/screenshots');

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = {
  width: 390,
  height: 844,
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 1,
} as const;

export interface LongTask {
  start: number;
  duration: number;
}

/**
 * A long animation frame (PerformanceObserver 'long-animation-frame', > 50 ms), split into where
 * its time went: scripts (by source), and the rendering at its end (style, layout, paint...).
 */
export interface LongFrame {
  start: number;
  duration: number;
  /** From the start of rendering (rAF callbacks, style, layout, paint) to the frame's end, ms. */
  renderMs: number;
  /** Style and layout at the end of the frame, ms. */
  styleAndLayoutMs: number;
  /** Scripts that ran in the frame, longest first: "invoker (source:function)" and ms. */
  scripts: { name: string; ms: number; forcedLayoutMs: number }[];
}

export interface OpenAppOptions {
  /** The app's base URL, ending in '/'; default: the e2e project's server (global-setup.ts). */
  baseUrl?: string;
  /** Path and query under the app's base URL, e.g. '?net=lenet5&backend=cpu' (default ''). */
  path?: string;
  /** false: Chromium without --enable-unsafe-webgpu, so the app finds no adapter. */
  webgpu?: boolean;
  viewport?: { width: number; height: number; isMobile?: boolean; hasTouch?: boolean };
  /** Puppeteer's limit on one protocol call, ms. */
  protocolTimeoutMs?: number;
}

export interface AppPage {
  readonly page: Page;
  readonly chromium: LaunchedChromium;
  /** Console errors/warnings, page errors and failed requests so far. */
  readonly problems: string[];
  state(): Promise<AppTestState>;
  /**
   * Waits until `check(state(), arg)` holds. `check` runs in the page, so it must not use
   * variables of the test: pass them as `arg` (JSON).
   */
  waitForState<A = undefined>(
    check: (state: AppTestState, arg: A) => boolean,
    options?: { arg?: A; timeoutMs?: number },
  ): Promise<AppTestState>;
  /** Long tasks (> 50 ms on the main thread) since the page loaded or the last clearLongTasks(). */
  longTasks(): Promise<LongTask[]>;
  /** Long animation frames (> 50 ms) over the same time; [] where Chromium has none. */
  longFrames(): Promise<LongFrame[]>;
  /** Forgets the long tasks and long frames seen so far. */
  clearLongTasks(): Promise<void>;
  /** Saves test/e2e/screenshots/<name>.png (a name ending in .tmp is git-ignored). */
  screenshot(name: string, element?: ElementHandle): Promise<string>;
  close(): Promise<void>;
}

/**
 * Runs in the page before its scripts: records every long task from the start, and every long
 * animation frame with where its time went (Chromium's attribution for long tasks).
 */
function installLongTaskObserver(): void {
  const tasks: LongTask[] = [];
  const frames: LongFrame[] = [];
  const page = window as unknown as { __convscopeLongTasks: LongTask[]; __convscopeLongFrames: LongFrame[] };
  page.__convscopeLongTasks = tasks;
  page.__convscopeLongFrames = frames;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  interface ScriptTiming {
    invoker: string;
    sourceURL: string;
    sourceFunctionName: string;
    duration: number;
    forcedStyleAndLayoutDuration: number;
  }
  interface FrameTiming extends PerformanceEntry {
    renderStart: number;
    styleAndLayoutStart: number;
    scripts: ScriptTiming[];
  }
  if (!PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) return;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as FrameTiming[]) {
      const end = entry.startTime + entry.duration;
      frames.push({
        start: entry.startTime,
        duration: entry.duration,
        renderMs: entry.renderStart > 0 ? end - entry.renderStart : 0,
        styleAndLayoutMs: entry.styleAndLayoutStart > 0 ? end - entry.styleAndLayoutStart : 0,
        scripts: entry.scripts
          .map((s) => ({
            name: `${s.invoker} (${s.sourceURL.split('/').pop()}:${s.sourceFunctionName})`,
            ms: s.duration,
            forcedLayoutMs: s.forcedStyleAndLayoutDuration,
          }))
          .sort((a, b) => b.ms - a.ms),
      });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
}

export async function openApp(options: OpenAppOptions = {}): Promise<AppPage> {
  const baseUrl = options.baseUrl ?? inject('e2eBaseUrl');
  const chromium = await launchChromium({
    webgpu: options.webgpu ?? true,
    protocolTimeoutMs: options.protocolTimeoutMs ?? 600_000,
  });
  const problems: string[] = [];
  try {
    const page = await chromium.browser.newPage();
    forwardConsole(page, problems);
    await page.setViewport(options.viewport ?? DESKTOP);
    await page.evaluateOnNewDocument(installLongTaskObserver);
    await page.goto(new URL(options.path ?? '', baseUrl).href, { waitUntil: 'load' });
    return appPage(page, chromium, problems);
  } catch (error) {
    await chromium.close();
    throw error;
  }
}

function appPage(page: Page, chromium: LaunchedChromium, problems: string[]): AppPage {
  const readState = () =>
    page.evaluate(() => {
      const hook = window.convscope;
      if (!hook) throw new Error('the app has no window.convscope test hook (src/app/test-hook.ts)');
      return hook.state();
    });
  return {
    page,
    chromium,
    problems,
    state: readState,
    async waitForState(check, options = {}) {
      const arg = JSON.stringify(options.arg ?? null);
      const test = `window.convscope !== undefined && (${check.toString()})(window.convscope.state(), ${arg})`;
      await page.waitForFunction(test, { timeout: options.timeoutMs ?? 60_000, polling: 250 });
      return readState();
    },
    longTasks: () =>
      page.evaluate(() =>
        (window as unknown as { __convscopeLongTasks: LongTask[] }).__convscopeLongTasks.slice(),
      ),
    longFrames: () =>
      page.evaluate(() =>
        (window as unknown as { __convscopeLongFrames: LongFrame[] }).__convscopeLongFrames.slice(),
      ),
    clearLongTasks: () =>
      page.evaluate(() => {
        const recorded = window as unknown as {
          __convscopeLongTasks: LongTask[];
          __convscopeLongFrames: LongFrame[];
        };
        recorded.__convscopeLongTasks.length = 0;
        recorded.__convscopeLongFrames.length = 0;
      }),
    async screenshot(name, element) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`) as `${string}.png`;
      await (element ?? page).screenshot({ path });
      return path;
    },
    close: () => chromium.close(),
  };
}

/** Elements matching `selector` in the document or any shadow root (puppeteer's pierce/ handler). */
export function deepQueryAll(page: Page, selector: string): Promise<ElementHandle[]> {
  return page.$$(`pierce/${selector}`);
}

/** Visible text of the page including every shadow root, in document order. */
export function deepText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts: string[] = [];
    const walk = (root: Node) => {
      for (const node of Array.from(root.childNodes)) {
        if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
        if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
        if (!(node instanceof HTMLStyleElement) && !(node instanceof HTMLScriptElement)) walk(node);
      }
    };
    walk(document.body);
    return parts.join(' ').replace(/\s+/g, ' ').trim();
  });
}

export interface Pixels {
  width: number;
  height: number;
  /** RGBA, row-major. */
  data: Uint8Array;
}

/** The element as rendered on screen (works for 2D and WebGPU canvases alike). */
export async function elementPixels(element: ElementHandle): Promise<Pixels> {
  const png = PNG.sync.read(Buffer.from(await element.screenshot({ type: 'png' })));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

/** Fraction of pixels whose RGB differs by more than `tolerance` in any channel. */
export function differentPixelFraction(a: Pixels, b: Pixels, tolerance = 8): number {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`differentPixelFraction: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  }
  let different = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    const d = Math.max(
      Math.abs(a.data[i] - b.data[i]),
      Math.abs(a.data[i + 1] - b.data[i + 1]),
      Math.abs(a.data[i + 2] - b.data[i + 2]),
    );
    if (d > tolerance) different++;
  }
  return different / (a.width * a.height);
}

/** Clicks the button whose accessible name is `name` (anywhere, shadow roots included). */
export async function pressButton(page: Page, name: string, timeoutMs = 30_000): Promise<void> {
  const button = await page.waitForSelector(`::-p-aria(${name}[role="button"])`, { timeout: timeoutMs });
  if (!button) throw new Error(`no button named "${name}"`);
  await button.click();
}

/** Drags the mouse through `points` (fractions 0..1 of the element's box), as a person drawing. */
export async function drawStroke(
  page: Page,
  element: ElementHandle,
  points: [number, number][],
): Promise<void> {
  const box = await element.boundingBox();
  if (!box) throw new Error('drawStroke: the element is not visible');
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const point of points.slice(1)) await page.mouse.move(...at(point), { steps: 4 });
  await page.mouse.up();
}
