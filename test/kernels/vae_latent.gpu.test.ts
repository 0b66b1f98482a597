// vae_latent (the CVAE op's forward and backward_input kernels) against the CPU reference in Node (Dawn)
// and headless Chromium: the shape table of test/gpu-checks/vae_latent.ts. Per-case timings are printed
// for both environments.

import { describe, expect, it } from 'vitest';
import { VAE_LATENT_CASES } from '../gpu-checks/vae_latent.ts';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { logCaseTimings } from './case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('vae_latent forward and backward_input match the reference', async () => {
    const report = await expectGpuCheck(envs.get(name), 'vae_latent');
    logCaseTimings(name, 'vae_latent', report.cases);
    expect(report.cases.length).toBe(VAE_LATENT_CASES.length);
  });
});
