// The kernel benchmark's runner on a real WebGPU device (Node, Dawn): results are checked before
// they are timed, a wrong result is reported and not timed, CPU rows shrink their batch when told,
// and every buffer the benchmark made is destroyed. Small layers only (SwiftShader is slow).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KernelBenchOptions } from '../../bench/api.ts';
import { acceptableError } from '../../bench/data.ts';
import { GPU_PREPARERS } from '../../bench/gpu-ops.ts';
import { runLayer, type BenchEnvironment } from '../../bench/kernel-bench.ts';
import { liveBuffers, type Gpu } from '../../src/runtime/gpu.ts';
import { networkLayers } from '../../bench/cases.ts';
import { getNodeGpu } from '../helpers/node-gpu.ts';

let gpu: Gpu;
let env: BenchEnvironment;
beforeAll(async () => {
  gpu = (await getNodeGpu()).gpu;
  env = { gpu, adapter: 'test' };
  console.log(`[node] ${gpu.describe()}`);
});
afterAll(() => gpu?.destroy());

const options: KernelBenchOptions = {
  nets: ['lenet5'],
  batch: 3,
  impls: ['webgpu', 'cpu-naive', 'cpu-fast'],
  iterations: 2,
  samples: 3,
  cpuMaxFlops: 2e9,
  tiles: 'auto',
};

describe('runLayer', () => {
  it('checks, then times our dense kernel and both CPU paths', async () => {
    const before = liveBuffers(gpu.counts());
    const rows = await runLayer(env, options, { net: 'lenet5', layer: 'classify', op: 'dense' });
    expect(liveBuffers(gpu.counts())).toBe(before);
    expect(rows.map((r) => `${r.pass} ${r.impl}`)).toHaveLength(4 * 3);
    const layer = networkLayers('lenet5', 3)[6];
    for (const row of rows) {
      expect(row.ok, `${row.pass} ${row.impl}: ${row.note}`).toBe(true);
      expect(row.max_error).toBeLessThanOrEqual(acceptableError(layer, row.pass));
      expect(row.median_ms).toBeGreaterThan(0);
      expect(row.min_ms! <= row.median_ms! && row.median_ms! <= row.max_ms!).toBe(true);
      expect([row.iterations, row.samples, row.batch]).toEqual([2, 3, 3]);
      expect(row.gflops).toBeCloseTo(row.flops / row.median_ms! / 1e6, 9);
      if (row.impl === 'webgpu' && gpu.features.has('timestamp-query')) expect(row.gpu_ms).toBeGreaterThan(0);
    }
  });

  it('reports a wrong GPU result and does not time it', async () => {
    const honest = GPU_PREPARERS.max_pool2d!;
    // The same case with an encode() that records nothing: the output keeps its NaN fill.
    GPU_PREPARERS.max_pool2d = async (g, data, pass, tuning) => ({
      ...(await honest(g, data, pass, tuning)),
      encode: () => {},
    });
    try {
      const rows = await runLayer(
        env,
        { ...options, impls: ['webgpu'] },
        { net: 'lenet5', layer: 'pool2', op: 'max_pool2d' },
      );
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row).toMatchObject({ ok: false, median_ms: null, note: 'wrong result: not timed' });
        expect(row.max_error === null || row.max_error === Infinity).toBe(true);
      }
    } finally {
      GPU_PREPARERS.max_pool2d = honest;
    }
  });

  it('runs CPU rows on fewer images when a pass exceeds cpuMaxFlops, and says so', async () => {
    const small = { ...options, impls: ['cpu-naive' as const], cpuMaxFlops: 1e5 };
    const rows = await runLayer(env, small, { net: 'lenet5', layer: 'fc2', op: 'dense' });
    const forward = rows.find((r) => r.pass === 'forward')!;
    // fc 120 -> 84 is 20160 FLOPs per image: 1e5 allows 4 images, so all 3 run; bias is tiny.
    expect(forward.batch).toBe(3);
    const tighter = await runLayer(
      env,
      { ...small, cpuMaxFlops: 3e4 },
      { net: 'lenet5', layer: 'fc2', op: 'dense' },
    );
    const shrunk = tighter.find((r) => r.pass === 'forward')!;
    expect(shrunk.batch).toBe(1);
    expect(shrunk.note).toBe('cpu batch 1 of 3 (naive JS too slow for more)');
    expect(shrunk.ok).toBe(true);
  });
});
