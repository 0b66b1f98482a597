// image_ascent on WebGPU in Node (Dawn + SwiftShader) and headless Chromium: the shared GPU check
// (test/gpu-checks/image_ascent.ts) must pass every case in both.

import { describe, expect, it } from 'vitest';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { logCaseTimings } from './case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('image_ascent forward and update match the reference: jitter, blur, normalise, TV, clamp', async () => {
    const report = await expectGpuCheck(envs.get(name), 'image_ascent');
    logCaseTimings(name, 'image_ascent', report.cases);
    expect(report.cases).toHaveLength(5);
  });
});
