// GPU check for bce_logits (per-row loss by a workgroup reduction; dLogits elementwise) against
// src/reference/bce_logits.ts: 1 and 784 columns, odd row counts, logits of +-1000 (stability),
// two reduction workgroup sizes, a 70-row batch (70 workgroups forward, several backward),
// run-to-run bit identity and no write past the end.

import { BceLogitsKernel } from '../../src/kernels/bce_logits.ts';
import { bceLogitsBackward, bceLogitsForward } from '../../src/reference/bce_logits.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { closeOutcome, runCase, type CaseResult } from './check.ts';
import { runOp } from './op_run.ts';
import { combine } from './tensor_io.ts';

interface BceCase {
  rows: number;
  cols: number;
  /** Logits uniform in [-range, range]. */
  range: number;
  reduce: 32 | 64;
}

export const BCE_LOGITS_CASES: readonly BceCase[] = [
  { rows: 1, cols: 1, range: 4, reduce: 64 },
  { rows: 3, cols: 784, range: 6, reduce: 64 },
  { rows: 5, cols: 13, range: 1000, reduce: 32 },
  { rows: 70, cols: 100, range: 6, reduce: 32 },
];

async function checkCase(gpu: Gpu, kernel: BceLogitsKernel, c: BceCase, seed: number) {
  const random = new Random(seed);
  const n = c.rows * c.cols;
  const logits = random.fillUniform(new Float32Array(n), -c.range, c.range);
  const targets = random.fillUniform(new Float32Array(n), 0, 1);
  const scale = 1 / c.rows;
  const run = await runOp(
    gpu,
    'bce_logits check',
    { logits, targets },
    { lossPerRow: c.rows, dLogits: n },
    (b) => {
      const fwd = kernel.bindForward(
        { lossPerRow: b.lossPerRow, logits: b.logits, targets: b.targets },
        c.rows,
        c.cols,
      );
      const bwd = kernel.bindBackwardInput(
        { dLogits: b.dLogits, logits: b.logits, targets: b.targets },
        c.rows,
        c.cols,
        scale,
      );
      const record = (pass: GPUComputePassEncoder) => {
        kernel.encodeForward(pass, fwd);
        kernel.encodeBackwardInput(pass, bwd);
      };
      return { record, bindings: [fwd, bwd] };
    },
  );
  const loss = new Float64Array(c.rows);
  const dLogits = new Float64Array(n);
  bceLogitsForward(loss, logits, targets, c.rows, c.cols);
  bceLogitsBackward(dLogits, logits, targets, c.rows, c.cols, scale);
  // Each term (max(l,0) - l t + log(1 + e)) is within a few ulps of max(1, |l|) <= range; the
  // tree sum rounds each partial at most log2(reduce) + cols/reduce times. 2^-20 * cols * range
  // bounds both with margin; a wrong term is off by O(1).
  const lossTolerance = { atol: 2 ** -20 * c.cols * Math.max(1, c.range), rtol: 1e-5 };
  // (sigmoid(l) - t) is within a few ulps of 1, then scaled.
  const gradTolerance = { atol: 4e-7 * scale, rtol: 1e-5 };
  return combine({
    forward: closeOutcome(run.values.lossPerRow, loss, lossTolerance),
    backward_input: closeOutcome(run.values.dLogits, dLogits, gradTolerance),
    integrity: run.integrity,
  });
}

export async function checkBceLogits(gpu: Gpu): Promise<CaseResult[]> {
  // Created on first use, so a failing compile is reported once, not as an unhandled rejection.
  const factories = {
    32: () => BceLogitsKernel.create(gpu, { reduceWorkgroupSize: 32, workgroupSize: 64 }),
    64: () => BceLogitsKernel.create(gpu),
  };
  const made = new Map<number, ReturnType<(typeof factories)[keyof typeof factories]>>();
  const kernelFor = (size: keyof typeof factories) => {
    if (!made.has(size)) made.set(size, factories[size]());
    return made.get(size)!;
  };
  const results: CaseResult[] = [];
  for (const [i, c] of BCE_LOGITS_CASES.entries()) {
    const label = `${c.rows} rows x ${c.cols} cols, logits +-${c.range}, reduce ${c.reduce}`;
    results.push(
      await runCase(gpu, label, async () => checkCase(gpu, await kernelFor(c.reduce), c, 500 + i)),
    );
  }
  return results;
}
