// Buffer plumbing for the matmul, dense, activation and softmax_cross_entropy GPU checks: upload
// seeded inputs, make outputs pre-filled so that an unwritten element fails (NaN, or 0xdeadbeef
// for u32) and a write past the end shows (a sentinel tail), run one compute pass, read back.
// kernel_io.ts holds the pooling/optimizer checks' variants; the pass submit and tail length are
// shared from there.

import { createBufferWithData, readBuffer } from '../../src/runtime/buffers.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import type { Outcome } from './check.ts';
import { TAIL } from './kernel_io.ts';

export { submitPass } from './kernel_io.ts';

const F32_TAIL = -777.25;
/** Unwritten u32 outputs keep this value, which none of these kernels writes. */
export const U32_UNWRITTEN = 0xdeadbeef;

/** A read-only input (STORAGE usage). */
export function upload(gpu: Gpu, label: string, data: Float32Array | Uint32Array): GPUBuffer {
  return createBufferWithData(gpu, label, data, GPUBufferUsage.STORAGE);
}

/** An output of `count` words (NaN for f32, U32_UNWRITTEN for u32) and a sentinel tail. */
export function output(gpu: Gpu, label: string, count: number, kind: 'f32' | 'u32' = 'f32'): GPUBuffer {
  const words =
    kind === 'f32'
      ? new Float32Array(count + TAIL).fill(NaN).fill(F32_TAIL, count)
      : new Uint32Array(count + TAIL).fill(U32_UNWRITTEN);
  return createBufferWithData(gpu, label, words, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
}

export interface Readback<T> {
  values: T;
  /** ok unless the kernel wrote into the tail past `count`. */
  tail: Outcome;
}

function tailOutcome(name: string, changed: boolean, tail: ArrayLike<number>): Outcome {
  if (!changed) return { ok: true, detail: `${name}: tail untouched` };
  return { ok: false, detail: `${name}: wrote past the end, tail is [${Array.from(tail).join(', ')}]` };
}

/** The first `count` floats of an output made by output(), and whether its tail survived. */
export async function readFloats(
  gpu: Gpu,
  buffer: GPUBuffer,
  count: number,
): Promise<Readback<Float32Array>> {
  const all = new Float32Array(await readBuffer(gpu, buffer));
  const tail = all.subarray(count);
  const changed = tail.some((v) => v !== F32_TAIL);
  return { values: all.slice(0, count), tail: tailOutcome(buffer.label, changed, tail) };
}

/** The first `count` words of a u32 output made by output(), and whether its tail survived. */
export async function readWords(gpu: Gpu, buffer: GPUBuffer, count: number): Promise<Readback<Uint32Array>> {
  const all = new Uint32Array(await readBuffer(gpu, buffer));
  const tail = all.subarray(count);
  const changed = tail.some((v) => v !== U32_UNWRITTEN);
  return { values: all.slice(0, count), tail: tailOutcome(buffer.label, changed, tail) };
}

/** Ok when both arrays hold the same bits: the determinism rule (same inputs, same result). */
export function sameBits(name: string, first: Float32Array, second: Float32Array): Outcome {
  const a = new Uint32Array(first.buffer, first.byteOffset, first.length);
  const b = new Uint32Array(second.buffer, second.byteOffset, second.length);
  const differ = a.length !== b.length ? Infinity : a.filter((word, i) => word !== b[i]).length;
  return {
    ok: differ === 0,
    detail: `${name}: ${differ === 0 ? 'bit-identical' : `${differ} values differ`}`,
  };
}

/** All ok; details joined line by line, each prefixed with its name. */
export function combine(parts: Record<string, Outcome>): Outcome {
  const entries = Object.entries(parts);
  return {
    ok: entries.every(([, o]) => o.ok),
    detail: entries.map(([name, o]) => `${name}: ${o.detail}`).join('\n'),
  };
}
