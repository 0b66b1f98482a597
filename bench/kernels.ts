// Entry of the kernel benchmark page (bench/kernels.html): one Gpu from navigator.gpu, TensorFlow.js
// on its WebGPU backend when a run asks for it, and window.convscopeBench for the runner
// (bench/run.ts) to call through page.evaluate. The benchmark itself is kernel-bench.ts.

import type { BenchAdapter, KernelBenchApi } from './api.ts';
import { listLayers, runLayer, type BenchEnvironment, type TfjsProvider } from './kernel-bench.ts';
import { adapterLabel } from './labels.ts';
import { initTfjs, prepareTfjs, tfjsSync } from './tfjs-ops.ts';
import { createGpu } from '../src/runtime/device.ts';
import type { Gpu } from '../src/runtime/gpu.ts';

let gpuPromise: Promise<Gpu> | undefined;
let tfjsPromise: Promise<TfjsProvider & { label: string }> | undefined;

function runtime(): string {
  const chrome = /Chrom(?:e|ium)\/([\d.]+)/.exec(navigator.userAgent);
  return chrome ? `Chromium ${chrome[1]}` : navigator.userAgent;
}

function getTfjs(): Promise<TfjsProvider & { label: string }> {
  tfjsPromise ??= initTfjs().then((label) => ({ label, prepare: prepareTfjs, sync: tfjsSync }));
  return tfjsPromise;
}

async function environment(withTfjs: boolean): Promise<BenchEnvironment> {
  // The preference TFJS's backend asks for, so both pick the same adapter on multi-GPU machines.
  gpuPromise ??= createGpu({ powerPreference: 'high-performance' });
  const gpu = await gpuPromise;
  return {
    gpu,
    adapter: adapterLabel(gpu.adapterInfo, runtime()),
    tfjs: withTfjs ? await getTfjs() : undefined,
  };
}

const api: KernelBenchApi = {
  async adapter(withTfjs): Promise<BenchAdapter> {
    const { gpu } = await environment(false);
    return {
      summary: gpu.adapterInfo,
      description: gpu.describe(),
      timestamps: gpu.features.has('timestamp-query'),
      runtime: runtime(),
      tfjs: withTfjs ? (await getTfjs()).label : undefined,
    };
  },
  async runLayer(options, key) {
    return runLayer(await environment(options.impls.includes('tfjs-webgpu')), options, key);
  },
  listLayers,
};

window.convscopeBench = api;
document.body.dataset.ready = 'true';
