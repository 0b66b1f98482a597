// WebGPU end to end, in Node (Dawn + SwiftShader) and in headless Chromium: adapter found and
// logged, the scale_add kernel matches the CPU reference, the runtime's error paths behave, GPU
// resources return to baseline, and the app page finds WebGPU and names the adapter. No WebGPU =
// failed tests.

import { describe, expect, it } from 'vitest';
import { createGpu } from '../../src/runtime/device.ts';
import { WebGpuUnavailableError } from '../../src/runtime/errors.ts';
import { liveBuffers } from '../../src/runtime/gpu.ts';
import { GPU_ENVIRONMENTS, expectGpuCheck, useGpuEnvironments } from '../helpers/gpu-environments.ts';

const envs = useGpuEnvironments();

describe.each(GPU_ENVIRONMENTS)('WebGPU in %s', (name) => {
  it('finds an adapter and a device with at least the default limits', async () => {
    const report = await (await envs.get(name)).adapter();
    console.log(`[${name}] adapter: ${report.description} (adapter + device in ${report.createMs} ms)`);
    expect(report.summary.vendor || report.summary.description).not.toBe('');
    expect(report.description).toContain('maxStorageBufferBindingSize');
  });

  it('scale_add.forward matches the CPU reference, folded grid included', async () => {
    const report = await expectGpuCheck(envs.get(name), 'scale_add');
    expect(report.cases.map((c) => c.detail.split(';')[0])).toContain('grid 50002x2x1');
  });

  it('reports compile errors by line, validation errors as throws, and counts buffers', async () => {
    await expectGpuCheck(envs.get(name), 'runtime');
  });
});

describe('WebGPU in node: resources and errors', () => {
  it('returns every buffer after the checks; counts pipelines, dispatches, submits and maps', async () => {
    const { gpu } = await envs.get('node');
    const before = gpu.counts();
    await expectGpuCheck(envs.get('node'), 'scale_add');
    const after = gpu.counts();
    expect(liveBuffers(after)).toBe(liveBuffers(before));
    expect(after.bufferBytesLive).toBe(before.bufferBytesLive);
    // Five cases: each one pipeline, one params buffer, one dispatch, a submit for it and one for readback.
    expect(after.pipelinesCreated - before.pipelinesCreated).toBe(5);
    expect(after.dispatches - before.dispatches).toBe(5);
    expect(after.submits - before.submits).toBe(10);
    expect(after.mapAsyncCalls - before.mapAsyncCalls).toBe(5);
    expect(after.buffersCreated - before.buffersCreated).toBe(5 * 5); // x, y, output, params, staging
  });

  it('createGpu without navigator.gpu throws WebGpuUnavailableError saying how to fix it', async () => {
    expect(typeof navigator === 'undefined' || navigator.gpu === undefined).toBe(true);
    const attempt = createGpu({ gpu: undefined });
    await expect(attempt).rejects.toBeInstanceOf(WebGpuUnavailableError);
    await expect(attempt).rejects.toThrow(/navigator\.gpu.*npm install webgpu.*VK_ICD_FILENAMES/s);
  });
});

describe('the app page in chromium', () => {
  it('finds WebGPU and names the adapter in its header', async () => {
    const chromium = await envs.get('chromium');
    const page = await chromium.harness.open('index.html');
    try {
      // The app's test hook (src/app/test-hook.ts) says when the WebGPU check has settled.
      await page.waitForFunction(() => window.convscope && window.convscope.state().webgpu !== 'checking', {
        timeout: 30_000,
      });
      expect(await page.evaluate(() => window.convscope!.state().webgpu)).toBe('ready');
      const status = await page.waitForSelector('cs-app-shell >>> header .status');
      const shown = String(await status!.evaluate((el) => el.textContent?.replace(/\s+/g, ' ').trim()));
      expect(shown).toMatch(/· \S/); // e.g. "Ready · google swiftshader"
    } finally {
      await page.close();
    }
  });
});
