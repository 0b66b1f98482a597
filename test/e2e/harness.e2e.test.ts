// The e2e harness itself, against the built app: it boots in Chromium and shows its title without
// errors at both viewports, the long-task collector sees a long task the page makes, and Chromium
// without WebGPU gets a clear banner, not a blank page. (User flows: user-flow.e2e.test.ts.)

import { afterEach, describe, expect, it } from 'vitest';
import {
  deepQueryAll,
  deepText,
  DESKTOP,
  openApp,
  PHONE,
  type AppPage,
  type LongTask,
} from './app-harness.ts';

let app: AppPage | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

describe('e2e harness: the built app', () => {
  it('boots in Chromium with its title, no errors, at 1280x800 and 390 px wide', async () => {
    app = await openApp({ viewport: DESKTOP });
    expect(await app.page.title()).toMatch(/^convscope/);
    expect(await deepText(app.page)).toContain('convscope');
    await app.page.waitForNetworkIdle({ idleTime: 300, timeout: 30_000 });
    await app.screenshot('harness-boot-1280.tmp');
    await app.page.setViewport(PHONE);
    const width = await app.page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width); // nothing forces sideways scrolling
    await app.screenshot('harness-boot-390.tmp');
    expect(app.problems).toEqual([]);
  });

  it('the long-task collector records a 120 ms task the page runs, and not a 5 ms one', async () => {
    app = await openApp();
    // Once the run is built the idle app makes no tasks of its own that could overlap the probes.
    await app.waitForState((s) => s.dataset.status === 'ready' && s.filtersStep === 0, { timeoutMs: 60_000 });
    /** Runs a task of `ms` on the page's main thread; returns when it started (page time). */
    const busy = (ms: number) =>
      app!.page.evaluate(async (ms) => {
        // A timer task, as the app's own work would be (DevTools' evaluate is not a page task).
        const started = await new Promise<number>((resolve) =>
          setTimeout(() => {
            const start = performance.now();
            while (performance.now() < start + ms) {
              // spin: one task of `ms` milliseconds on the main thread
            }
            resolve(start);
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 200)); // let the observer report
        return started;
      }, ms);
    // The app may make long tasks of its own while it starts: look for the ones made here.
    const near = (tasks: LongTask[], start: number) => tasks.filter((t) => Math.abs(t.start - start) < 10);
    const short = await busy(5);
    expect(near(await app.longTasks(), short)).toEqual([]);
    const long = await busy(120);
    const found = near(await app.longTasks(), long);
    expect(found).toHaveLength(1);
    expect(found[0].duration).toBeGreaterThanOrEqual(115);
  });

  it('without WebGPU the page shows a banner that says so, and nothing crashes', async () => {
    app = await openApp({ webgpu: false });
    await app.page.waitForSelector('pierce/[role="alert"]', { timeout: 30_000 });
    const alerts = await deepQueryAll(app.page, '[role="alert"]');
    const texts = await Promise.all(alerts.map((a) => a.evaluate((element) => element.textContent ?? '')));
    expect(texts.filter((text) => /no WebGPU|WebGPU is unavailable/i.test(text))).toHaveLength(1);
    await app.screenshot('harness-no-webgpu.tmp');
    expect(app.problems.filter((p) => p.includes('page error'))).toEqual([]);
  });
});
