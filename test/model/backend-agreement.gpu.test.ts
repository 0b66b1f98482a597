// The GPU backend (Node/Dawn) follows the CPU backend's run for 100 steps: same seed, data and
// settings, a small network with two convs, compared every 10 steps (the mean loss of those steps)
// and at the end (every parameter), for SGD with momentum and for Adam. A control run one step
// short shows how far a real difference lands from the tolerance.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OptimizerSettings } from '../../src/model/backend.ts';
import { compareRuns } from '../../src/model/backend-comparison.ts';
import { CpuBackend } from '../../src/model/cpu-backend.ts';
import { createGpuBackend } from '../../src/model/gpu-backend.ts';
import { FALLBACK_ADAPTER_TUNING } from '../../src/model/kernel-tuning.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { Trainer } from '../../src/model/trainer.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { compareClose } from '../helpers/allclose.ts';
import { getNodeGpu } from '../helpers/node-gpu.ts';
import { tinyDataset } from './tiny-data.ts';

const NET: NetworkSpec = {
  input: { channels: 1, height: 12, width: 12 },
  layers: [
    { kind: 'conv', filters: 4, kernel: 3, activation: 'relu' },
    { kind: 'pool', mode: 'max', size: 2 },
    { kind: 'conv', filters: 6, kernel: 3, padding: 1, activation: 'tanh' },
    { kind: 'fc', units: 12, activation: 'relu' },
    { kind: 'classify', classes: 10 },
  ],
};
const data = tinyDataset({ height: 12, width: 12, classes: 10, train: 61, test: 5, seed: 7 }); // 10 steps per epoch
const STEPS = 100;
const SEED = 3;

// Tolerances. Each step the backends differ by f32 rounding (other summation orders), and training
// carries it on: measured on SwiftShader after 100 steps, parameters within 1.6e-6 (SGD) and
// 1.8e-6 (Adam) and the mean loss of 10 steps within a relative 1.5e-6. The tolerances are ~10x
// that. A real difference is far larger: one step fewer moves the parameters by 5.6e-3 (Adam)
// to 0.13 (SGD) (the control below).
const PARAMETERS = { atol: 2e-5, rtol: 0 };
const LOSS_RTOL = 2e-5;

let gpu: Gpu;
beforeAll(async () => {
  gpu = (await getNodeGpu()).gpu;
});
afterAll(() => gpu?.destroy());

const OPTIMIZERS: [string, Partial<OptimizerSettings>][] = [
  ['SGD, momentum 0.9, weight decay', { kind: 'sgd', learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4 }],
  ['Adam', { kind: 'adam', learningRate: 0.003 }],
];

describe.each(OPTIMIZERS)('GPU and CPU agree: %s', (_, optimizer) => {
  it(`${STEPS} steps: every 10-step loss and the final parameters agree`, async () => {
    const common = { spec: NET, dataset: data, seed: SEED, batch: 6, optimizer };
    const cpu = await Trainer.create({ ...common, createBackend: (d) => CpuBackend.create(d) });
    const onGpu = await Trainer.create({
      ...common,
      createBackend: (d) =>
        createGpuBackend(gpu, NET, { batch: d.batch, seed: SEED, tuning: FALLBACK_ADAPTER_TUNING }),
    });
    try {
      const rows = await compareRuns(cpu, onGpu, STEPS, 10);
      const lines = rows.map(
        (r) =>
          `${r.step}: loss ${r.lossA.toFixed(5)} |d| ${r.lossDiff.toExponential(2)}, max |d param| ${r.maxParamDiff.toExponential(2)}`,
      );
      console.log(`[agreement] ${optimizer.kind}\n  ${lines.join('\n  ')}`);
      expect(rows.map((r) => r.step)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
      for (const r of rows)
        expect(r.lossDiff, `loss at step ${r.step}`).toBeLessThanOrEqual(LOSS_RTOL * r.lossA);
      expect(rows[9].lossA).toBeLessThan(rows[0].lossA); // it did learn (memorise)
      const [cpuFinal, gpuFinal] = await Promise.all([cpu.getParameters(), onGpu.getParameters()]);
      const report = compareClose(gpuFinal, cpuFinal, PARAMETERS);
      expect(report.ok, report.table).toBe(true);

      // Control: the CPU run one step short is far outside the tolerance.
      const short = await Trainer.create({ ...common, createBackend: (d) => CpuBackend.create(d) });
      short.step(STEPS - 1);
      const control = compareClose(await short.getParameters(), cpuFinal, PARAMETERS);
      console.log(
        `[agreement] ${optimizer.kind}: one step fewer differs by ${control.maxAbsError.toExponential(2)}`,
      );
      expect(control.maxAbsError).toBeGreaterThan(100 * PARAMETERS.atol);
    } finally {
      cpu.destroy();
      onGpu.destroy();
    }
  });
});
