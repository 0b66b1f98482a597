// The GPU CVAE against the CPU model in Node (Dawn) and headless Chromium: same seed and data give
// the same losses and parameters over the first 5 steps, sample() matches the CPU decoder, bad
// arguments are refused and destroy() returns the buffer count to its baseline
// (test/gpu-checks/cvae.ts). Per-case timings are printed for both environments.

import { describe, expect, it } from 'vitest';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { logCaseTimings } from '../kernels/case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('the GPU CVAE follows the CPU model, samples like it and cleans up', async () => {
    const report = await expectGpuCheck(envs.get(name), 'cvae');
    logCaseTimings(name, 'cvae', report.cases);
    // The observed GPU-CPU differences, for the tolerance comments in test/gpu-checks/cvae.ts.
    console.log(`[${name}] cvae details:\n${report.cases[0].detail}`);
    expect(report.cases.length).toBe(3);
  });
});
