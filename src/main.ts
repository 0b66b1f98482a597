// Entry of the app page (index.html). For now a placeholder: finds WebGPU and shows the result in
// <webgpu-status>. The trainer UI will start from here and receive the Gpu created below.

import { createGpu } from './runtime/device.ts';
import type { Gpu } from './runtime/gpu.ts';
import './ui/webgpu-status.ts';

function adapterName(gpu: Gpu): string {
  const a = gpu.adapterInfo;
  return (
    a.description || [a.vendor, a.architecture, a.device].filter(Boolean).join(' ') || 'an unnamed adapter'
  );
}

async function start(): Promise<void> {
  const status = document.querySelector('webgpu-status');
  if (!status) throw new Error('index.html lacks <webgpu-status>');
  try {
    const gpu = await createGpu();
    status.status = {
      state: 'ready',
      adapter: adapterName(gpu),
      fallback: gpu.adapterInfo.isFallbackAdapter,
      details: gpu.describe(),
    };
    void gpu.lost.then((info) => {
      if (info.reason !== 'destroyed') {
        status.status = {
          state: 'unavailable',
          message: `the GPU device was lost (${info.message}). Reload the page.`,
        };
      }
    });
  } catch (error) {
    status.status = { state: 'unavailable', message: error instanceof Error ? error.message : String(error) };
  }
}

void start();
