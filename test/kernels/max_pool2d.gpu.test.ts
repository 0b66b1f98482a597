// max_pool2d on WebGPU in Node (Dawn + SwiftShader) and headless Chromium: the shared GPU check
// (test/gpu-checks/max_pool2d.ts) must pass every case in both; per-case timings are printed.

import { describe, expect, it } from 'vitest';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { MAX_POOL2D_CHECK_CASES } from '../gpu-checks/max_pool2d.ts';
import { logCaseTimings } from './case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('max_pool2d forward (values and argmax bit for bit, ties and NaN) and backward_input (plain and with a fused activation backward) match the reference', async () => {
    const report = await expectGpuCheck(envs.get(name), 'max_pool2d');
    logCaseTimings(name, 'max_pool2d', report.cases);
    expect(report.cases).toHaveLength(MAX_POOL2D_CHECK_CASES);
  });
});
