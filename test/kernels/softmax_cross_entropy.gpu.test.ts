// softmax_cross_entropy (loss, probs, correct and dLogits in one dispatch) against the reference
// in Node (Dawn) and headless Chromium: small and large logits, ties, a bad label, odd batches.
// Per-case timings are printed for both environments.

import { describe, expect, it } from 'vitest';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { logCaseTimings } from './case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('softmax_cross_entropy matches the reference', async () => {
    const report = await expectGpuCheck(envs.get(name), 'softmax_cross_entropy');
    logCaseTimings(name, 'softmax_cross_entropy', report.cases);
    expect(report.cases.length).toBe(7);
  });
});
