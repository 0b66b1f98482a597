// Per-step learning rates on the GPU backend (Node/Dawn) against the CPU backend: SGD and Adam
// steps recorded in one submit, each with its own rate (staged uniforms copied per step), follow
// the CPU run given the same rates; a train() call with rates still submits once and creates
// nothing; bad rates are refused before any GPU work.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochPermutation } from '../../src/data/batching.ts';
import { DEFAULT_OPTIMIZER, type Backend, type OptimizerSettings } from '../../src/model/backend.ts';
import { createCpuBackend } from '../../src/model/cpu-backend.ts';
import { createGpuBackend, type GpuBackend } from '../../src/model/gpu-backend.ts';
import { FALLBACK_ADAPTER_TUNING } from '../../src/model/kernel-tuning.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { compareClose } from '../helpers/allclose.ts';
import { getNodeGpu } from '../helpers/node-gpu.ts';
import { tinyDataset } from './tiny-data.ts';

const BATCH = 7;
const SEED = 31;
const spec: NetworkSpec = {
  input: { channels: 1, height: 11, width: 11 },
  layers: [
    { kind: 'conv', filters: 3, kernel: 3, activation: 'relu' },
    { kind: 'pool', mode: 'max', size: 2 },
    { kind: 'fc', units: 9, activation: 'tanh' },
    { kind: 'classify', classes: 5 },
  ],
};
const data = tinyDataset({ height: 11, width: 11, classes: 5, train: 45, test: 6, seed: 12 }); // 6 batches

const SGD: OptimizerSettings = { ...DEFAULT_OPTIMIZER, learningRate: 9, momentum: 0.9, weightDecay: 1e-3 };
const ADAM: OptimizerSettings = { ...DEFAULT_OPTIMIZER, kind: 'adam', learningRate: 9, weightDecay: 1e-3 };
// Far apart, so a step that used a neighbour's rate (or settings.learningRate, 9) moves parameters
// by far more than the tolerance; one zero rate.
const SGD_RATES = new Float32Array([0.2, 0.01, 0, 0.07, 0.003]);
const ADAM_RATES = new Float32Array([0.004, 0.0002, 0.02, 0, 0.001]);
// As gpu-backend.gpu.test.ts: f32 rounding in different orders; Adam's step is ~lr per parameter.
const SGD_TOLERANCE = { atol: 2e-6, rtol: 1e-5 };
const ADAM_TOLERANCE = { atol: 1e-4, rtol: 1e-4 };

let gpu: Gpu;
beforeAll(async () => {
  gpu = (await getNodeGpu()).gpu;
  console.log(`[gpu-backend-schedule] ${gpu.describe()}`);
});
afterAll(() => gpu?.destroy());

async function prepare<T extends Backend>(backend: T): Promise<T> {
  await backend.setData(data);
  backend.setEpochOrder(epochPermutation(data.train.count, SEED, 0));
  return backend;
}

async function gpuBackend(): Promise<GpuBackend> {
  const options = { batch: BATCH, seed: SEED, tuning: FALLBACK_ADAPTER_TUNING };
  return prepare(await createGpuBackend(gpu, spec, options));
}

async function compareParameters(a: Backend, b: Backend, tolerance: typeof SGD_TOLERANCE) {
  return compareClose(await a.getParameters(), await b.getParameters(), tolerance);
}

describe('GpuBackend per-step learning rates', () => {
  it.each([
    ['sgd', SGD, SGD_RATES, SGD_TOLERANCE],
    ['adam', ADAM, ADAM_RATES, ADAM_TOLERANCE],
  ] as const)(
    '%s: 5 steps in one submit follow the CPU with the same rates',
    async (_, s, rates, tolerance) => {
      const cpu = await prepare(createCpuBackend(spec, { batch: BATCH, seed: SEED }));
      const cpuConstant = await prepare(createCpuBackend(spec, { batch: BATCH, seed: SEED }));
      const backend = await gpuBackend();
      try {
        backend.train(0, 1, s, rates.subarray(0, 1)); // the kind switch (Adam) clears state: its own submit
        await backend.takeMetrics();
        const before = gpu.counts();
        backend.train(1, 4, s, rates.subarray(1));
        const after = gpu.counts();
        expect(after.submits - before.submits).toBe(1);
        expect(after.buffersCreated - before.buffersCreated).toBe(0);
        expect(after.bindGroupsCreated - before.bindGroupsCreated).toBe(0);
        cpu.train(0, 1, s, rates.subarray(0, 1));
        await cpu.takeMetrics();
        cpu.train(1, 4, s, rates.subarray(1));
        const [gpuMetrics, cpuMetrics] = [await backend.takeMetrics(), await cpu.takeMetrics()];
        expect(gpuMetrics.steps).toBe(4);
        expect(Math.abs(gpuMetrics.lossSum - cpuMetrics.lossSum)).toBeLessThanOrEqual(
          1e-4 * cpuMetrics.lossSum,
        );
        const report = await compareParameters(backend, cpu, tolerance);
        console.log(
          `[gpu-backend-schedule] ${s.kind}: max |gpu - cpu| ${report.maxAbsError.toExponential(2)}`,
        );
        expect(report.ok, report.table).toBe(true);
        // Without the rates the run is another one: the comparison above can fail.
        cpuConstant.train(0, 5, { ...s, learningRate: rates[0] });
        expect((await compareParameters(cpuConstant, cpu, tolerance)).ok).toBe(false);
        const state = await backend.getOptimizerState();
        expect(state.step).toBe(5);
      } finally {
        backend.destroy();
      }
    },
  );

  it('refuses bad rates before any GPU work, changing nothing', async () => {
    const backend = await gpuBackend();
    try {
      const before = gpu.counts();
      expect(() => backend.train(0, 2, SGD, new Float32Array(3))).toThrow(/3 entries for 2 steps/);
      expect(() => backend.train(0, 2, ADAM, new Float32Array([0.1, -1]))).toThrow(/learningRates\[1\]/);
      expect(gpu.counts().submits).toBe(before.submits);
      expect((await backend.getOptimizerState()).kind).toBe('sgd');
    } finally {
      backend.destroy();
    }
  });
});
