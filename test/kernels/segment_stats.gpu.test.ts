// segment_stats on WebGPU in Node (Dawn + SwiftShader) and headless Chromium: the shared GPU check
// (test/gpu-checks/segment_stats.ts) must pass every case in both.

import { describe, expect, it } from 'vitest';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { logCaseTimings } from './case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('segment_stats matches the reference: odd segments, NaN/Inf, Adam direction, determinism', async () => {
    const report = await expectGpuCheck(envs.get(name), 'segment_stats');
    logCaseTimings(name, 'segment_stats', report.cases);
    expect(report.cases).toHaveLength(3);
  });
});
