// createGpu() without a GPU: limit and feature requests, adapter info read from non-enumerable
// getters (as Dawn exposes them), and the errors for missing WebGPU or a missing adapter.
// Fakes stand in for the adapter here; the real device is exercised in webgpu.gpu.test.ts.

import { describe, expect, it } from 'vitest';
import { chooseLimits, createGpu, summarizeAdapter } from '../../src/runtime/device.ts';
import { WebGpuUnavailableError } from '../../src/runtime/errors.ts';
import { vulkanHint } from '../../src/runtime/node-gpu.ts';

/** Like Dawn's GPUAdapterInfo: fields are prototype getters, so spreading it yields nothing. */
class DawnLikeInfo {
  get vendor() {
    return 'google';
  }
  get architecture() {
    return 'swiftshader';
  }
  get device() {
    return 'subzero';
  }
  get description() {
    return 'SwiftShader driver 5.0.0';
  }
  get isFallbackAdapter() {
    return true;
  }
}

const adapterLimits = {
  maxStorageBufferBindingSize: 2 ** 30,
  maxBufferSize: 2 ** 31,
  maxComputeWorkgroupStorageSize: 32_768,
  maxComputeInvocationsPerWorkgroup: 1024,
  maxStorageBuffersPerShaderStage: 12,
  maxComputeWorkgroupsPerDimension: 65_535,
  maxUniformBufferBindingSize: 65_536,
  minStorageBufferOffsetAlignment: 32,
};

function fakeEntry(features: string[]) {
  const requested: GPUDeviceDescriptor[] = [];
  const device = { features: new Set(features), limits: {}, lost: new Promise(() => {}) };
  const adapter = {
    info: new DawnLikeInfo(),
    limits: adapterLimits,
    features: new Set(features),
    requestDevice: async (descriptor: GPUDeviceDescriptor) => (requested.push(descriptor), device),
  };
  const entry = { requestAdapter: async () => adapter } as unknown as GPU;
  return { entry, requested };
}

describe('chooseLimits', () => {
  it("raises the five useful limits to the adapter's values and nothing else", () => {
    expect(chooseLimits(adapterLimits)).toEqual({
      maxStorageBufferBindingSize: 2 ** 30,
      maxBufferSize: 2 ** 31,
      maxComputeWorkgroupStorageSize: 32_768,
      maxComputeInvocationsPerWorkgroup: 1024,
      maxStorageBuffersPerShaderStage: 12,
    });
  });

  it("adds the caller's limits and refuses those the adapter cannot meet", () => {
    const limits = chooseLimits(adapterLimits, {
      maxUniformBufferBindingSize: 32_768,
      minStorageBufferOffsetAlignment: 64,
    });
    expect(limits.maxUniformBufferBindingSize).toBe(32_768);
    expect(limits.minStorageBufferOffsetAlignment).toBe(64);
    expect(() => chooseLimits(adapterLimits, { maxComputeWorkgroupsPerDimension: 100_000 })).toThrow(
      'this adapter offers maxComputeWorkgroupsPerDimension = 65535, but 100000 is required',
    );
    expect(() => chooseLimits(adapterLimits, { minStorageBufferOffsetAlignment: 16 })).toThrow(
      /offers .* = 32/,
    );
  });
});

describe('createGpu', () => {
  it('reads adapter info field by field, asks for raised limits and timestamp-query when offered', async () => {
    const { entry, requested } = fakeEntry(['timestamp-query', 'subgroups']);
    const gpu = await createGpu({ gpu: entry });
    expect(Object.keys(new DawnLikeInfo())).toEqual([]); // why summarizeAdapter cannot spread
    expect(gpu.adapterInfo).toEqual({
      vendor: 'google',
      architecture: 'swiftshader',
      device: 'subzero',
      description: 'SwiftShader driver 5.0.0',
      isFallbackAdapter: true,
    });
    expect(requested[0].requiredFeatures).toEqual(['timestamp-query']);
    expect(requested[0].requiredLimits).toEqual(chooseLimits(adapterLimits));
    expect(gpu.entryPoint).toBe(entry); // held so Dawn's instance outlives the device
  });

  it('asks for no optional feature the adapter lacks', async () => {
    const { entry, requested } = fakeEntry([]);
    await createGpu({ gpu: entry });
    expect(requested[0].requiredFeatures).toEqual([]);
  });

  it('summarizes an adapter without info as empty strings', () => {
    expect(summarizeAdapter({} as GPUAdapter)).toEqual({
      vendor: '',
      architecture: '',
      device: '',
      description: '',
      isFallbackAdapter: false,
    });
  });

  it('throws WebGpuUnavailableError with the fix when there is no WebGPU', async () => {
    const attempt = createGpu({});
    await expect(attempt).rejects.toBeInstanceOf(WebGpuUnavailableError);
    await expect(attempt).rejects.toThrow(/no navigator\.gpu.*npm install webgpu.*VK_ICD_FILENAMES=/s);
  });

  it('throws WebGpuUnavailableError with the platform hint when there is no adapter', async () => {
    const entry = { requestAdapter: async () => null } as unknown as GPU;
    await expect(createGpu({ gpu: entry, noAdapterHint: 'HINT.' })).rejects.toThrow(
      /requestAdapter\(\) found no adapter\. HINT\. In Node/,
    );
  });
});

describe('vulkanHint', () => {
  it('says what VK_ICD_FILENAMES should be, or what is wrong with it', () => {
    expect(vulkanHint('')).toContain('VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json');
    expect(vulkanHint('/no/such.json')).toBe(
      'VK_ICD_FILENAMES names files that do not exist: /no/such.json.',
    );
    expect(vulkanHint(new URL(import.meta.url).pathname)).toMatch(/was set, but its driver gave Dawn no/);
  });
});
