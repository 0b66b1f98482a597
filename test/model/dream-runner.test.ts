// createAscentRunner / createGradientSource on a CPU backend: they start from the backend's
// parameters and follow it only when refreshed (a copy), and never change it.

import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/model/cpu-backend.ts';
import { DEFAULT_DREAM, dreamClasses } from '../../src/model/dream.ts';
import { createAscentRunner, createGradientSource } from '../../src/model/dream-runner.ts';
import { classLogits } from '../../src/model/input-gradient.ts';
import { describeNetwork } from '../../src/model/validate.ts';
import { loadModelFixture } from '../helpers/model-fixture.ts';

describe('dream runner on a CPU backend', () => {
  it('uses a copy of the parameters that refresh() takes again', async () => {
    const { spec, parameters } = loadModelFixture('lenet5-mnist');
    const description = describeNetwork(spec, 8);
    const backend = CpuBackend.create(description, { parameters });
    const runner = await createAscentRunner(backend, 10, 0);
    const source = await createGradientSource(backend, 4);
    const image = new Float32Array(784).fill(0.2);
    const before = await source.gradient(image, 1, classLogits([3], 10));
    expect(before.gradient.some((g) => g !== 0)).toBe(true);

    backend.setParameters(new Float32Array(parameters.length)); // a network of zeros
    const stale = await source.gradient(image, 1, classLogits([3], 10));
    expect(stale.gradient).toEqual(before.gradient);
    await source.refresh();
    const fresh = await source.gradient(image, 1, classLogits([3], 10));
    expect(fresh.gradient.every((g) => g === 0)).toBe(true);

    const dreamed = await dreamClasses(runner, description.input, 10, { ...DEFAULT_DREAM, steps: 20 });
    expect(Math.min(...dreamed.classProbabilities)).toBeGreaterThan(0.5); // still the trained copy
    await runner.refresh();
    const flat = await dreamClasses(runner, description.input, 10, { ...DEFAULT_DREAM, steps: 5 });
    flat.classProbabilities.forEach((p) => expect(p).toBeCloseTo(0.1, 6)); // zero logits: uniform
    expect(await backend.getParameters()).toEqual(new Float32Array(parameters.length));
    runner.destroy();
    source.destroy();
  });
});
