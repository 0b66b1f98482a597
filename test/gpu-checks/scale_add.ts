// GPU check for scale_add.forward against the CPU reference, on seeded inputs of awkward lengths,
// including one whose 1-D grid must fold into 2-D (workgroup size 1, > 65535 workgroups). Each
// case also checks the bounds rule: floats past `length` keep their sentinel value.

import { ScaleAddKernel } from '../../src/kernels/scale_add.ts';
import { scaleAddForward } from '../../src/reference/scale_add.ts';
import { createBufferWithData, readFloat32 } from '../../src/runtime/buffers.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { closeOutcome, runCase, type CaseResult, type Outcome } from './check.ts';

interface ScaleAddCase {
  length: number;
  workgroupSize: number;
  scale: number;
}

const cases: readonly ScaleAddCase[] = [
  { length: 1, workgroupSize: 64, scale: 2.5 },
  { length: 4099, workgroupSize: 64, scale: -1.3 },
  { length: 70_001, workgroupSize: 256, scale: 0.7 },
  { length: 9_999, workgroupSize: 7, scale: 3 },
  { length: 100_003, workgroupSize: 1, scale: -0.45 }, // 100_003 workgroups: folded to 50_002 x 2
];

// Two float32 roundings (product, sum) of values below 4 in magnitude: each at most 2^-24 * 4 ≈ 2.4e-7.
const tolerance = { atol: 1e-6, rtol: 1e-6 };
const SENTINEL = -777.25;
const TAIL = 3;

async function runScaleAdd(gpu: Gpu, kernel: ScaleAddKernel, c: ScaleAddCase): Promise<Outcome> {
  const random = new Random(1000 + c.length);
  const x = random.fillUniform(new Float32Array(c.length), -1.5, 1.5);
  const y = random.fillUniform(new Float32Array(c.length), -1, 1);
  const expected = new Float32Array(c.length);
  scaleAddForward(expected, x, y, { scale: c.scale });

  const storage = GPUBufferUsage.STORAGE;
  const xBuffer = createBufferWithData(gpu, 'x', x, storage);
  const yBuffer = createBufferWithData(gpu, 'y', y, storage);
  const initial = new Float32Array(c.length + TAIL).fill(SENTINEL);
  const output = createBufferWithData(gpu, 'output', initial, storage | GPUBufferUsage.COPY_SRC);
  const binding = kernel.bind({ output, x: xBuffer, y: yBuffer }, c.length, { scale: c.scale });
  try {
    const encoder = gpu.device.createCommandEncoder({ label: 'scale_add check' });
    const pass = encoder.beginComputePass({ label: 'scale_add.forward' });
    kernel.encodeForward(pass, binding);
    pass.end();
    gpu.submit([encoder.finish()]);
    const actual = await readFloat32(gpu, output);
    const values = closeOutcome(actual.subarray(0, c.length), expected, tolerance);
    const tail = Array.from(actual.subarray(c.length));
    const tailOk = tail.every((v) => v === SENTINEL);
    const grid = `grid ${binding.grid.x}x${binding.grid.y}x${binding.grid.z}`;
    const tailNote = tailOk ? '' : `\nwrote past length: tail is [${tail.join(', ')}], expected ${SENTINEL}`;
    return { ok: values.ok && tailOk, detail: `${grid}; ${values.detail}${tailNote}` };
  } finally {
    binding.destroy();
    for (const buffer of [xBuffer, yBuffer, output]) buffer.destroy();
  }
}

export async function checkScaleAdd(gpu: Gpu): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const label = `length ${c.length}, workgroup ${c.workgroupSize}, scale ${c.scale}`;
    results.push(
      await runCase(gpu, label, async () => runScaleAdd(gpu, await ScaleAddKernel.create(gpu, c), c)),
    );
  }
  return results;
}
