// Issue 5, a person's mistakes in the built app: a shared link whose network is invalid (a 30x30
// kernel on a 28x28 image) opens anyway; the layer editor holds that network with the error
// beside the offending layer, a notice says what was used instead, and the default network still
// trains. (An invalid edit made while training: user-flow.e2e.test.ts.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepText, openApp, pressButton, type AppPage } from './app-harness.ts';
import { screenshotName } from './app-views.ts';

describe('a link with an invalid network', () => {
  let app: AppPage;

  beforeAll(async () => {
    app = await openApp({ path: '?ds=mnist&net=c30x6r.m2.k10&opt=sgd&lr=0.05&batch=16&backend=cpu' });
    await app.waitForState(
      (s) => s.dataset.status === 'ready' && s.spec.error !== null && s.filtersStep === 0,
      {
        timeoutMs: 60_000,
      },
    );
  });
  afterAll(() => app?.close());

  it('shows the error beside layer 1 in the editor and a notice naming what was used instead', async () => {
    const state = await app.state();
    expect(state.spec.layers).toBe(3); // the editor holds the link's network, to fix
    expect(state.spec.error).toMatch(/30x30 kernel is larger than its 28x28 input/);
    const rows = await app.page.$$('cs-app-shell >>> cs-layer-editor >>> li');
    const problems = await Promise.all(
      rows.map((row) =>
        row.evaluate((li) => [...li.querySelectorAll('.problem')].map((p) => p.textContent?.trim())),
      ),
    );
    expect(problems).toEqual([[state.spec.error], [], []]); // beside the first layer only
    const text = await deepText(app.page);
    expect(text).toMatch(/net=c30x6r\.m2\.k10 was ignored: .*30x30 kernel.*; using lenet5/);
    await app.screenshot(screenshotName('invalid-link-1280x800'));
  });

  it('the network in use (lenet5) still trains, and nothing crashed', async () => {
    await pressButton(app.page, 'Step');
    const state = await app.waitForState((s) => s.step === 1 && s.history.length === 1, {
      timeoutMs: 30_000,
    });
    expect(state.history[0].loss).toBeGreaterThan(1.5); // one batch of an untrained net: about ln 10
    expect(state.history[0].loss).toBeLessThan(4);
    expect(state.error).toBeNull();
    expect(app.problems.filter((p) => /page error|console\.error/.test(p))).toEqual([]);
  });
});
