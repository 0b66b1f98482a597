// GPU check for concat_onehot (out = [a ; onehot(label)]; dA = dOut's first `width` columns)
// against src/reference/concat_onehot.ts: width 1/8/13/784, classes 1/3/10, rows 1/3/5/70
// (several workgroups), two workgroup sizes. Pure copies, so the comparison is exact; also
// run-to-run bit identity and no write past the end.

import { ConcatOnehotKernel } from '../../src/kernels/concat_onehot.ts';
import { concatOnehotBackward, concatOnehotForward } from '../../src/reference/concat_onehot.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { closeOutcome, runCase, type CaseResult } from './check.ts';
import { runOp } from './op_run.ts';
import { combine } from './tensor_io.ts';

interface ConcatCase {
  rows: number;
  width: number;
  classes: number;
  workgroupSize: 64 | 256;
}

export const CONCAT_ONEHOT_CASES: readonly ConcatCase[] = [
  { rows: 1, width: 1, classes: 1, workgroupSize: 256 },
  { rows: 3, width: 784, classes: 10, workgroupSize: 256 },
  { rows: 5, width: 8, classes: 10, workgroupSize: 64 },
  { rows: 70, width: 13, classes: 3, workgroupSize: 64 },
];

const EXACT = { atol: 0, rtol: 0 };

async function checkCase(gpu: Gpu, kernel: ConcatOnehotKernel, c: ConcatCase, seed: number) {
  const random = new Random(seed);
  const a = random.fillUniform(new Float32Array(c.rows * c.width), -1, 1);
  const labels = Uint32Array.from({ length: c.rows }, () => random.int(c.classes));
  const wide = c.rows * (c.width + c.classes);
  const dOut = random.fillUniform(new Float32Array(wide), -1, 1);
  const run = await runOp(
    gpu,
    'concat_onehot check',
    { a, labels, dOut },
    { out: wide, dA: c.rows * c.width },
    (b) => {
      const fwd = kernel.bindForward({ out: b.out, a: b.a, labels: b.labels }, c.rows, c.width, c.classes);
      const bwd = kernel.bindBackwardInput({ dA: b.dA, dOut: b.dOut }, c.rows, c.width, c.classes);
      const record = (pass: GPUComputePassEncoder) => {
        kernel.encodeForward(pass, fwd);
        kernel.encodeBackwardInput(pass, bwd);
      };
      return { record, bindings: [fwd, bwd] };
    },
  );
  const out = new Float64Array(wide);
  const dA = new Float64Array(c.rows * c.width);
  concatOnehotForward(out, a, labels, c.rows, c.width, c.classes);
  concatOnehotBackward(dA, dOut, c.rows, c.width, c.classes);
  return combine({
    forward: closeOutcome(run.values.out, out, EXACT),
    backward_input: closeOutcome(run.values.dA, dA, EXACT),
    integrity: run.integrity,
  });
}

export async function checkConcatOnehot(gpu: Gpu): Promise<CaseResult[]> {
  // Created on first use, so a failing compile is reported once, not as an unhandled rejection.
  const factories = {
    64: () => ConcatOnehotKernel.create(gpu, { workgroupSize: 64 }),
    256: () => ConcatOnehotKernel.create(gpu),
  };
  const made = new Map<number, ReturnType<(typeof factories)[keyof typeof factories]>>();
  const kernelFor = (size: keyof typeof factories) => {
    if (!made.has(size)) made.set(size, factories[size]());
    return made.get(size)!;
  };
  const results: CaseResult[] = [];
  for (const [i, c] of CONCAT_ONEHOT_CASES.entries()) {
    const label = `${c.rows} rows, width ${c.width}, ${c.classes} classes, workgroup ${c.workgroupSize}`;
    results.push(
      await runCase(gpu, label, async () => checkCase(gpu, await kernelFor(c.workgroupSize), c, 900 + i)),
    );
  }
  return results;
}
