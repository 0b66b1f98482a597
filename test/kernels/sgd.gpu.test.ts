// sgd on WebGPU in Node (Dawn + SwiftShader) and headless Chromium: the shared GPU check
// (test/gpu-checks/sgd.ts) must pass every case in both; per-case timings are printed.

import { describe, expect, it } from 'vitest';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';

import { logCaseTimings } from './case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('sgd.update matches the reference for 3 steps with the learning rate changed between them', async () => {
    const report = await expectGpuCheck(envs.get(name), 'sgd');
    logCaseTimings(name, 'sgd', report.cases);
    expect(report.cases).toHaveLength(5);
  });
});
