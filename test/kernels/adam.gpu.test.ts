// adam on WebGPU in Node (Dawn + SwiftShader) and headless Chromium: the shared GPU check
// (test/gpu-checks/adam.ts) must pass every case in both; per-case timings are printed.

import { describe, expect, it } from 'vitest';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';

import { logCaseTimings } from './case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('adam.update matches the reference for steps 1-3 with the learning rate changed between them', async () => {
    const report = await expectGpuCheck(envs.get(name), 'adam');
    logCaseTimings(name, 'adam', report.cases);
    expect(report.cases).toHaveLength(3);
  });
});
