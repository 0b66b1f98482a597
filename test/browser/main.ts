// Entry of the Chromium test page: creates one Gpu from navigator.gpu on first use and exposes the
// shared GPU checks as window.convscopeTests for page.evaluate. No test logic of its own.

import { createGpu } from '../../src/runtime/device.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { gpuChecks, runGpuCheck } from '../gpu-checks/index.ts';
import type { ConvscopeTestApi } from './api.ts';

let created: Promise<{ gpu: Gpu; createMs: number }> | undefined;

function getGpu(): Promise<{ gpu: Gpu; createMs: number }> {
  const start = performance.now();
  created ??= createGpu().then((gpu) => ({ gpu, createMs: Math.round(performance.now() - start) }));
  return created;
}

const api: ConvscopeTestApi = {
  async adapter() {
    const { gpu, createMs } = await getGpu();
    return { summary: gpu.adapterInfo, description: gpu.describe(), createMs };
  },
  async runCheck(name) {
    return runGpuCheck((await getGpu()).gpu, name);
  },
  checkNames: () => Object.keys(gpuChecks),
};

window.convscopeTests = api;
document.body.dataset.ready = 'true';
