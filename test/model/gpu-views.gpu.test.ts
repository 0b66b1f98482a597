// The GPU backend's view methods (probe, readParameters, parameterStats, evaluate's predictions)
// in Node (Dawn + SwiftShader) and headless Chromium: the shared check test/gpu-checks/probe.ts
// compares them with the CPU backend and proves they leave training bit-identical.

import { describe, expect, it } from 'vitest';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { logCaseTimings } from '../kernels/case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('probe, stats, predictions match the CPU; views leave training bit-identical', async () => {
    const report = await expectGpuCheck(envs.get(name), 'probe');
    logCaseTimings(name, 'probe', report.cases);
    expect(report.cases).toHaveLength(5);
  });
});
