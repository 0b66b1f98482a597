// The training benchmark in Node on Dawn: one tiny cell with our GPU and CPU backends and
// TensorFlow.js's WebGPU backend on a second Dawn instance (navigator.gpu), timed, the same losses,
// nothing of ours left allocated; and the rows of impls that are skipped, unavailable or too slow.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainCellOptions } from '../../bench/train-api.ts';
import { runCell } from '../../bench/train-bench.ts';
import { createNodeTrainBench, type NodeTrainBench } from '../../bench/train-node.ts';
import { liveBuffers } from '../../src/runtime/gpu.ts';

let bench: NodeTrainBench;
beforeAll(async () => {
  bench = await createNodeTrainBench({ withTfjs: true });
  console.log(`[node] ${bench.environment.adapter}; ${JSON.stringify(bench.environment.tfjs)}`);
});
afterAll(() => bench?.close());

const TINY: TrainCellOptions = {
  net: 'seed',
  batch: 3,
  impls: ['webgpu', 'tfjs-webgpu', 'cpu'],
  warmup: 1,
  steps: 1,
  repeats: 1,
  cellSeconds: 600,
  maxStepSeconds: 600,
  optimizer: 'sgd',
  seed: 4,
};

describe('runCell in Node', () => {
  it('times ours (GPU, CPU) and TFJS WebGPU training the same network from the same weights', async () => {
    expect(bench.environment.tfjs).toHaveProperty(
      'label',
      expect.stringMatching(/^TensorFlow.js 4\.22\.0, webgpu/),
    );
    const gpu = bench.environment.gpu;
    const before = liveBuffers(gpu.counts());
    const rows = await bench.api.runCell(TINY);
    expect(liveBuffers(gpu.counts())).toBe(before);
    expect(rows.map((r) => r.impl)).toEqual(['webgpu', 'tfjs-webgpu', 'cpu']);
    for (const row of rows) {
      expect(row, row.note).toMatchObject({
        env: 'node',
        net: 'seed',
        batch: 3,
        steps: 1,
        repeats: 1,
        note: '',
      });
      expect(row.images_per_s).toBeGreaterThan(0);
      // One repeat of one step of 3 images: images/s and ms per step are the same measurement.
      expect(row.ms_per_step! * row.images_per_s!).toBeCloseTo(3000, 6);
      expect(row.spread).toBe(0);
      expect(row.warmup_ms).toHaveLength(1);
      // Random labels over 10 classes: the first loss is near ln 10 for every impl.
      expect(row.warmup_loss[0]).toBeGreaterThan(1.5);
      expect(row.warmup_loss[0]).toBeLessThan(4);
    }
    expect(rows[0].loss_difference).toBeNull();
    // The warm-up step and the repeat's step: the same two batches, so both losses are compared.
    expect(rows[1].loss_difference).toBeLessThan(1e-4);
    expect(rows[2].loss_difference).toBeLessThan(1e-4);
    expect(rows[1].adapter).toMatch(/webgpu backend on adapter/);
  });

  it('says which impls were skipped, unavailable or not timed, running none of them', async () => {
    const environment = { ...bench.environment, tfjs: { unavailable: 'test: no TFJS here' } };
    const rows = await runCell(environment, {
      ...TINY,
      batch: 256,
      msPerImage: { webgpu: 2000 },
      maxStepSeconds: 0.001,
    });
    expect(rows.map((r) => [r.impl, r.images_per_s, r.repeats])).toEqual([
      ['webgpu', null, 0],
      ['tfjs-webgpu', null, 0],
      ['cpu', null, 0],
    ]);
    expect(rows[0].note).toBe(
      'skipped for time: a step would take ~512 s (from the smaller batch) > 0.001 s',
    );
    expect(rows[0].warmup_ms).toEqual([]);
    expect(rows[1].note).toBe('unavailable: test: no TFJS here');
    expect(rows[2].note).toMatch(/^not timed: the warm-up step took [\d.]+ s > 0.001 s$/);
    expect(rows[2].warmup_ms).toHaveLength(1);
  });
});
