// The generator panel's controller on the GPU model (what the app uses on a hardware adapter), in
// Node on Dawn: its first report and first sample grid match the same controller on the CPU model
// (the two models follow the same seeded run), so the panel's GPU path shows the same generator.

import { afterAll, describe, expect, it } from 'vitest';
import { GeneratorController, type GeneratorFactory } from '../../src/app/generator-controller.ts';
import type { GeneratorView } from '../../src/app/generator-view-types.ts';
import { createCpuCvae } from '../../src/generator/cpu-cvae.ts';
import { createGpuCvae } from '../../src/generator/gpu-cvae.ts';
import type { CvaeConfig } from '../../src/generator/types.ts';
import { assertClose } from '../helpers/allclose.ts';
import { getNodeGpu } from '../helpers/node-gpu.ts';
import { smallDataset } from './session-fakes.ts';

const CONFIG: CvaeConfig = { latent: 5, seed: 2, batch: 9, learningRate: 2e-3 };

async function firstGrid(factory: GeneratorFactory): Promise<GeneratorView> {
  const views: GeneratorView[] = [];
  const controller = new GeneratorController(
    () => factory,
    (view) => views.push(view),
  );
  controller.setDataset(smallDataset(45, 3));
  controller.setShown(true);
  controller.setTraining(true);
  const end = Date.now() + 120_000;
  while (!views.some((v) => v.grid) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  controller.setTraining(false);
  controller.destroy();
  return views.find((v) => v.grid)!;
}

describe('GeneratorController on the GPU model (Node, Dawn)', async () => {
  const { gpu } = await getNodeGpu();
  afterAll(() => gpu.destroy());

  it('reports and samples as it does on the CPU model', async () => {
    const dataset = smallDataset(45, 3);
    const onGpu = await firstGrid({ device: 'GPU', create: () => createGpuCvae(gpu, dataset, CONFIG) });
    const onCpu = await firstGrid({ device: 'CPU', create: async () => createCpuCvae(dataset, CONFIG) });
    console.log(
      `[gpu] adapter ${gpu.adapterInfo.description || gpu.adapterInfo.vendor}; first report ${JSON.stringify(onGpu.history[0])}`,
    );
    expect(onGpu.history[0].step).toBe(2);
    expect(onCpu.history[0].step).toBe(2);
    for (const key of ['loss', 'reconstruction', 'kl'] as const)
      expect(onGpu.history[0][key]).toBeCloseTo(onCpu.history[0][key], 1);
    assertClose(onGpu.grid!, onCpu.grid!, { atol: 2e-3, rtol: 1e-3 });
    assertClose(onGpu.walkImages!, onCpu.walkImages!, { atol: 2e-3, rtol: 1e-3 });
  });
});
