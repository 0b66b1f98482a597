// Issue 5 on the GPU backend, as far as SwiftShader allows in a test (~1 step/s at batch 8): a
// person opens a link that asks for the GPU, presses Step a few times, and the first conv layer's
// filters change on screen while the loss stays finite. Step trains one batch and starts no test
// evaluation (a 1000-image evaluation takes ~25 s on SwiftShader and would queue ahead of the
// steps). The long CPU run is user-flow.e2e.test.ts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differentPixelFraction, elementPixels, openApp, pressButton, type AppPage } from './app-harness.ts';
import { find, showPanel, sleep } from './app-views.ts';

/** SGD with momentum: three small batches visibly move the filters. */
const LENET_GPU = '?ds=mnist&net=lenet5&opt=sgd&lr=0.05&mom=0.9&l2=0&batch=8&seed=3&backend=gpu';
const STEPS = 3;

describe('a person steps lenet5 on the GPU backend (WebGPU on SwiftShader)', () => {
  let app: AppPage;

  beforeAll(async () => {
    app = await openApp({ path: LENET_GPU });
    await app.waitForState(
      (s) => s.webgpu === 'ready' && s.dataset.status === 'ready' && s.filtersStep === 0,
      {
        timeoutMs: 90_000,
      },
    );
  });
  afterAll(() => app?.close());

  it(`runs on the GPU; ${STEPS} presses of Step train ${STEPS} batches and change the conv1 filters`, async () => {
    const start = await app.state();
    expect(start.backend).toBe('gpu'); // the link chose it: no switch to the CPU on a software adapter
    const panel = await showPanel(app.page, 'Filters');
    const conv1 = () => find(panel, 'cs-filter-grid >>> section.layer[data-layer="0"] .filters');
    const before = await elementPixels(await conv1());
    for (let step = 1; step <= STEPS; step++) {
      await pressButton(app.page, 'Step');
      await app.waitForState((s, n) => s.step === n && s.training === 'paused', {
        arg: step,
        timeoutMs: 60_000,
      });
    }
    const state = await app.waitForState((s, n) => s.filtersStep === n, { arg: STEPS, timeoutMs: 30_000 });
    await sleep(300); // painted in the frame after the data arrives
    const after = await elementPixels(await conv1());
    const changed = differentPixelFraction(before, after);
    console.log(
      `[e2e] GPU: ${STEPS} steps, losses ${state.history.map((h) => h.loss.toFixed(3)).join(' ')}; ` +
        `conv1 filters ${(100 * changed).toFixed(1)}% of pixels differ`,
    );
    expect(state.history.map((h) => h.step)).toEqual([1, 2, 3]);
    for (const point of state.history) {
      expect(point.loss).toBeGreaterThan(0);
      expect(point.loss).toBeLessThan(10);
    }
    expect(changed).toBeGreaterThan(0.05);
    expect(state.error).toBeNull();
    expect(app.problems.filter((p) => /page error|console\.error/.test(p))).toEqual([]);
  });
});
