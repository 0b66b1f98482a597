// Dense kernels against src/reference/dense.ts in Node (Dawn) and headless Chromium: every pass,
// each fused activation, the fused backward variants (bias gradient, input activation slope),
// split-K on and off (forward and backward_weight), two tile
// configurations, run-to-run bit identity.
// Per-case timings are printed so they can be compared between the two environments.

import { describe, expect, it } from 'vitest';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { logCaseTimings } from './case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('dense passes match the reference', async () => {
    const report = await expectGpuCheck(envs.get(name), 'dense');
    logCaseTimings(name, 'dense', report.cases);
    expect(report.cases.length).toBe(9);
    // Split-K really ran in both passes: the details name the chunk counts bind() used.
    const details = report.cases.map((c) => c.detail).join('\n');
    expect(details).toMatch(/forward splits 2 -> 2/);
    expect(details).toMatch(/forward splits any -> 10/);
    expect(details).toMatch(/backward_weight splits 3 -> 3/);
    // The fused variants ran: bias gradient in the GEMM and in its own pass, slopes in backward_input.
    expect(details).toMatch(/backward_weight splits 1 -> 1 with dBias: bias pass: bias fused into the GEMM/);
    expect(details).toMatch(/backward_weight splits 3 -> 3 with dBias: bias pass: separate bias pass/);
    for (const slope of ['relu', 'sigmoid', 'tanh'])
      expect(details).toMatch(`backward_input (slope of ${slope})`);
  });
});
