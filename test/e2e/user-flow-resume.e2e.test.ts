// Issue 5 section 4, as a person meets it in the built app: a reload resumes the run from its
// autosave (same step, curves and filters, pixel for pixel), Download saves a .convscope file
// that another browser opens to the same run, a corrupt file is refused with a clear message and
// the run stays as it was, a lost GPU device resumes from the last snapshot on a new device, and
// a NaN loss pauses training, names the layer and offers the last good snapshot back.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  differentPixelFraction,
  elementPixels,
  openApp,
  pressButton,
  type AppPage,
  type Pixels,
} from './app-harness.ts';
import { find, showPanel, sleep, waitUntilTrainable } from './app-views.ts';

const LENET_CPU = '?ds=mnist&net=lenet5&opt=sgd&lr=0.05&mom=0.9&l2=0&batch=32&seed=2&backend=cpu';
const FILE_INPUT = 'cs-app-shell >>> cs-train-controls >>> input[type="file"]';

/** The first conv layer's filters as drawn, once the grid shows step `step`. */
async function conv1Pixels(app: AppPage, step: number): Promise<Pixels> {
  const panel = await showPanel(app.page, 'Filters');
  await app.waitForState((s, n) => s.filtersStep === n, { arg: step, timeoutMs: 30_000 });
  await sleep(300);
  return elementPixels(await find(panel, 'cs-filter-grid >>> section.layer[data-layer="0"] .filters'));
}

async function upload(app: AppPage, path: string): Promise<void> {
  const input = (await app.page.$(FILE_INPUT)) as ElementHandle<HTMLInputElement> | null;
  if (!input) throw new Error('no checkpoint file input');
  await input.uploadFile(path);
}

describe('a CPU run is saved and restored', () => {
  let app: AppPage;
  let other: AppPage | null = null;
  const downloads = mkdtempSync(join(tmpdir(), 'convscope-e2e-downloads-'));
  let savedStep = 0;
  let savedFilters: Pixels;

  beforeAll(async () => {
    app = await openApp({ path: LENET_CPU });
    await app.waitForState((s) => s.dataset.status === 'ready' && s.filtersStep === 0, { timeoutMs: 60_000 });
    await pressButton(app.page, 'Train');
    await app.waitForState((s) => s.step >= 30, { timeoutMs: 60_000 });
    await pressButton(app.page, 'Pause');
    const saved = await app.waitForState(
      (s) => s.training === 'paused' && s.autosave.savedStep === s.step && s.autosave.savedStep !== null,
      { timeoutMs: 30_000 },
    );
    savedStep = saved.step;
  });
  afterAll(async () => {
    await other?.close();
    await app?.close();
    rmSync(downloads, { recursive: true, force: true });
  });

  it('a reload resumes the run from the autosave: same step, curves and filters', async () => {
    const before = await app.state();
    savedFilters = await conv1Pixels(app, savedStep);
    await app.page.reload({ waitUntil: 'load' });
    const resumed = await app.waitForState((s) => s.restoredFrom === 'autosave', { timeoutMs: 60_000 });
    expect(resumed.step).toBe(savedStep);
    expect(resumed.history).toEqual(before.history);
    expect(resumed.notices.some((n) => n.startsWith(`Resumed from step ${savedStep}`))).toBe(true);
    expect(differentPixelFraction(savedFilters, await conv1Pixels(app, savedStep))).toBe(0);
    await waitUntilTrainable(app.page);
    await pressButton(app.page, 'Step');
    const stepped = await app.waitForState((s, n) => s.step === n + 1, { arg: savedStep, timeoutMs: 30_000 });
    expect(stepped.error).toBeNull();
    savedStep = stepped.step;
  });

  it('Download saves a .convscope file that another browser opens as the same run', async () => {
    const cdp = await app.page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    await app.waitForState((s, n) => s.autosave.savedStep === n, { arg: savedStep, timeoutMs: 30_000 });
    savedFilters = await conv1Pixels(app, savedStep);
    await pressButton(app.page, 'Download');
    let files: string[] = [];
    for (let i = 0; i < 100 && files.length === 0; i++) {
      await sleep(100);
      files = readdirSync(downloads).filter((f) => f.endsWith('.convscope'));
    }
    expect(files).toEqual([`convscope-lenet5-mnist-step${savedStep}.convscope`]);

    other = await openApp({ path: '?ds=mnist&net=lenet5&backend=cpu' });
    await other.waitForState((s) => s.dataset.status === 'ready' && s.filtersStep === 0, {
      timeoutMs: 60_000,
    });
    await upload(other, join(downloads, files[0]));
    const opened = await other.waitForState((s) => s.restoredFrom === 'upload', { timeoutMs: 30_000 });
    expect(opened.step).toBe(savedStep);
    expect(opened.notices.some((n) => n.startsWith(`Opened ${files[0]}`))).toBe(true);
    expect(new URL(other.page.url()).searchParams.get('batch')).toBe('32'); // the file's run, in the URL
    expect(differentPixelFraction(savedFilters, await conv1Pixels(other, savedStep))).toBe(0);
  });

  it('a corrupt file is refused with a clear message and the run stays as it was', async () => {
    const good = readFileSync(join(downloads, `convscope-lenet5-mnist-step${savedStep}.convscope`));
    const bad = Buffer.from(good);
    bad[Math.floor(bad.length / 2)] ^= 0x5a; // one byte in the weights
    const badPath = join(downloads, 'damaged.convscope');
    writeFileSync(badPath, bad);
    const page = other!;
    await upload(page, badPath);
    const refused = await page.waitForState((s) => s.error !== null, { timeoutMs: 30_000 });
    console.log(`[e2e] corrupt upload: ${refused.error}`);
    expect(refused.error).toMatch(/damaged\.convscope/);
    expect(refused.error).toMatch(/checksum|CRC|corrupt|damaged/i);
    expect(refused.step).toBe(savedStep);
    expect(refused.restoredFrom).toBe('upload');
    expect(differentPixelFraction(savedFilters, await conv1Pixels(page, savedStep))).toBe(0);
    await pressButton(page.page, 'Step');
    const stepped = await page.waitForState((s, n) => s.step === n + 1, {
      arg: savedStep,
      timeoutMs: 30_000,
    });
    expect(Number.isFinite(stepped.history.at(-1)!.loss)).toBe(true);
    expect([...app.problems, ...page.problems].filter((p) => /page error/.test(p))).toEqual([]);
  });
});

describe('a GPU run whose device is lost', () => {
  it('resumes from its last snapshot on a new device and trains on', async () => {
    const app = await openApp({ path: '?ds=mnist&net=lenet5&opt=sgd&lr=0.05&batch=8&seed=1&backend=gpu' });
    try {
      await app.waitForState(
        (s) => s.webgpu === 'ready' && s.dataset.status === 'ready' && s.filtersStep === 0,
        {
          timeoutMs: 90_000,
        },
      );
      for (let step = 1; step <= 2; step++) {
        await pressButton(app.page, 'Step');
        await app.waitForState((s, n) => s.step === n, { arg: step, timeoutMs: 60_000 });
      }
      await app.waitForState((s) => s.autosave.savedStep === 2, { timeoutMs: 30_000 });
      expect(await app.page.evaluate(() => window.convscope!.loseDevice())).toBe(true);
      const resumed = await app.waitForState(
        (s) => s.gpuDevices === 2 && s.notices.some((n) => n.includes('Resumed from the snapshot')),
        { timeoutMs: 90_000 },
      );
      expect(resumed.backend).toBe('gpu');
      expect(resumed.step).toBe(2);
      expect(resumed.notices.find((n) => n.startsWith('The GPU device was lost'))).toMatch(
        /at step 2\. Resumed from the snapshot at step 2 on a new device/,
      );
      await waitUntilTrainable(app.page);
      await pressButton(app.page, 'Step');
      const after = await app.waitForState((s) => s.step === 3, { timeoutMs: 60_000 });
      expect(Number.isFinite(after.history.at(-1)!.loss)).toBe(true);
      expect(after.error).toBeNull();
    } finally {
      await app.close();
    }
  });
});

describe('a learning rate far too large', () => {
  it('pauses on a NaN loss, names the layer, and gives the last good snapshot back', async () => {
    // lenet5 without its ReLUs: a linear network, which SGD at lr 1 blows up within a few steps.
    const app = await openApp({
      path: '?ds=mnist&net=c5x6p2.m2.c5x16.m2.f120.f84.k10&opt=sgd&lr=1&mom=0.9&batch=16&seed=1&backend=cpu',
    });
    try {
      await app.waitForState((s) => s.dataset.status === 'ready' && s.filtersStep === 0, {
        timeoutMs: 60_000,
      });
      await pressButton(app.page, 'Train');
      const stopped = await app.waitForState(
        (s) =>
          s.training === 'paused' &&
          s.notices.some((n) => /^The loss became .* by step \d+.*layer \d+ \(/.test(n)),
        { timeoutMs: 60_000 },
      );
      const notice = stopped.notices.find((n) => n.startsWith('The loss became'))!;
      console.log(`[e2e] NaN notice: ${notice}`);
      expect(notice).toMatch(/^The loss became (NaN|-?Infinity) by step \d+/);
      expect(notice).toMatch(/: layer \d+ \((conv|fc|pool|max|avg)[^)]*\): /); // names the layer
      // The notice's own button, labelled with the step it goes back to.
      const found = await app.page.waitForFunction(
        () =>
          [...(document.querySelector('cs-app-shell')?.shadowRoot?.querySelectorAll('button') ?? [])].find(
            (b) => b.textContent?.trim().startsWith('Restore step'),
          ),
        { polling: 100, timeout: 30_000 },
      );
      const restore = found.asElement() as ElementHandle<HTMLButtonElement>;
      const label = await restore.evaluate((b) => b.textContent!.trim());
      const target = Number(/^Restore step (\d+)$/.exec(label)![1]);
      expect(target).toBeLessThan(stopped.step);
      await restore.click();
      const back = await app.waitForState((s, n) => s.step === n, { arg: target, timeoutMs: 30_000 });
      expect(back.notices.some((n) => n.startsWith('The loss became'))).toBe(false);
      expect(back.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    } finally {
      await app.close();
    }
  });
});
