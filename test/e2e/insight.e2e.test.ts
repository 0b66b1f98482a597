// Issue 6 parts 1 and 2 in the app, as a user sees them: the "Class visualisation" panel dreams
// all ten classes (a run on demand from grey when it first shows; the pixels change between two
// reads and each card shows its class probability), "follow training" keeps dreaming while the
// network trains (the dreams' training step moves on), and the "Saliency" panel explains a drawn
// digit with three overlays. On the CPU backend (the app's default on SwiftShader): the engines
// then run in their own worker. Screenshots of both panels at 1280x800 and 390 px.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, drawStroke, openApp, pressButton, type AppPage } from './app-harness.ts';
import { find, fullPageScreenshot, screenshotName, sleep } from './app-views.ts';
import { changedFraction, panelScreenshot, readSaliency, showVizPanel, waitForDreams } from './app-viz.ts';

const LENET_CPU = '?ds=mnist&net=lenet5&opt=sgd&lr=0.05&mom=0.9&l2=0&batch=64&seed=1&backend=cpu';

describe('class visualisation and saliency panels (CPU backend)', () => {
  let app: AppPage;

  beforeAll(async () => {
    app = await openApp({ path: LENET_CPU, viewport: DESKTOP });
    await app.waitForState((s) => s.dataset.status === 'ready' && s.filtersStep === 0, { timeoutMs: 60_000 });
    await pressButton(app.page, 'Train');
    await app.waitForState((s) => s.step >= 30, { timeoutMs: 60_000 });
  });
  afterAll(() => app?.close());

  it('dreams ten classes whose pixels change between two reads, each with its probability', async () => {
    await showVizPanel(app.page, 'Class visualisation');
    const first = await waitForDreams(app.page, (d) => d.steps > 0);
    const second = await waitForDreams(app.page, (d) => d.steps >= first.steps + 4);
    const changed = first.pixels.map((p, c) => changedFraction(p, second.pixels[c]));
    console.log(
      `[e2e] dreams at ${first.steps} and ${second.steps} ascent steps: changed ${changed.map((f) => f.toFixed(2))}; ` +
        `probabilities ${second.shown.join(' ')}`,
    );
    expect(second.classes).toBe(10);
    expect(second.canvases).toBe(10);
    expect(second.shown).toHaveLength(10);
    for (const text of second.shown) expect(text).toMatch(/^\d+(\.\d)?%$/);
    second.probabilities.forEach((p, c) => {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      expect(second.shown[c]).toBe(`${(100 * p).toFixed(p >= 0.995 ? 0 : 1)}%`);
    });
    // Most classes' images change as the ascent goes on.
    expect(changed.filter((f) => f > 0.02).length).toBeGreaterThanOrEqual(8);
  });

  it('"follow training" keeps dreaming at newer training steps', async () => {
    const panel = await showVizPanel(app.page, 'Class visualisation');
    const follow = await find(panel, 'cs-dreams-view >>> .segmented button[aria-pressed="false"]');
    expect(await follow.evaluate((b) => b.textContent?.trim())).toBe('follow');
    await follow.evaluate((b) => (b as HTMLButtonElement).click()); // immune to the page moving under the mouse
    const before = await waitForDreams(app.page, (d) => d.trainingStep !== null);
    const after = await waitForDreams(
      app.page,
      (d) => (d.trainingStep ?? 0) > (before.trainingStep ?? 0) && d.steps > before.steps,
    );
    console.log(
      `[e2e] following: training step ${before.trainingStep} -> ${after.trainingStep}, ascent steps ${before.steps} -> ${after.steps}`,
    );
    expect(after.trainingStep!).toBeGreaterThan(before.trainingStep!);
    // Paused for the pictures: panels above (the filter timeline) grow while training and would move this one.
    await pressButton(app.page, 'Pause');
    await app.waitForState((s) => s.training === 'paused');
    await showVizPanel(app.page, 'Class visualisation');
    await panelScreenshot(app, panel, screenshotName('view-class-visualisation'));
  });

  it('explains a drawn digit with three overlays', async () => {
    const pad = await showVizPanel(app.page, 'Draw a digit');
    const canvas = await find(pad, 'cs-draw-pad >>> canvas.pad');
    await drawStroke(app.page, canvas, [
      [0.5, 0.15],
      [0.51, 0.5],
      [0.5, 0.85],
    ]);
    const panel = await showVizPanel(app.page, 'Saliency');
    const deadline = Date.now() + 30_000;
    let s = await readSaliency(app.page);
    while (s?.subject !== 'the drawn digit' && Date.now() < deadline) {
      await sleep(250);
      s = await readSaliency(app.page);
    }
    await sleep(1500); // the pad also announced mid-stroke: let the final drawing's maps land
    s = await readSaliency(app.page);
    console.log(`[e2e] saliency of the drawn digit: ${JSON.stringify(s)}`);
    expect(s?.subject).toBe('the drawn digit');
    expect(s!.methods).toEqual(['gradient x input', 'SmoothGrad', 'occlusion']);
    expect(s!.target).toBeGreaterThanOrEqual(0);
    expect(s!.coloured[0]).toBe(0); // the image itself, grey
    for (const fraction of s!.coloured.slice(1)) expect(fraction).toBeGreaterThan(0.01); // red / blue overlay drawn
    await panelScreenshot(app, panel, screenshotName('view-saliency'));
  });

  it("dreams the filters of lenet5's second conv layer when chosen as the target", async () => {
    // The first conv layer's mean pre-activation is linear in the pixels: its best images are plain
    // black or white. The second one's filters give textures, so that is the layer to look at.
    const panel = await showVizPanel(app.page, 'Class visualisation');
    const select = await find(panel, 'cs-dreams-view >>> select[aria-label="dream target"]');
    await select.select('2');
    const filters = await waitForDreams(app.page, (d) => d.steps >= 12 && d.shown.length === 0);
    const names = await panel.evaluate((p) =>
      [...p.querySelector('cs-dreams-view')!.shadowRoot!.querySelectorAll('.card .name')].map(
        (e) => e.textContent,
      ),
    );
    expect(filters.classes).toBe(10); // the first 10 of its 16 filters: one per row of the runner
    expect(names).toEqual(Array.from({ length: 10 }, (_, k) => `filter ${k}`));
    await panelScreenshot(app, panel, screenshotName('view-class-visualisation-filters'));
    await select.select('classes');
    await waitForDreams(app.page, (d) => d.shown.length === 10);
  });

  it('both panels fit 390 px wide', async () => {
    await fullPageScreenshot(app.page, 'app-viz-1280-full');
    await app.page.setViewport({ width: 390, height: 844 });
    await sleep(700);
    const width = await app.page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await panelScreenshot(
      app,
      await showVizPanel(app.page, 'Class visualisation'),
      screenshotName('view-class-visualisation-390'),
    );
    await panelScreenshot(app, await showVizPanel(app.page, 'Saliency'), screenshotName('view-saliency-390'));
    await app.page.setViewport(DESKTOP);
    expect(app.problems.filter((p) => /page error|console\.error/.test(p))).toEqual([]);
  });
});
