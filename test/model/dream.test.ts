// Class visualisation under the trained lenet5 (fixture: 1 epoch of MNIST on the CPU backend,
// 98.6% test accuracy; test/fixtures/models): every class's dream must reach >= 0.9 probability
// for its class, for both objectives and both starts, on the CPU runner (the GPU runner follows
// the same steps: test/gpu-checks/input_gradient.ts). Also the runner's bookkeeping.

import { describe, expect, it } from 'vitest';
import { DEFAULT_ASCENT } from '../../src/model/ascent-settings.ts';
import { CpuAscent } from '../../src/model/cpu-ascent.ts';
import {
  DEFAULT_DREAM,
  dreamClasses,
  dreamObjective,
  startImages,
  type DreamOptions,
} from '../../src/model/dream.ts';
import { describeNetwork } from '../../src/model/validate.ts';
import { loadModelFixture } from '../helpers/model-fixture.ts';

const fixture = loadModelFixture('lenet5-mnist');
const description = describeNetwork(fixture.spec, 10);

function runner(): CpuAscent {
  const r = new CpuAscent(description, 10, 0);
  r.setParameters(fixture.parameters);
  return r;
}

// 60 steps suffice here (measured: >= 0.997 after 50); the default 300 make cleaner pictures.
const variants: [string, Partial<DreamOptions>][] = [
  ['log-probability from grey (the default)', {}],
  ['class logit from noise', { objective: 'logit', start: 'noise', seed: 3 }],
];

describe('dreams of the trained lenet5', () => {
  it.each(variants)('reach >= 0.9 for every class: %s', async (name, options) => {
    const r = runner();
    const start = performance.now();
    const result = await dreamClasses(r, description.input, 10, { ...DEFAULT_DREAM, steps: 60, ...options });
    const ms = Math.round(performance.now() - start);
    console.log(
      `[dreams] ${name}: ${result.classProbabilities.map((p) => p.toFixed(4)).join(' ')} (${ms} ms)`,
    );
    expect(result.steps).toBe(60);
    result.classProbabilities.forEach((p) => expect(p).toBeGreaterThanOrEqual(0.9));
    // The images stayed in the pixel range and are not the start any more.
    const first = startImages(10, description.input, options.start ?? 'grey', options.seed ?? 0);
    expect(Math.min(...result.images)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...result.images)).toBeLessThanOrEqual(1);
    expect(result.images.some((v, i) => Math.abs(v - first[i]) > 0.3)).toBe(true);
  });

  it('starts undecided (grey) and reports progress every k steps', async () => {
    const r = runner();
    r.setObjective(dreamObjective('logit', 10, 10));
    r.setImages(startImages(10, description.input, 'grey', 0));
    const before = r.read();
    expect(Math.max(...before.probabilities)).toBeLessThan(0.9);
    const seen: number[] = [];
    await dreamClasses(
      r,
      description.input,
      10,
      { ...DEFAULT_DREAM, steps: 7 },
      { every: 3, call: (x) => seen.push(x.steps) },
    );
    expect(seen).toEqual([3, 6]);
  });

  it('are reproducible: the same seed walks the same jitter and gives the same images', async () => {
    const options = { ...DEFAULT_DREAM, steps: 5, settings: { ...DEFAULT_ASCENT, jitter: 2 } };
    const [a, b] = [
      await dreamClasses(runner(), description.input, 10, options),
      await dreamClasses(runner(), description.input, 10, options),
    ];
    expect(a.images).toEqual(b.images);
  });
});
