// Where the page's generator trains: the GPU model (createGpuCvae) when the run uses the GPU
// backend on a hardware adapter, else the CPU model in a Web Worker of its own
// (generator-worker.ts), so its loops never block the page (a software adapter such as
// SwiftShader is far slower than the CPU here). The worker gets the dataset in chunks. No DOM.

import type { Dataset } from '../data/dataset.ts';
import { resolveCvaeConfig } from '../generator/cvae-spec.ts';
import { createGpuCvae } from '../generator/gpu-cvae.ts';
import type { CvaeConfig, GeneratorModel } from '../generator/types.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { isSoftwareAdapter } from './backends.ts';
import { datasetChunks, outlineDataset } from './cpu-worker-protocol.ts';
import type { GeneratorFactory } from './generator-controller.ts';
import { RpcClient, type RpcPort } from './rpc-worker.ts';
import type { BackendKind } from './url-state.ts';

function startGeneratorWorker(): RpcPort {
  return new Worker(new URL('./generator-worker.ts', import.meta.url), {
    type: 'module',
    name: 'convscope-generator',
  }) as unknown as RpcPort;
}

/** The CPU model in a worker (on `port`, default a new module worker), behind GeneratorModel. */
export async function createWorkerCvae(
  dataset: Dataset,
  config: CvaeConfig,
  port: RpcPort = startGeneratorWorker(),
): Promise<GeneratorModel> {
  const rpc = new RpcClient(port, 'the generator worker');
  let resolved: CvaeConfig;
  try {
    await rpc.call('beginData', [outlineDataset(dataset)]);
    for (const chunk of datasetChunks(dataset)) await rpc.call('dataChunk', [chunk]);
    await rpc.call('endData');
    resolved = await rpc.call<CvaeConfig>('create', [config]);
  } catch (error) {
    rpc.destroy();
    throw error;
  }
  return {
    config: resolved,
    train: (steps) => rpc.call('train', [steps]),
    sample: (labels, z) => rpc.call('sample', [labels, z]),
    parameters: () => rpc.call('parameters'),
    destroy: () => rpc.destroy(),
  };
}

/** The factory for a run on `backend` with the page's `gpu` (null: no WebGPU). */
export function generatorFactory(
  backend: BackendKind,
  gpu: Gpu | null,
  config: Partial<CvaeConfig> = {},
): GeneratorFactory {
  const resolved = resolveCvaeConfig(config);
  if (backend === 'gpu' && gpu && !isSoftwareAdapter(gpu))
    return { device: 'GPU', create: (dataset) => createGpuCvae(gpu, dataset, resolved) };
  return { device: 'CPU (worker)', create: (dataset) => createWorkerCvae(dataset, resolved) };
}
