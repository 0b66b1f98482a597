// GPU check for vae_latent (z and per-row KL; dMuLogvar) against src/reference/vae_latent.ts:
// latent 1/3/5/8, rows 1/3/5/70 (several workgroups in both passes), two workgroup sizes,
// run-to-run bit identity and no write past the end.

import { VaeLatentKernel } from '../../src/kernels/vae_latent.ts';
import { vaeLatentBackward, vaeLatentForward } from '../../src/reference/vae_latent.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { closeOutcome, runCase, type CaseResult } from './check.ts';
import { runOp } from './op_run.ts';
import { combine } from './tensor_io.ts';

interface VaeCase {
  rows: number;
  latent: number;
  workgroupSize: 16 | 64;
}

export const VAE_LATENT_CASES: readonly VaeCase[] = [
  { rows: 1, latent: 1, workgroupSize: 64 },
  { rows: 3, latent: 8, workgroupSize: 16 },
  { rows: 5, latent: 3, workgroupSize: 64 },
  { rows: 70, latent: 5, workgroupSize: 16 },
];

async function checkCase(gpu: Gpu, kernel: VaeLatentKernel, c: VaeCase, seed: number) {
  const random = new Random(seed);
  const n = c.rows * c.latent;
  const muLogvar = random.fillUniform(new Float32Array(2 * n), -2, 2);
  const eps = random.fillUniform(new Float32Array(n), -2.5, 2.5);
  const dz = random.fillUniform(new Float32Array(n), -1, 1);
  const scale = 1 / c.rows;
  const outputs = { z: n, klPerRow: c.rows, dMuLogvar: 2 * n };
  const run = await runOp(gpu, 'vae_latent check', { muLogvar, eps, dz }, outputs, (b) => {
    const fwd = kernel.bindForward(
      { z: b.z, klPerRow: b.klPerRow, muLogvar: b.muLogvar, eps: b.eps },
      c.rows,
      c.latent,
    );
    const bwd = kernel.bindBackwardInput(
      { dMuLogvar: b.dMuLogvar, dz: b.dz, muLogvar: b.muLogvar, eps: b.eps },
      c.rows,
      c.latent,
      scale,
    );
    const record = (pass: GPUComputePassEncoder) => {
      kernel.encodeForward(pass, fwd);
      kernel.encodeBackwardInput(pass, bwd);
    };
    return { record, bindings: [fwd, bwd] };
  });
  const z = new Float64Array(n);
  const kl = new Float64Array(c.rows);
  const d = new Float64Array(2 * n);
  vaeLatentForward(z, kl, muLogvar, eps, c.rows, c.latent);
  vaeLatentBackward(d, dz, muLogvar, eps, c.rows, c.latent, scale);
  // exp is accurate to a few ulps; each value is a few operations on numbers below e^2 * 2.5 ~ 19,
  // so errors stay near 1e-6 absolute; the KL adds `latent` such terms (each below ~10).
  return combine({
    z: closeOutcome(run.values.z, z, { atol: 4e-6, rtol: 1e-5 }),
    kl: closeOutcome(run.values.klPerRow, kl, { atol: 4e-6 * c.latent, rtol: 1e-5 }),
    dMuLogvar: closeOutcome(run.values.dMuLogvar, d, { atol: 4e-6, rtol: 1e-5 }),
    integrity: run.integrity,
  });
}

export async function checkVaeLatent(gpu: Gpu): Promise<CaseResult[]> {
  // Created on first use, so a failing compile is reported once, not as an unhandled rejection.
  const factories = {
    16: () => VaeLatentKernel.create(gpu, { workgroupSize: 16 }),
    64: () => VaeLatentKernel.create(gpu),
  };
  const made = new Map<number, ReturnType<(typeof factories)[keyof typeof factories]>>();
  const kernelFor = (size: keyof typeof factories) => {
    if (!made.has(size)) made.set(size, factories[size]());
    return made.get(size)!;
  };
  const results: CaseResult[] = [];
  for (const [i, c] of VAE_LATENT_CASES.entries()) {
    const label = `${c.rows} rows, latent ${c.latent}, workgroup ${c.workgroupSize}`;
    results.push(
      await runCase(gpu, label, async () => checkCase(gpu, await kernelFor(c.workgroupSize), c, 700 + i)),
    );
  }
  return results;
}
