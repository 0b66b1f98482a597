// concat_onehot (the CVAE op's forward and backward_input kernels) against the CPU reference in Node (Dawn)
// and headless Chromium: the shape table of test/gpu-checks/concat_onehot.ts. Per-case timings are printed
// for both environments.

import { describe, expect, it } from 'vitest';
import { CONCAT_ONEHOT_CASES } from '../gpu-checks/concat_onehot.ts';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { logCaseTimings } from './case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('concat_onehot forward and backward_input match the reference', async () => {
    const report = await expectGpuCheck(envs.get(name), 'concat_onehot');
    logCaseTimings(name, 'concat_onehot', report.cases);
    expect(report.cases.length).toBe(CONCAT_ONEHOT_CASES.length);
  });
});
