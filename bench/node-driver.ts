// The kernel benchmark in Node on Dawn (npm `webgpu`): our WGSL kernels and the CPU paths, no
// TensorFlow.js (its WebGPU backend needs a browser). Loaded through Vite (run.ts --node) or
// bundled by bench/vite.node.config.ts for a GPU machine without npm (node-main.ts).

import type { BenchDriver } from './cli.ts';
import { listLayers, runLayer, type BenchEnvironment } from './kernel-bench.ts';
import { adapterLabel } from './labels.ts';
import { createNodeGpu, UNQUANTIZED_TIMESTAMPS } from '../src/runtime/node-gpu.ts';

export async function createNodeDriver(): Promise<BenchDriver> {
  const gpu = await createNodeGpu({
    powerPreference: 'high-performance',
    dawnOptions: UNQUANTIZED_TIMESTAMPS,
  });
  const runtime = `Node ${process.version} (Dawn)`;
  const env: BenchEnvironment = { gpu, adapter: adapterLabel(gpu.adapterInfo, runtime) };
  return {
    impls: ['webgpu', 'cpu-naive', 'cpu-fast'],
    adapter: async () => ({
      summary: gpu.adapterInfo,
      description: gpu.describe(),
      timestamps: gpu.features.has('timestamp-query'),
      runtime,
    }),
    listLayers: async (options) => listLayers(options),
    runLayer: (options, key) => runLayer(env, options, key),
    close: async () => gpu.destroy(),
  };
}
