// metrics_accumulate on WebGPU in Node (Dawn + SwiftShader) and headless Chromium: the shared GPU
// check (test/gpu-checks/metrics_accumulate.ts) must pass every case in both.

import { describe, expect, it } from 'vitest';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { logCaseTimings } from './case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('metrics_accumulate matches the CPU totals: slots, padding rows, ties, bad labels, confusion', async () => {
    const report = await expectGpuCheck(envs.get(name), 'metrics_accumulate');
    logCaseTimings(name, 'metrics_accumulate', report.cases);
    expect(report.cases).toHaveLength(4);
  });
});
