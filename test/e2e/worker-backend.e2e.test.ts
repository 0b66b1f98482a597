// The CPU worker backend, autosave and checkpoint files in real Chromium (test page
// test/e2e/pages/worker.html on the Vite dev server): the worker follows the in-page CpuBackend
// exactly, reports worker-side errors, and trains lenet5 with no long task on the page while
// the same steps in the page make one; the Autosaver survives a reload in real IndexedDB and
// reports a real quota failure; a checkpoint downloads byte for byte; a damaged upload is refused.

import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { forwardConsole, startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';
import { WORKER_PAGE } from './global-setup.ts';
import { sampleCheckpointBytes } from '../app/sample-checkpoint.ts';
import type { WorkerTestApi } from './pages/worker-api.ts';

const PAGE = WORKER_PAGE;
let harness: BrowserHarness;
let page: Page;
const files = mkdtempSync(join(tmpdir(), 'convscope-e2e-files-'));

/** Calls window.convscopeWorkerTests[method](...args) in the page. */
function call<K extends keyof WorkerTestApi>(
  method: K,
  ...args: Parameters<WorkerTestApi[K]>
): Promise<Awaited<ReturnType<WorkerTestApi[K]>>> {
  return page.evaluate(
    (method, args) => (window.convscopeWorkerTests![method] as (...a: unknown[]) => unknown)(...args),
    method,
    args,
  ) as Promise<Awaited<ReturnType<WorkerTestApi[K]>>>;
}

async function openPage(): Promise<void> {
  await page.waitForFunction(() => window.convscopeWorkerTests !== undefined, { timeout: 30_000 });
}

beforeAll(async () => {
  harness = await startBrowserHarness({ pages: [PAGE] });
  page = await harness.open(PAGE);
  await openPage();
});

afterAll(async () => {
  await harness?.close();
  rmSync(files, { recursive: true, force: true });
});

describe('WorkerCpuBackend in Chromium', () => {
  it('follows the in-page CpuBackend exactly over 3 SGD and 3 Adam steps', async () => {
    const result = await call('compare');
    expect(result.worker).toEqual(result.page);
    expect(result.worker.map((m) => [m.steps, m.examples])).toEqual(Array(6).fill([1, 4]));
    expect(result.worker.every((m) => m.lossSum > 0 && Number.isFinite(m.lossSum))).toBe(true);
    expect(result).toMatchObject({
      parametersEqual: true,
      optimizerStateEqual: true,
      evaluationEqual: true,
      probeEqual: true,
    });
    expect(harness.problems).toEqual([]);
  });

  it("rejects the next awaited call with the worker's error message", async () => {
    expect(await call('deferredError')).toBe(
      'setEpochOrder: not a permutation of 0..8 (entry 2); use epochPermutation',
    );
  });

  it('trains lenet5 without a long task on the page; the same steps in the page make one', async () => {
    const worker = await call('trainLenet', 'worker', 64 * 4, 4);
    const inPage = await call('trainLenet', 'page', 64 * 4, 4);
    console.log(
      `[worker] lenet5 4 steps of 64: worker ${Math.round(worker.trainMs)} ms, page ${Math.round(inPage.trainMs)} ms; ` +
        `setData ${worker.setDataMs.toFixed(1)} ms; long tasks: worker ${JSON.stringify(worker.longTasks)}, ` +
        `page ${JSON.stringify(inPage.longTasks.map((t) => Math.round(t.duration)))}`,
    );
    expect(worker.metrics).toEqual(inPage.metrics);
    expect(worker.metrics.steps).toBe(4);
    expect(worker.longTasks).toEqual([]);
    expect(inPage.longTasks.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...inPage.longTasks.map((t) => t.duration))).toBeGreaterThan(50);
  });

  it('posts a full MNIST-sized dataset (60000 images) to the worker', async () => {
    const run = await call('trainLenet', 'worker', 60000, 1);
    console.log(`[worker] setData of 60000 28x28 images: ${run.setDataMs.toFixed(1)} ms until it returned`);
    expect(run.metrics).toMatchObject({ steps: 1, examples: 64 });
    expect(run.longTasks).toEqual([]);
    expect(run.setDataLongTasks).toEqual([]);
  });
});

describe('WorkerCpuBackend in the production build (vite build + vite preview)', () => {
  it('the bundled worker follows CpuBackend and trains lenet5 without long tasks', async () => {
    const main = page;
    page = await harness.browser.newPage();
    forwardConsole(page, harness.problems);
    try {
      await page.goto(new URL(PAGE, inject('e2eBaseUrl')).href, { waitUntil: 'load' });
      await openPage();
      expect(await call('compare')).toMatchObject({
        parametersEqual: true,
        evaluationEqual: true,
        probeEqual: true,
      });
      const run = await call('trainLenet', 'worker', 64 * 3, 3);
      expect(run.metrics.steps).toBe(3);
      expect([...run.setDataLongTasks, ...run.longTasks]).toEqual([]);
      expect(harness.problems).toEqual([]);
    } finally {
      await page.close();
      page = main;
    }
  });
});

describe('Autosaver over IndexedDB in Chromium', () => {
  it('survives a reload, then clears', async () => {
    expect(await call('autosave', 5)).toEqual({ status: 'saved', bytes: sampleCheckpointBytes(5).length });
    await page.reload({ waitUntil: 'load' });
    await openPage();
    expect(await call('autoload')).toEqual({
      status: 'restored',
      message: null,
      step: 5,
      config: { preset: 'tiny' },
      history: [5],
      bytes: sampleCheckpointBytes(5).length,
    });
    expect((await call('autoclear')).status).toBe('saved');
    expect((await call('autoload')).status).toBe('empty');
  });

  it('a full quota gives a failed save with a clear message, and the page goes on', async () => {
    // A fresh browser context: Chromium applies a quota override to storage opened after it.
    const context = await harness.browser.createBrowserContext();
    const main = page;
    try {
      page = await context.newPage();
      const client = await page.createCDPSession();
      await client.send('Storage.overrideQuotaForOrigin', {
        origin: new URL(harness.baseUrl).origin,
        quotaSize: 1000,
      });
      await page.goto(new URL(PAGE, harness.baseUrl).href, { waitUntil: 'load' });
      await openPage();
      const outcome = await call('autosave', 6);
      expect(outcome).toEqual({
        status: 'failed',
        message: expect.stringContaining("the browser's storage for this site is full"),
      });
      expect(await call('autoload')).toMatchObject({ status: 'empty' });
      expect(await call('compare')).toMatchObject({ parametersEqual: true }); // the page goes on
    } finally {
      page = main;
      await context.close();
    }
  });
});

describe('checkpoint files in Chromium', () => {
  it('downloads the checkpoint byte for byte under its file name', async () => {
    const client = await page.createCDPSession();
    await client.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: files });
    const { fileName } = await call('download', 9);
    expect(fileName).toBe('convscope-tiny-synthetic-step9.convscope');
    const path = join(files, fileName);
    for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 100));
    expect(new Uint8Array(readFileSync(path))).toEqual(sampleCheckpointBytes(9));
  });

  it('refuses a truncated upload with a clear message and opens a sound one', async () => {
    const input = (await page.$('input#upload'))!;
    const bytes = sampleCheckpointBytes(3);
    const broken = join(files, 'broken.convscope');
    writeFileSync(broken, bytes.subarray(0, bytes.length - 100));
    await input.uploadFile(broken);
    const refused = await call('uploadResult');
    expect(refused).toMatchObject({ status: 'refused', applied: 0 });
    expect(refused.message).toMatch(
      /^Could not open broken\.convscope: checkpoint: the file has \d+ bytes, its header says \d+: it was cut off/,
    );
    const sound = join(files, 'sound.convscope');
    writeFileSync(sound, bytes);
    await input.uploadFile(sound);
    expect(await call('uploadResult')).toMatchObject({ status: 'opened', step: 3, applied: 1 });
  });
});
