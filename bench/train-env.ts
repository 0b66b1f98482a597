// What the training benchmark needs from where it runs, shared by the page and Node: the kernel
// tiles for the adapter (the fallback-adapter tiles on SwiftShader, as the tests and the CLI use),
// TensorFlow.js's WebGPU backend or why it is unavailable, and the TrainBenchApi over them.
// Not the device creation itself (train-page.ts, train-node.ts).

import type { Gpu } from '../src/runtime/gpu.ts';
import { adapterLabel } from './labels.ts';
import type { TrainAdapter, TrainBenchApi, TrainEnvName } from './train-api.ts';
import { runCell, type TrainEnvironment } from './train-bench.ts';
import { tuningFor } from './tuning.ts';

/** Selects TFJS's webgpu backend (bench/tfjs-ops.ts, imported late: in Node it needs navigator.gpu first). */
export async function initTfjsOrReason(): Promise<TrainEnvironment['tfjs']> {
  try {
    const { initTfjs } = await import('./tfjs-ops.ts');
    return { label: await initTfjs() };
  } catch (error) {
    return { unavailable: error instanceof Error ? error.message : String(error) };
  }
}

export function makeTrainEnvironment(
  env: TrainEnvName,
  gpu: Gpu,
  runtime: string,
  tfjs: TrainEnvironment['tfjs'],
): TrainEnvironment {
  const { tuning } = tuningFor(gpu.adapterInfo);
  return { env, gpu, adapter: adapterLabel(gpu.adapterInfo, runtime), tuning, tfjs };
}

/** The API the command line calls (through page.evaluate, or directly in Node). */
export function trainBenchApi(environment: () => Promise<TrainEnvironment>, runtime: string): TrainBenchApi {
  return {
    async adapter(): Promise<TrainAdapter> {
      const e = await environment();
      return {
        env: e.env,
        summary: e.gpu.adapterInfo,
        description: e.gpu.describe(),
        runtime,
        tuning: tuningFor(e.gpu.adapterInfo).label,
        tfjs: e.tfjs,
      };
    },
    async runCell(options) {
      return runCell(await environment(), options);
    },
  };
}
