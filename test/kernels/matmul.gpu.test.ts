// The matmul kernel against a Float64 GEMM in Node (Dawn) and headless Chromium: all transpose
// combinations, awkward M/N/K, two tile configurations, split-K and run-to-run bit identity.
// Per-case timings are printed so they can be compared between the two environments.

import { describe, expect, it } from 'vitest';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { logCaseTimings } from './case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('matmul matches the reference for every transpose, tile and split', async () => {
    const report = await expectGpuCheck(envs.get(name), 'matmul');
    logCaseTimings(name, 'matmul', report.cases);
    expect(report.cases.length).toBe(2 * 4 * 7 + 1);
  });
});
