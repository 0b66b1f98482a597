// The NaN diagnosis on the GPU backend, in Node (Dawn) and headless Chromium: the shared check
// test/gpu-checks/diagnose.ts (inspectBatch against the CPU, the named layer for NaN and overflow,
// and a GPU Trainer's NonFiniteLossError) must pass every case in both.

import { describe, expect, it } from 'vitest';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('diagnose: inspectBatch matches the CPU and the first bad layer is named', async () => {
    const report = await expectGpuCheck(envs.get(name), 'diagnose');
    expect(report.cases.map((c) => c.ok)).toEqual([true, true, true, true]);
  });
});
