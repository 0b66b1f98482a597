// The conv2d kernels (all four passes) and split_sum against the CPU reference in Node (Dawn) and
// headless Chromium: the awkward shape table of test/gpu-checks/conv2d_cases.ts, three tile
// configurations, one and several split-K chunks, folded grids, both backward_input paths (implicit
// GEMM, Winograd), run-to-run bit identity, and
// split_sum's fixed order of addition. Per-case timings are printed for both environments.

import { describe, expect, it } from 'vitest';
import { CONV2D_CASES, DETERMINISM_CASES } from '../gpu-checks/conv2d_cases.ts';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('conv2d forward, backward_input, backward_weight and backward_bias match the reference', async () => {
    const report = await expectGpuCheck(envs.get(name), 'conv2d');
    console.log(report.cases.map((c) => `[${name}] ${c.ms} ms  ${c.label}`).join('\n'));
    // Every table case, the determinism cases and the argument-error case ran.
    expect(report.cases.length).toBe(CONV2D_CASES.length + DETERMINISM_CASES.length + 1);
  });

  it('split_sum adds the partials in split order, bit for bit', async () => {
    const report = await expectGpuCheck(envs.get(name), 'split_sum');
    console.log(report.cases.map((c) => `[${name}] ${c.ms} ms  ${c.label}`).join('\n'));
    expect(report.cases.length).toBe(4);
  });
});
