// One measured training run of the built app for the views benchmark (app-views.ts): a fresh
// Chromium (fresh profile: no autosave to resume) opens the app, every live-view panel is opened
// and the viewport made as tall as the page (all views on screen, fed and painted: the worst
// case) or every panel is closed; then Train, a warm-up until the first test evaluation is done,
// a timed window, Pause. Reports training images/s over the window and the page's long tasks
// (PerformanceObserver 'longtask', > 50 ms) from Train to Pause, and the long animation frames'
// attribution (how much of them was rendering, which scripts); on the GPU backend also where the
// device's time went over the window (app-device.ts). Not the CLI and no statistics.

import type { Page } from 'puppeteer-core';
import type { ViewPanel } from '../src/ui/view-panel.ts';
import { openApp, pressButton, type AppPage } from '../test/e2e/app-harness.ts';
import {
  deviceShares,
  INSTALL_SUBMIT_HOOK,
  READ_SUBMITS,
  type DeviceShares,
  type SubmitRecord,
} from './app-device.ts';
import { summariseLongFrames, type LongFramesSummary } from './app-frames.ts';
import { sleep, waitUntilTrainable } from '../test/e2e/app-views.ts';

/**
 * open: every panel open and the viewport as tall as the page, so all views are on screen, fed
 * and painted (the most they can cost); closed: every panel closed; screen: every panel open in a
 * 1280x800 viewport at the top of the page (what a person sees first: the filters).
 */
export type ViewsMode = 'open' | 'closed' | 'screen';
export const VIEWS_MODES: readonly ViewsMode[] = ['open', 'closed', 'screen'];

export interface AppRunPlan {
  baseUrl: string;
  backend: 'cpu' | 'gpu';
  batch: number;
  /** Length of the timed window, s. */
  seconds: number;
  views: ViewsMode;
  width: number;
  /** Headings of panels kept closed whatever the mode. */
  skip: readonly string[];
}

export interface AppRunResult {
  backend: 'cpu' | 'gpu';
  views: ViewsMode;
  batch: number;
  viewport: string;
  /** Steps finished inside the timed window and its length in s. */
  steps: number;
  seconds: number;
  imagesPerSecond: number;
  /** Long tasks from pressing Train to pressing Pause (warm-up included). */
  longTasks: { count: number; maxMs: number; totalMs: number; over100: number };
  /** Long animation frames over the same time: where their time went (app-harness.ts). */
  longFrames: LongFramesSummary;
  /** GPU backend: device time by submit label over the timed window; null on the CPU backend. */
  device: DeviceShares | null;
  trainedSeconds: number;
}

function query(plan: AppRunPlan): string {
  // SGD with momentum, as the user-flow test: a run that learns, the same every time (seed 1).
  return `?ds=mnist&net=lenet5&opt=sgd&lr=0.05&mom=0.9&l2=0&batch=${plan.batch}&seed=1&backend=${plan.backend}`;
}

/**
 * Opens or closes every view panel on the page (whatever panels the app has, not a fixed list)
 * through its title button, as a person would; panels named in `skip` are closed either way.
 * Returns the headings of the panels left open, and of all.
 */
async function setPanels(
  page: Page,
  open: boolean,
  skip: readonly string[],
): Promise<{ open: string[]; all: string[] }> {
  const all: string[] = [];
  const opened: string[] = [];
  for (const panel of await page.$$('cs-view-panel')) {
    const { heading, isOpen } = await panel.evaluate((p) => ({
      heading: (p as ViewPanel).heading,
      isOpen: (p as ViewPanel).open,
    }));
    const wanted = open && !skip.includes(heading);
    all.push(heading);
    if (wanted) opened.push(heading);
    if (isOpen === wanted) continue;
    const toggle = await panel.$('pierce/button[aria-expanded]');
    if (!toggle) throw new Error(`the "${heading}" panel has no title button`);
    await toggle.click();
  }
  // The pointer stays where a person would leave it, away from the views.
  await page.mouse.move(5, 5);
  await page.evaluate(() => window.scrollTo(0, 0));
  return { open: opened, all };
}

/** The page's clock and the steps finished, read together. */
function sample(page: Page): Promise<{ t: number; step: number }> {
  return page.evaluate(() => ({ t: performance.now(), step: window.convscope!.state().step }));
}

async function prepare(app: AppPage, plan: AppRunPlan): Promise<string> {
  const { page } = app;
  await app.waitForState((s, backend) => s.dataset.status === 'ready' && s.backend === backend, {
    arg: plan.backend,
    timeoutMs: 120_000,
  });
  await waitUntilTrainable(page);
  const panels = await setPanels(page, plan.views !== 'closed', plan.skip);
  if (panels.all.length < 7)
    throw new Error(`only ${panels.all.length} view panels: ${panels.all.join(', ')}`);
  console.error(`[app bench] panels open: ${panels.open.join(', ') || 'none'} (of ${panels.all.length})`);
  if (plan.views === 'open') {
    // Every panel on screen at once. Twice: panels grow once they render, making the page taller.
    for (let i = 0; i < 2; i++) {
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.setViewport({ width: plan.width, height });
      await sleep(700);
    }
  }
  await sleep(1000); // observers fire, the feeds read once, the page paints
  const viewport = page.viewport();
  return `${viewport?.width}x${viewport?.height}`;
}

export async function measureAppRun(plan: AppRunPlan): Promise<AppRunResult> {
  const app = await openApp({
    baseUrl: plan.baseUrl,
    path: query(plan),
    viewport: { width: plan.width, height: 800 },
  });
  try {
    if (plan.backend === 'gpu') await app.page.evaluate(INSTALL_SUBMIT_HOOK);
    const viewport = await prepare(app, plan);
    const { page } = app;
    await app.clearLongTasks();
    const trainAt = await page.evaluate(() => performance.now());
    await pressButton(page, 'Train');
    // Warm-up: past the first chunks (their size adapts) and the first test evaluation, which on
    // SwiftShader runs ~25 s ahead of the steps in the GPU queue.
    await app.waitForState((s) => s.testAccuracy !== null && s.step >= 5, { timeoutMs: 240_000 });
    await sleep(2000);
    const start = await sample(page);
    await sleep(plan.seconds * 1000);
    const end = await sample(page);
    const submits = plan.backend === 'gpu' ? ((await page.evaluate(READ_SUBMITS)) as SubmitRecord[]) : null;
    await pressButton(page, 'Pause');
    await app.waitForState((s) => s.training === 'paused', { timeoutMs: 120_000 });
    const tasks = (await app.longTasks()).filter((t) => t.start >= trainAt && t.start <= end.t);
    const seconds = (end.t - start.t) / 1000;
    const steps = end.step - start.step;
    const durations = tasks.map((t) => t.duration);
    const frames = (await app.longFrames()).filter((f) => f.start >= trainAt && f.start <= end.t);
    const state = await app.state();
    if (state.error) throw new Error(`the run failed: ${state.error}`);
    return {
      backend: plan.backend,
      views: plan.views,
      batch: plan.batch,
      viewport,
      steps,
      seconds,
      imagesPerSecond: (steps * plan.batch) / seconds,
      longTasks: {
        count: tasks.length,
        maxMs: Math.max(0, ...durations),
        totalMs: durations.reduce((a, b) => a + b, 0),
        over100: durations.filter((d) => d > 100).length,
      },
      longFrames: summariseLongFrames(frames),
      device: submits && deviceShares(submits, start.t, end.t),
      trainedSeconds: (end.t - trainAt) / 1000,
    };
  } finally {
    await app.close();
  }
}
