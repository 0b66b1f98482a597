// One-shot runner for the GPU checks of the small CVAE ops (bce_logits, vae_latent,
// concat_onehot): uploads named inputs, makes NaN-filled outputs with a sentinel tail, lets the
// caller bind and record its passes into one compute pass, submits twice (the second run must give
// the same bits: no atomics, no uninitialised reads), reads every output back and destroys
// everything it or the caller's bindings made. Tests only: each readback waits.

import type { Gpu } from '../../src/runtime/gpu.ts';
import type { Outcome } from './check.ts';
import { combine, output, readFloats, sameBits, submitPass, upload } from './tensor_io.ts';

export interface OpRun {
  values: Record<string, Float32Array>;
  /** Tails untouched and both runs bit-identical. */
  integrity: Outcome;
}

type Recorder = (pass: GPUComputePassEncoder) => void;

/**
 * `bind` gets every buffer by name and returns the recorder plus the bindings to destroy.
 * Outputs are listed with their element counts.
 */
export async function runOp(
  gpu: Gpu,
  label: string,
  inputs: Record<string, Float32Array | Uint32Array>,
  outputs: Record<string, number>,
  bind: (buffers: Record<string, GPUBuffer>) => { record: Recorder; bindings: { destroy(): void }[] },
): Promise<OpRun> {
  const buffers: Record<string, GPUBuffer> = {};
  let bindings: { destroy(): void }[] = [];
  try {
    for (const [name, data] of Object.entries(inputs)) buffers[name] = upload(gpu, name, data);
    for (const [name, n] of Object.entries(outputs)) buffers[name] = output(gpu, name, n);
    const bound = bind(buffers);
    bindings = bound.bindings;
    const readAll = async () => {
      const entries = Object.entries(outputs).map(
        async ([name, n]) => [name, await readFloats(gpu, buffers[name], n)] as const,
      );
      return Object.fromEntries(await Promise.all(entries));
    };
    submitPass(gpu, label, bound.record);
    const first = await readAll();
    submitPass(gpu, `${label} (again)`, bound.record);
    const second = await readAll();
    const names = Object.keys(outputs);
    return {
      values: Object.fromEntries(names.map((n) => [n, first[n].values])),
      integrity: combine({
        tails: combine(Object.fromEntries(names.map((n) => [n, first[n].tail]))),
        determinism: combine(
          Object.fromEntries(names.map((n) => [n, sameBits(n, first[n].values, second[n].values)])),
        ),
      }),
    };
  } finally {
    for (const b of bindings) b.destroy();
    for (const buffer of Object.values(buffers)) buffer.destroy();
  }
}
