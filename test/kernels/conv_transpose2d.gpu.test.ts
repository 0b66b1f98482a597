// conv_transpose2d (conv2d's kernels with roles swapped + bias/activation epilogue) against the
// independent CPU reference in Node (Dawn) and headless Chromium: the awkward shape table of
// test/gpu-checks/conv_transpose2d.ts, two tile configurations, argument errors. Per-case timings
// are printed for both environments.

import { describe, expect, it } from 'vitest';
import { CONV_TRANSPOSE2D_CASES } from '../gpu-checks/conv_transpose2d.ts';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { logCaseTimings } from './case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('conv_transpose2d forward, backward_input, backward_weight and backward_bias match the reference', async () => {
    const report = await expectGpuCheck(envs.get(name), 'conv_transpose2d');
    logCaseTimings(name, 'conv_transpose2d', report.cases);
    expect(report.cases.length).toBe(CONV_TRANSPOSE2D_CASES.length + 1);
  });
});
