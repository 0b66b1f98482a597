// Small helpers shared by the GPU checks of max_pool2d, avg_pool2d, sgd, adam and gather_batch:
// record one compute pass and submit it, read words back, and check that a buffer's tail past the
// data kept its sentinel (the "no write past the end" rule). Tests only: each readback waits.

import { createBufferWithData, readBuffer } from '../../src/runtime/buffers.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import type { Outcome } from './check.ts';

/** Words appended to every output buffer, filled with a sentinel the kernel must not overwrite. */
export const TAIL = 3;
/** Usage of buffers a check writes, rewrites and reads back. A function: in Node the GPUBufferUsage
 * global exists only once the webgpu package is loaded, after this module is imported. */
export function storageOut(): GPUBufferUsageFlags {
  return GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
}

/** Records `record` into one compute pass of a fresh command buffer and submits it. */
export function submitPass(gpu: Gpu, label: string, record: (pass: GPUComputePassEncoder) => void): void {
  const encoder = gpu.device.createCommandEncoder({ label });
  const pass = encoder.beginComputePass({ label });
  record(pass);
  pass.end();
  gpu.submit([encoder.finish()]);
}

/** An output buffer of `length` words plus TAIL, every word set to `fill` (f32 or u32). */
export function createOutput(
  gpu: Gpu,
  label: string,
  length: number,
  fill: number,
  kind: 'f32' | 'u32',
): GPUBuffer {
  const words = kind === 'f32' ? new Float32Array(length + TAIL) : new Uint32Array(length + TAIL);
  return createBufferWithData(gpu, label, words.fill(fill), storageOut());
}

export async function readF32(gpu: Gpu, buffer: GPUBuffer): Promise<Float32Array> {
  return new Float32Array(await readBuffer(gpu, buffer));
}

export async function readU32(gpu: Gpu, buffer: GPUBuffer): Promise<Uint32Array> {
  return new Uint32Array(await readBuffer(gpu, buffer));
}

/** Fails unless every word of `words` from `length` on still has the bits of `fill`. */
export function tailOutcome(
  name: string,
  words: Float32Array | Uint32Array,
  length: number,
  fill: number,
): Outcome {
  const bits = new Uint32Array(words.buffer, words.byteOffset, words.length);
  const expected = new Uint32Array(
    words instanceof Float32Array ? new Float32Array([fill]).buffer : [fill],
  )[0];
  const bad = Array.from(bits.subarray(length)).filter((b) => b !== expected);
  return bad.length === 0
    ? { ok: true, detail: '' }
    : {
        ok: false,
        detail: `${name}: wrote past element ${length} (${bad.length} of the ${TAIL} tail words changed)`,
      };
}

/** Equality of bit patterns (so NaN equals NaN and -0 differs from 0), with a mismatch table. */
export function bitsOutcome(
  name: string,
  actual: Float32Array | Uint32Array,
  expected: Float32Array | Uint32Array,
  show = 8,
): Outcome {
  if (actual.length !== expected.length) {
    return { ok: false, detail: `${name}: length ${actual.length}, expected ${expected.length}` };
  }
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  const rows: string[] = [];
  let mismatches = 0;
  for (let i = 0; i < e.length; i++) {
    // Any NaN equals any NaN: the payload is not part of the contract.
    const bothNan = Number.isNaN(actual[i]) && Number.isNaN(expected[i]);
    if (a[i] === e[i] || bothNan) continue;
    mismatches++;
    if (rows.length < show) rows.push(`  [${i}] actual ${actual[i]} expected ${expected[i]}`);
  }
  const head = `${name}: ${mismatches} of ${e.length} differ (bit-exact)`;
  return { ok: mismatches === 0, detail: [head, ...rows].join('\n') };
}

/** All outcomes ok; details joined, empty ones dropped. */
export function combine(...outcomes: Outcome[]): Outcome {
  return {
    ok: outcomes.every((o) => o.ok),
    detail: outcomes
      .map((o) => o.detail)
      .filter(Boolean)
      .join('\n'),
  };
}
