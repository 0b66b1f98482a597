// Standalone activation kernels against src/reference/activation.ts in Node (Dawn) and headless
// Chromium: each activation forward and backward (from the output y) on odd lengths, saturated
// inputs, and a folded 1-D grid. Per-case timings are printed for both environments.

import { describe, expect, it } from 'vitest';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { logCaseTimings } from './case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('activation forward and backward_input match the reference', async () => {
    const report = await expectGpuCheck(envs.get(name), 'activation');
    logCaseTimings(name, 'activation', report.cases);
    expect(report.cases.length).toBe(4 * 3 + 1);
    // The folded case really folded: 65_539 workgroups of 1 become 32_770 x 2.
    expect(report.cases.at(-1)?.detail).toMatch(/^grid: 32770x2x1/);
  });
});
