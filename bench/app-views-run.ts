// One measured training run of the built app for the views benchmark (app-views.ts): a fresh
// Chromium (fresh profile: no autosave to resume) opens the app, Train, a warm-up with every panel
// open (the views' engines and pipelines are made, the first test evaluation is done, then
// --warmup seconds more for the views' one-time work), then
// rounds: in each, every mode in turn (views closed, open, ...; app-rounds.ts alternation), a
// timed window each (a closed one after a settling pause; one with views from the moment the
// panels open); Pause. Reports each window's
// training images/s and long tasks, the page's long tasks (PerformanceObserver 'longtask', > 50
// ms) from Train to Pause, the long animation frames' attribution (how much of them was rendering,
// which scripts), and on the GPU backend where the device's time went in each window
// (app-device.ts). Not the CLI and no statistics (app-rounds.ts).

import type { Page } from 'puppeteer-core';
import type { ViewPanel } from '../src/ui/view-panel.ts';
import { openApp, pressButton, type AppPage } from '../test/e2e/app-harness.ts';
import { deviceShares, INSTALL_SUBMIT_HOOK, READ_SUBMITS, type SubmitRecord } from './app-device.ts';
import { summariseLongFrames, type LongFramesSummary } from './app-frames.ts';
import { describeLongScripts, recordLongScripts } from './app-scripts.ts';
import { alternation, type ViewsMode, type WindowResult } from './app-rounds.ts';
import { sleep, waitUntilTrainable } from '../test/e2e/app-views.ts';

export { VIEWS_MODES, type ViewsMode } from './app-rounds.ts';

export interface AppRunPlan {
  baseUrl: string;
  backend: 'cpu' | 'gpu';
  batch: number;
  /** Modes of each round (the order alternates between rounds). */
  modes: readonly ViewsMode[];
  rounds: number;
  /** Length of each timed window, s. */
  seconds: number;
  /** Training with every view open after the first test evaluation, before the rounds, s. */
  warmupSeconds: number;
  /** Pause after the panels close before a closed window starts, s. */
  settleSeconds: number;
  width: number;
  /** Headings of panels kept closed whatever the mode. */
  skip: readonly string[];
}

export interface AppRunResult {
  backend: 'cpu' | 'gpu';
  batch: number;
  /** The viewport of each mode, "WxH". */
  viewports: Partial<Record<ViewsMode, string>>;
  windows: WindowResult[];
  /** Long tasks from pressing Train to pressing Pause (warm-up and settling included). */
  longTasks: { count: number; maxMs: number; totalMs: number; over100: number };
  /** Long animation frames over the same time: where their time went (app-harness.ts). */
  longFrames: LongFramesSummary;
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

/** Opens or closes the panels for `mode` and sizes the viewport; returns it as "WxH". */
async function setMode(page: Page, plan: AppRunPlan, mode: ViewsMode, tallHeight: number): Promise<string> {
  const panels = await setPanels(page, mode !== 'closed', plan.skip);
  if (panels.all.length < 7)
    throw new Error(`only ${panels.all.length} view panels: ${panels.all.join(', ')}`);
  // Closed panels are short: the tall viewport costs nothing then, and changes nothing on the way back.
  await page.setViewport({ width: plan.width, height: mode === 'screen' ? 800 : tallHeight });
  await page.evaluate(() => window.scrollTo(0, 0));
  return `${plan.width}x${mode === 'screen' ? 800 : tallHeight}`;
}

/** Every panel open; the viewport grown to the page's height (twice: panels grow once they render). */
async function tallViewport(page: Page, plan: AppRunPlan): Promise<number> {
  const panels = await setPanels(page, true, plan.skip);
  console.error(`[app bench] panels: ${panels.all.join(', ')} (skipped: ${plan.skip.join(', ') || 'none'})`);
  let height = 800;
  for (let i = 0; i < 2; i++) {
    height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewport({ width: plan.width, height });
    await sleep(700);
  }
  return height;
}

async function timedWindow(app: AppPage, plan: AppRunPlan, round: number, views: ViewsMode) {
  const { page } = app;
  const start = await sample(page);
  await sleep(plan.seconds * 1000);
  const end = await sample(page);
  const submits = plan.backend === 'gpu' ? ((await page.evaluate(READ_SUBMITS)) as SubmitRecord[]) : null;
  const tasks = (await app.longTasks()).filter((t) => t.start >= start.t && t.start <= end.t);
  const seconds = (end.t - start.t) / 1000;
  const steps = end.step - start.step;
  const result: WindowResult = {
    round,
    views,
    steps,
    seconds,
    imagesPerSecond: (steps * plan.batch) / seconds,
    longTasks: tasks.length,
    device: submits && deviceShares(submits, start.t, end.t),
  };
  console.error(
    `[app bench] ${plan.backend} round ${round + 1} ${views}: ${result.imagesPerSecond.toFixed(1)} images/s`,
  );
  return { result, end: end.t };
}

export async function measureAppRun(plan: AppRunPlan): Promise<AppRunResult> {
  const app = await openApp({
    baseUrl: plan.baseUrl,
    path: query(plan),
    viewport: { width: plan.width, height: 800 },
  });
  try {
    const { page } = app;
    if (plan.backend === 'gpu') await page.evaluate(INSTALL_SUBMIT_HOOK);
    await app.waitForState((s, backend) => s.dataset.status === 'ready' && s.backend === backend, {
      arg: plan.backend,
      timeoutMs: 120_000,
    });
    await waitUntilTrainable(page);
    const tallHeight = await tallViewport(page, plan);
    await sleep(1000); // observers fire, the feeds read once, the page paints
    await app.clearLongTasks();
    await recordLongScripts(page);
    const trainAt = await page.evaluate(() => performance.now());
    await pressButton(page, 'Train');
    // Warm-up, every view open: past the first chunks (their size adapts), the views' first reads
    // (engines and pipelines made) and the first test evaluation, which on SwiftShader runs
    // ~25 s ahead of the steps in the GPU queue.
    await app.waitForState((s) => s.testAccuracy !== null && s.step >= 5, { timeoutMs: 240_000 });
    // Then the views' one-time work: each view's first read earns no rest (feeds/budget.ts
    // ReadCost), so saliency runs twice in a row and the dreams' first slices follow each other.
    await sleep(plan.warmupSeconds * 1000);
    const viewports: AppRunResult['viewports'] = {};
    const windows: WindowResult[] = [];
    let lastEnd = 0;
    for (const [round, modes] of alternation(plan.modes, plan.rounds).entries()) {
      for (const views of modes) {
        viewports[views] = await setMode(page, plan, views, tallHeight);
        // Closed: the views' reads still in flight finish first. A window with views starts as the
        // panels open, so it pays for their first reads and paints (errs against the views).
        if (views === 'closed') await sleep(plan.settleSeconds * 1000);
        const { result, end } = await timedWindow(app, plan, round, views);
        windows.push(result);
        lastEnd = end;
      }
    }
    await pressButton(page, 'Pause');
    await app.waitForState((s) => s.training === 'paused', { timeoutMs: 120_000 });
    const tasks = (await app.longTasks()).filter((t) => t.start >= trainAt && t.start <= lastEnd);
    const durations = tasks.map((t) => t.duration);
    for (const task of tasks)
      console.error(
        `[app bench] long task at t=${((task.start - trainAt) / 1000).toFixed(1)} s: ${task.duration.toFixed(0)} ms`,
      );
    for (const line of await describeLongScripts(page, trainAt, lastEnd))
      console.error(`[app bench] script ${line}`);
    const frames = (await app.longFrames()).filter((f) => f.start >= trainAt && f.start <= lastEnd);
    const state = await app.state();
    if (state.error) throw new Error(`the run failed: ${state.error}`);
    return {
      backend: plan.backend,
      batch: plan.batch,
      viewports,
      windows,
      longTasks: {
        count: tasks.length,
        maxMs: Math.max(0, ...durations),
        totalMs: durations.reduce((a, b) => a + b, 0),
        over100: durations.filter((d) => d > 100).length,
      },
      longFrames: summariseLongFrames(frames),
      trainedSeconds: (lastEnd - trainAt) / 1000,
    };
  } finally {
    await app.close();
  }
}
