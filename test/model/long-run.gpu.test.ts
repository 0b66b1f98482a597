// GPU memory stays flat over a long run (Node/Dawn): 2000 training steps of a tiny network through
// ResilientTrainer (periodic snapshots read back while training goes on), with metrics, test-set
// evaluation and a parameter read every round. After the first round (warm-up) the live buffer
// count and bytes, and the pipeline, bind group, layout and shader module totals, never change;
// destroy() returns the buffers to the baseline from before the trainer.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpuBackend } from '../../src/model/gpu-backend.ts';
import { FALLBACK_ADAPTER_TUNING } from '../../src/model/kernel-tuning.ts';
import { ResilientTrainer } from '../../src/model/resilient-trainer.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { Trainer } from '../../src/model/trainer.ts';
import { liveBuffers, type Gpu, type ResourceCounts } from '../../src/runtime/gpu.ts';
import { getNodeGpu } from '../helpers/node-gpu.ts';
import { tinyDataset } from './tiny-data.ts';

const NET: NetworkSpec = {
  input: { channels: 1, height: 6, width: 6 },
  layers: [
    { kind: 'conv', filters: 2, kernel: 3, activation: 'tanh' },
    { kind: 'pool', mode: 'max', size: 2 },
    { kind: 'classify', classes: 3 },
  ],
};
const data = tinyDataset({ height: 6, width: 6, classes: 3, train: 21, test: 5, seed: 3 }); // 10 steps per epoch
const ROUNDS = 10;
const STEPS_PER_ROUND = 200;

let gpu: Gpu;
beforeAll(async () => {
  gpu = (await getNodeGpu()).gpu;
});
afterAll(() => gpu?.destroy());

/** What must not grow: live buffers and bytes, and everything ever created that has no destroy(). */
function held(c: ResourceCounts) {
  return {
    liveBuffers: liveBuffers(c),
    bufferBytesLive: c.bufferBytesLive,
    pipelinesCreated: c.pipelinesCreated,
    bindGroupsCreated: c.bindGroupsCreated,
    bindGroupLayoutsCreated: c.bindGroupLayoutsCreated,
    shaderModulesCreated: c.shaderModulesCreated,
  };
}

describe('a long GPU run', () => {
  it(`${ROUNDS * STEPS_PER_ROUND} steps with snapshots, metrics, evaluation and reads: resources stay flat`, async () => {
    const baseline = held(gpu.counts());
    const trainer = await Trainer.create({
      spec: NET,
      dataset: data,
      seed: 2,
      batch: 2,
      optimizer: { kind: 'adam', learningRate: 1e-3 },
      createBackend: (d) =>
        createGpuBackend(gpu, NET, { batch: d.batch, seed: 2, tuning: FALLBACK_ADAPTER_TUNING }),
    });
    const resilient = new ResilientTrainer(trainer, { snapshotEvery: 100 });
    let warm: ReturnType<typeof held> | null = null;
    let reads = 0;
    const start = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      const metrics = await resilient.trainSteps(STEPS_PER_ROUND, undefined, STEPS_PER_ROUND / 2);
      expect(metrics.steps).toBe(STEPS_PER_ROUND);
      expect(Number.isFinite(metrics.lossSum)).toBe(true);
      const [evaluation, parameters, untaken] = await Promise.all([
        trainer.evaluate('test'),
        trainer.getParameters(),
        trainer.takeMetrics(),
      ]);
      expect(evaluation.examples).toBe(5);
      expect(parameters.every(Number.isFinite)).toBe(true);
      expect(untaken.steps).toBe(0);
      reads++;
      await resilient.snapshotSettled(); // a snapshot reading back holds staging buffers until it lands
      if (round === 0) warm = held(gpu.counts());
    }
    const ms = performance.now() - start;
    const end = held(gpu.counts());
    console.log(
      `[long-run] ${trainer.totalSteps} steps in ${(ms / 1000).toFixed(1)} s (${(ms / trainer.totalSteps).toFixed(2)} ms/step), ` +
        `last snapshot at step ${resilient.lastSnapshot?.step}; after warm-up ${JSON.stringify(warm)}, at the end ${JSON.stringify(end)}`,
    );
    expect(trainer.totalSteps).toBe(ROUNDS * STEPS_PER_ROUND);
    expect(resilient.lastSnapshot!.step).toBe(ROUNDS * STEPS_PER_ROUND); // started after the last report, awaited above;
    expect(reads).toBe(ROUNDS);
    expect(end).toEqual(warm);
    trainer.destroy();
    const after = held(gpu.counts());
    expect([after.liveBuffers, after.bufferBytesLive]).toEqual([
      baseline.liveBuffers,
      baseline.bufferBytesLive,
    ]);
  });
});
