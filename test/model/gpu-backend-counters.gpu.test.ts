// The GPU backend's runtime budget, from the Gpu's counters (Node/Dawn): in steady state a training
// step creates no buffer, pipeline or bind group, never maps, submits once and records a fixed
// number of dispatches; many steps share one submit; buffers return to baseline after destroy()
// and stay flat over 200 steps. Prints the counts and per-step wall times (SwiftShader here).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochPermutation } from '../../src/data/batching.ts';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../../src/model/backend.ts';
import { createGpuBackend, type GpuBackend } from '../../src/model/gpu-backend.ts';
import { preset } from '../../src/model/presets.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { liveBuffers, type Gpu, type ResourceCounts } from '../../src/runtime/gpu.ts';
import { getNodeGpu } from '../helpers/node-gpu.ts';
import { FALLBACK_ADAPTER_TUNING } from '../../src/model/kernel-tuning.ts';
import { tinyDataset } from './tiny-data.ts';

const SGD: OptimizerSettings = { ...DEFAULT_OPTIMIZER, learningRate: 0.01 };
const ADAM: OptimizerSettings = { ...DEFAULT_OPTIMIZER, kind: 'adam', learningRate: 1e-3 };

let gpu: Gpu;
beforeAll(async () => {
  gpu = (await getNodeGpu()).gpu;
});
afterAll(() => gpu?.destroy());

function delta(before: ResourceCounts, after: ResourceCounts): ResourceCounts {
  const entries = Object.entries(after).map(([key, value]) => [
    key,
    value - before[key as keyof ResourceCounts],
  ]);
  return Object.fromEntries(entries) as unknown as ResourceCounts;
}

/** Counter changes and wall time of `run` (which must include its own wait, if any). */
async function measure(run: () => Promise<unknown> | void): Promise<{ counts: ResourceCounts; ms: number }> {
  const before = gpu.counts();
  const start = performance.now();
  await run();
  await gpu.device.queue.onSubmittedWorkDone();
  return { counts: delta(before, gpu.counts()), ms: performance.now() - start };
}

function expectNothingCreated(counts: ResourceCounts): void {
  expect(counts.buffersCreated).toBe(0);
  expect(counts.buffersDestroyed).toBe(0);
  expect(counts.shaderModulesCreated).toBe(0);
  expect(counts.pipelinesCreated).toBe(0);
  expect(counts.bindGroupLayoutsCreated).toBe(0);
  expect(counts.bindGroupsCreated).toBe(0);
  expect(counts.mapAsyncCalls).toBe(0);
}

/**
 * lenet5 without split-K: gather 1; forward conv, pool, conv, pool, fc, fc, classify, softmax 8;
 * metrics 1; backward classify 2 (input with fc2's relu backward fused; weight with the bias
 * gradient fused), fc2 2 and fc1 2 (the same), pool 1 (with conv2's relu backward fused), conv2 3
 * (input, weight, bias), pool 1 (with conv1's relu backward), conv1 2 (no input gradient); update
 * 1, in the same pass (parameters and gradients are bound as ranges of the flat buffers: no copies).
 */
const LENET5_DISPATCHES = 24;

describe('GpuBackend counters', () => {
  it('lenet5 at batch 8: a steady-state step creates nothing, maps nothing, 1 submit, 24 dispatches', async () => {
    const data = tinyDataset({ height: 28, width: 28, classes: 10, train: 41, test: 3, seed: 2 });
    const backend = await createGpuBackend(gpu, preset('lenet5'), {
      batch: 8,
      seed: 1,
      tuning: { ...FALLBACK_ADAPTER_TUNING, splitK: false },
    });
    try {
      await backend.setData(data);
      backend.setEpochOrder(epochPermutation(41, 1, 0));
      backend.train(0, 1, SGD); // warm-up
      await backend.takeMetrics();
      for (const [settings, first] of [
        [SGD, 1],
        [ADAM, 2], // switching optimizer clears its state once (one extra submit)
        [ADAM, 3],
      ] as const) {
        const { counts, ms } = await measure(() => backend.train(first, 1, settings));
        console.log(
          `[counters] lenet5 ${settings.kind} step ${first}: ${JSON.stringify(counts)}, ${ms.toFixed(0)} ms`,
        );
        expectNothingCreated(counts);
        expect(counts.dispatches).toBe(LENET5_DISPATCHES);
        expect(counts.submits).toBe(first === 2 ? 2 : 1);
      }
      const read = await measure(() => backend.takeMetrics());
      expect(read.counts.mapAsyncCalls).toBe(1);
      expect(read.counts.buffersCreated).toBe(0);
    } finally {
      backend.destroy();
    }
  });
});

const tinyNet: NetworkSpec = {
  input: { channels: 1, height: 10, width: 10 },
  layers: [
    { kind: 'conv', filters: 3, kernel: 3, activation: 'relu' },
    { kind: 'pool', mode: 'max', size: 2 },
    { kind: 'fc', units: 6, activation: 'tanh' },
    { kind: 'classify', classes: 4 },
  ],
};

describe('GpuBackend resources', () => {
  it('many steps share one submit; buffers stay flat over 200 steps and return to baseline', async () => {
    const data = tinyDataset({ height: 10, width: 10, classes: 4, train: 45, test: 3, seed: 8 }); // test < batch
    const baseline = gpu.counts();
    let backend: GpuBackend | null = await createGpuBackend(gpu, tinyNet, {
      batch: 5,
      seed: 3,
      tuning: FALLBACK_ADAPTER_TUNING,
    });
    try {
      await backend.setData(data);
      const batches = Math.floor(45 / 5);
      const trained = gpu.counts();
      let steps = 0;
      let ms = 0;
      for (let epoch = 0; steps < 200; epoch++) {
        backend.setEpochOrder(epochPermutation(45, 3, epoch));
        const settings = epoch % 2 === 0 ? SGD : ADAM;
        const run = await measure(() => backend?.train(0, batches, settings));
        expect(run.counts.submits).toBe(epoch === 0 ? 1 : 2); // + the state reset when the kind changes
        expect(run.counts.buffersCreated).toBe(0);
        steps += batches;
        ms += run.ms;
        const metrics = await backend.takeMetrics();
        expect(metrics.steps).toBe(batches);
        expect(Number.isFinite(metrics.lossSum)).toBe(true);
        const evaluation = await backend.evaluate('test');
        expect(evaluation.confusion.reduce((a, c) => a + c, 0)).toBe(3);
      }
      console.log(`[counters] tiny net, batch 5: ${steps} steps, ${(ms / steps).toFixed(2)} ms per step`);
      const after = gpu.counts();
      expect(liveBuffers(after)).toBe(liveBuffers(trained));
      expect(after.bufferBytesLive).toBe(trained.bufferBytesLive);
      expect(after.pipelinesCreated).toBe(trained.pipelinesCreated);
      expect(after.bindGroupsCreated).toBe(trained.bindGroupsCreated);
      backend.destroy();
      backend = null;
      const end = gpu.counts();
      expect(liveBuffers(end)).toBe(liveBuffers(baseline));
      expect(end.bufferBytesLive).toBe(baseline.bufferBytesLive);
    } finally {
      backend?.destroy();
    }
  });
});
