// GPU check of the runtime's own promises, run in both environments: WGSL compile errors carry
// line:column and the source line; validation scopes turn a bad call into a thrown error; buffer
// counters follow create/destroy. Each case fails unless the expected error really happens.

import { ShaderCompileError, GpuValidationError } from '../../src/runtime/errors.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { liveBuffers } from '../../src/runtime/gpu.ts';
import { createComputePipeline } from '../../src/runtime/pipeline.ts';
import { withValidation } from '../../src/runtime/validation.ts';
import { describeError, runCase, type CaseResult, type Outcome } from './check.ts';

// Line 4 calls a function that does not exist.
const BROKEN_WGSL = [
  '@group(0) @binding(0) var<storage, read_write> data: array<f32>;',
  '@compute @workgroup_size(1)',
  'fn main() {',
  '  data[0] = missing_function(1.0);',
  '}',
].join('\n');

async function brokenShaderIsLocated(gpu: Gpu): Promise<Outcome> {
  try {
    await createComputePipeline(gpu, { label: 'broken', code: BROKEN_WGSL, bindGroupLayouts: [] });
    return { ok: false, detail: 'broken WGSL compiled without error' };
  } catch (error) {
    const message = describeError(error);
    const located = message.includes('broken:4:13 error') && message.includes('missing_function(1.0)');
    return { ok: located && error instanceof ShaderCompileError, detail: message };
  }
}

async function validationScopeThrows(gpu: Gpu): Promise<Outcome> {
  let buffer: GPUBuffer | undefined;
  try {
    // MAP_READ may only be combined with COPY_DST: this is a validation error, not an exception.
    const usage = GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE;
    await withValidation(
      gpu.device,
      () => (buffer = gpu.createBuffer({ label: 'invalid', size: 16, usage })),
    );
    return { ok: false, detail: 'withValidation returned normally for an invalid buffer usage' };
  } catch (error) {
    const ok = error instanceof GpuValidationError && error.kind === 'validation';
    return { ok, detail: describeError(error) };
  } finally {
    buffer?.destroy();
  }
}

async function countersFollowBuffers(gpu: Gpu): Promise<Outcome> {
  const before = gpu.counts();
  const usage = GPUBufferUsage.STORAGE;
  const buffers = [12, 40, 1028].map((size) => gpu.createBuffer({ label: 'counted', size, usage }));
  const during = gpu.counts();
  buffers[0].destroy();
  buffers[0].destroy(); // destroying twice is legal in WebGPU and must be counted once
  buffers.slice(1).forEach((buffer) => buffer.destroy());
  const after = gpu.counts();
  const expectations: [string, number, number][] = [
    ['live buffers while held', liveBuffers(during) - liveBuffers(before), 3],
    ['bytes while held', during.bufferBytesLive - before.bufferBytesLive, 12 + 40 + 1028],
    ['live buffers after destroy', liveBuffers(after) - liveBuffers(before), 0],
    ['bytes after destroy', after.bufferBytesLive - before.bufferBytesLive, 0],
    ['destroys counted', after.buffersDestroyed - before.buffersDestroyed, 3],
  ];
  const wrong = expectations.filter(([, actual, expected]) => actual !== expected);
  const detail = expectations.map(([what, actual, expected]) => `${what}: ${actual} (expected ${expected})`);
  return { ok: wrong.length === 0, detail: detail.join('; ') };
}

export async function checkRuntime(gpu: Gpu): Promise<CaseResult[]> {
  return [
    await runCase(gpu, 'broken WGSL names line 4 and shows it', () => brokenShaderIsLocated(gpu)),
    await runCase(gpu, 'validation scope throws GpuValidationError', () => validationScopeThrows(gpu)),
    await runCase(gpu, 'buffer counters follow create/destroy', () => countersFollowBuffers(gpu)),
  ];
}
