// The class visualisation and saliency panels on the GPU backend (WebGPU on SwiftShader, so only a
// few steps): the engines are the GPU plans bound to the trainer's live parameter buffer. The
// dreams panel shows ten images and their probabilities, and after one training step a new slice
// reflects the new parameters; the saliency panel explains test image 0 with three overlays.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, pressButton, type AppPage } from './app-harness.ts';
import { sleep } from './app-views.ts';
import { readSaliency, showVizPanel, waitForDreams } from './app-viz.ts';

const LENET_GPU = '?ds=mnist&net=lenet5&opt=sgd&lr=0.05&mom=0.9&l2=0&batch=8&seed=3&backend=gpu';

describe('class visualisation and saliency on the GPU backend (SwiftShader)', () => {
  let app: AppPage;

  beforeAll(async () => {
    app = await openApp({ path: LENET_GPU });
    await app.waitForState(
      (s) => s.webgpu === 'ready' && s.dataset.status === 'ready' && s.filtersStep === 0,
      {
        timeoutMs: 60_000,
      },
    );
  });
  afterAll(() => app?.close());

  it('dreams ten classes on the GPU, at the new parameters after a training step', async () => {
    expect((await app.state()).backend).toBe('gpu');
    await showVizPanel(app.page, 'Class visualisation');
    const first = await waitForDreams(app.page, (d) => d.steps > 0, 60_000);
    expect(first.classes).toBe(10);
    expect(first.trainingStep).toBe(0);
    for (const p of first.probabilities) expect(p).toBeGreaterThan(0);
    await pressButton(app.page, 'Step');
    await app.waitForState((s) => s.step === 1 && s.training === 'paused', { timeoutMs: 60_000 });
    await pressButton(app.page, 'restart from grey');
    const after = await waitForDreams(app.page, (d) => d.trainingStep === 1, 60_000);
    console.log(
      `[e2e] GPU dreams: step 0 ${first.steps} ascent steps, probabilities ${first.shown.join(' ')}; ` +
        `after 1 training step ${after.steps} ascent steps, ${after.shown.join(' ')}`,
    );
    expect(after.probabilities).not.toEqual(first.probabilities);
  });

  it('explains test image 0 with three overlays, on the GPU', async () => {
    await showVizPanel(app.page, 'Saliency');
    const deadline = Date.now() + 60_000;
    let s = await readSaliency(app.page);
    while (!s && Date.now() < deadline) {
      await sleep(500);
      s = await readSaliency(app.page);
    }
    console.log(`[e2e] GPU saliency: ${JSON.stringify(s)}`);
    expect(s?.subject).toBe('test image 0, a 7');
    expect(s!.methods).toEqual(['gradient x input', 'SmoothGrad', 'occlusion']);
    for (const fraction of s!.coloured.slice(1)) expect(fraction).toBeGreaterThan(0.01);
    expect(app.problems.filter((p) => /page error|console\.error/.test(p))).toEqual([]);
  });
});
