// Headless Chromium for GPU tests: a Vite dev server on 127.0.0.1 (a secure origin, so navigator.gpu
// exists) serving the repo, and Debian's /usr/bin/chromium driven by puppeteer-core. Browser console
// errors and page errors are forwarded to the test output. launchChromium and forwardConsole are
// also used on their own (the e2e harness serves the built app instead). Not a test runner.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type ConsoleMessage, type Page } from 'puppeteer-core';
import { createServer, type ViteDevServer } from 'vite';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

/** The flags that give WebGPU on SwiftShader here (Chromium 156, Debian 12, no GPU). */
export const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface BrowserHarness {
  /** Base URL of the Vite server, ending in '/'. */
  readonly baseUrl: string;
  readonly browser: Browser;
  /** Console errors/warnings and page errors seen so far, in order. */
  readonly problems: string[];
  /** Opens `path` (relative to the repo root) in a new tab that forwards its console. */
  open(path: string): Promise<Page>;
  close(): Promise<void>;
}

function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** Extra flags from CHROMIUM_FLAGS, e.g. the SwiftShader/Vulkan set when a machine needs it. */
function extraFlags(): string[] {
  return (process.env.CHROMIUM_FLAGS ?? '').split(/\s+/).filter(Boolean);
}

/** Additions for other pages than the test page (the benchmark page uses all three). */
export interface BrowserHarnessOptions {
  /** Pages whose imports Vite pre-bundles at start, so it never re-bundles and reloads mid-run. */
  pages?: string[];
  /** Chromium flags added after CHROMIUM_FLAGS. */
  extraArgs?: string[];
  /** Puppeteer's limit on one page.evaluate in ms (its default, 180 s, is short for benchmarks). */
  protocolTimeoutMs?: number;
}

const DEFAULT_PAGES = ['index.html', 'test/browser/index.html'];

async function startVite(pages: string[]): Promise<ViteDevServer> {
  const server = await createServer({
    root: REPO_ROOT,
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
    // Scan the pages up front so Vite never re-bundles dependencies (and reloads) mid-test.
    optimizeDeps: { entries: pages },
  });
  await server.listen();
  return server;
}

/** Records console errors/warnings, page errors and failed requests of `page` (and prints them). */
export function forwardConsole(page: Page, problems: string[]): void {
  const record = (line: string) => {
    problems.push(line);
    console.error(line);
  };
  page.on('console', (message: ConsoleMessage) => {
    const type = message.type();
    if (type === 'error' || type === 'warn') record(`[chromium console.${type}] ${message.text()}`);
  });
  page.on('pageerror', (error) =>
    record(`[chromium page error] ${error instanceof Error ? error.stack : error}`),
  );
  page.on('requestfailed', (request) => record(`[chromium request failed] ${request.url()}`));
}

export interface ChromiumOptions {
  /** Chromium flags added after CHROMIUM_FLAGS. */
  extraArgs?: string[];
  /** false: leave out --enable-unsafe-webgpu, so the page finds no adapter (the no-WebGPU case). */
  webgpu?: boolean;
  protocolTimeoutMs?: number;
}

export interface LaunchedChromium {
  readonly browser: Browser;
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

/** Debian's Chromium with the flags above and a fresh profile (so IndexedDB starts empty). */
export async function launchChromium(options: ChromiumOptions = {}): Promise<LaunchedChromium> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'convscope-chromium-'));
  const base =
    options.webgpu === false ? CHROMIUM_FLAGS.filter((f) => f !== '--enable-unsafe-webgpu') : CHROMIUM_FLAGS;
  try {
    const browser = await puppeteer.launch({
      executablePath: chromiumPath(),
      headless: true,
      userDataDir,
      args: [...base, ...(options.extraArgs ?? []), ...extraFlags()],
      protocolTimeout: options.protocolTimeoutMs,
    });
    return {
      browser,
      async close() {
        await browser.close();
        rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new Error(`could not launch ${chromiumPath()} (set CHROMIUM_PATH to another Chromium): ${error}`);
  }
}

export async function startBrowserHarness(options: BrowserHarnessOptions = {}): Promise<BrowserHarness> {
  const server = await startVite(options.pages ?? DEFAULT_PAGES);
  const baseUrl = server.resolvedUrls?.local[0];
  if (!baseUrl) throw new Error('Vite started but reported no local URL');
  let chromium: LaunchedChromium;
  try {
    chromium = await launchChromium(options);
  } catch (error) {
    await server.close();
    throw error;
  }
  const { browser } = chromium;
  const problems: string[] = [];
  return {
    baseUrl,
    browser,
    problems,
    async open(path) {
      const page = await browser.newPage();
      forwardConsole(page, problems);
      await page.goto(new URL(path, baseUrl).href, { waitUntil: 'load' });
      return page;
    },
    async close() {
      await chromium.close();
      await server.close();
    },
  };
}
