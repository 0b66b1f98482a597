// bce_logits (the CVAE op's forward and backward_input kernels) against the CPU reference in Node (Dawn)
// and headless Chromium: the shape table of test/gpu-checks/bce_logits.ts. Per-case timings are printed
// for both environments.

import { describe, expect, it } from 'vitest';
import { BCE_LOGITS_CASES } from '../gpu-checks/bce_logits.ts';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { logCaseTimings } from './case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('bce_logits forward and backward_input match the reference', async () => {
    const report = await expectGpuCheck(envs.get(name), 'bce_logits');
    logCaseTimings(name, 'bce_logits', report.cases);
    expect(report.cases.length).toBe(BCE_LOGITS_CASES.length);
  });
});
