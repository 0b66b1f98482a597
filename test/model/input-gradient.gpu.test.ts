// Input gradients and gradient ascent on the input, GPU against CPU, in Node (Dawn + SwiftShader)
// and headless Chromium: the shared GPU check (test/gpu-checks/input_gradient.ts) must pass in both.

import { describe, expect, it } from 'vitest';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { logCaseTimings } from '../kernels/case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('input gradients and ascent match the CPU and leave training bit-identical', async () => {
    const report = await expectGpuCheck(envs.get(name), 'input_gradient');
    logCaseTimings(name, 'input_gradient', report.cases);
    expect(report.cases).toHaveLength(4);
  });
});
