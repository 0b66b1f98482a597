// The training benchmark in Node on Dawn (npm `webgpu`): our GpuBackend and CpuBackend, and
// TensorFlow.js's WebGPU backend on a second Dawn instance made with the same options and handed
// to it as navigator.gpu (its backend registers only when navigator.gpu exists at import). When
// TFJS cannot start here its rows say why. Loaded through Vite's SSR loader (run.ts) so that the
// kernels' `?raw` shaders import; not the page (train-page.ts).

import { chooseVulkanDriver } from '../src/cli/gpu-setup.ts';
import type { Gpu } from '../src/runtime/gpu.ts';
import { createNodeGpu, SKIP_WORKGROUP_ZERO_FILL } from '../src/runtime/node-gpu.ts';
import type { TrainBenchApi } from './train-api.ts';
import type { TrainEnvironment } from './train-bench.ts';
import { initTfjsOrReason, makeTrainEnvironment, trainBenchApi } from './train-env.ts';

/** Dawn options for both devices: the CLI's (no workgroup zero-fill; see src/runtime/node-gpu.ts). */
export const NODE_DAWN_OPTIONS = SKIP_WORKGROUP_ZERO_FILL;

/** Gives TFJS a navigator.gpu from Dawn; throws with the reason when that cannot be done. */
async function installNavigatorGpu(): Promise<void> {
  const { create } = await import('webgpu');
  const gpu = create(NODE_DAWN_OPTIONS);
  const holder = globalThis as { navigator?: object };
  // Node 21+ has a navigator without gpu; Node 20 has none.
  holder.navigator ??= {};
  Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
}

export interface NodeTrainBench {
  api: TrainBenchApi;
  environment: TrainEnvironment;
  close(): void;
}

export async function createNodeTrainBench(options: { withTfjs: boolean }): Promise<NodeTrainBench> {
  chooseVulkanDriver(); // SwiftShader unless VK_ICD_FILENAMES or a GPU device node says otherwise
  const gpu: Gpu = await createNodeGpu({
    powerPreference: 'high-performance',
    dawnOptions: NODE_DAWN_OPTIONS,
  });
  const runtime = `Node ${process.version} (Dawn, ${NODE_DAWN_OPTIONS.join(' ')})`;
  let tfjs: TrainEnvironment['tfjs'] = { unavailable: 'not asked for' };
  if (options.withTfjs) {
    try {
      await installNavigatorGpu();
      tfjs = await initTfjsOrReason();
    } catch (error) {
      tfjs = { unavailable: `no navigator.gpu from Dawn: ${error instanceof Error ? error.message : error}` };
    }
  }
  const environment = makeTrainEnvironment('node', gpu, runtime, tfjs);
  return {
    api: trainBenchApi(async () => environment, runtime),
    environment,
    close: () => gpu.destroy(),
  };
}
