// GPU check for split_sum.forward: the sum of the partials must equal, bit for bit, float32
// additions in split order 0, 1, 2, ... (the determinism contract), for awkward lengths, one split,
// many splits, and a length past one workgroup row. Outputs start as NaN with a sentinel tail.

import { SplitSumKernel } from '../../src/kernels/split_sum.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { runCase, type CaseResult, type Outcome } from './check.ts';
import { combine, output, readFloats, sameBits, submitPass, upload } from './tensor_io.ts';

interface SplitSumCase {
  length: number;
  splits: number;
  workgroupSize: number;
}

const cases: readonly SplitSumCase[] = [
  { length: 1, splits: 1, workgroupSize: 256 },
  { length: 37, splits: 3, workgroupSize: 256 },
  { length: 1_003, splits: 64, workgroupSize: 64 },
  { length: 70_001, splits: 5, workgroupSize: 7 }, // 10_001 workgroups of 7
];

/** What the shader promises: float32 adds, split 0 first. */
function orderedSum(parts: Float32Array, length: number, splits: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    let sum = 0;
    for (let s = 0; s < splits; s++) sum = Math.fround(sum + parts[s * length + i]);
    out[i] = sum;
  }
  return out;
}

async function runSplitSum(gpu: Gpu, c: SplitSumCase): Promise<Outcome> {
  const kernel = await SplitSumKernel.create(gpu, { workgroupSize: c.workgroupSize });
  // Mixed magnitudes make the order of additions visible in the low bits.
  const random = new Random(77 + c.length);
  const parts = Float32Array.from(
    { length: c.length * c.splits },
    () => random.uniform(-1, 1) * 10 ** (random.int(8) - 3),
  );
  const partsBuffer = upload(gpu, 'parts', parts);
  const out = output(gpu, 'out', c.length);
  const binding = kernel.bind({ out, parts: partsBuffer }, { length: c.length, splits: c.splits });
  try {
    submitPass(gpu, 'split_sum check', (pass) => kernel.encodeForward(pass, binding));
    const read = await readFloats(gpu, out, c.length);
    return combine({
      values: sameBits('out', read.values, orderedSum(parts, c.length, c.splits)),
      tail: read.tail,
    });
  } finally {
    binding.destroy();
    partsBuffer.destroy();
    out.destroy();
  }
}

export async function checkSplitSum(gpu: Gpu): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const label = `length ${c.length}, ${c.splits} splits, workgroup ${c.workgroupSize}`;
    results.push(await runCase(gpu, label, () => runSplitSum(gpu, c)));
  }
  return results;
}
