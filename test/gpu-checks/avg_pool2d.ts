// GPU check for avg_pool2d (forward and backward_input) against the CPU reference (Float64), over
// the shared awkward shape table (pool2d_cases.ts), with tolerances set by the length of each f32
// sum. Outputs start as NaN so an unwritten element fails (including the zeros the backward must
// write where no window reaches), and a sentinel tail catches writes past the end.

import { AvgPool2dKernel } from '../../src/kernels/avg_pool2d.ts';
import { pool2dShapes } from '../../src/ops/pool2d.ts';
import { numel } from '../../src/ops/types.ts';
import { avgPool2dBackward, avgPool2dForward } from '../../src/reference/avg_pool2d.ts';
import { createBufferWithData } from '../../src/runtime/buffers.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { closeOutcome, runCase, type CaseResult, type Outcome } from './check.ts';
import { combine, createOutput, readF32, submitPass, tailOutcome } from './kernel_io.ts';
import { POOL2D_CASES, pool2dCaseLabel, windowsPerInput, type Pool2dCase } from './pool2d_cases.ts';

const U = 2 ** -24; // unit roundoff of f32

async function runAvgPool2d(gpu: Gpu, kernel: AvgPool2dKernel, c: Pool2dCase): Promise<Outcome> {
  const random = new Random(3000 + c.batch * 97 + c.channels * 13 + c.inHeight + c.kernel);
  const shapes = pool2dShapes(c);
  const inputs = numel(shapes.input);
  const outputs = numel(shapes.output);
  const input = random.fillUniform(new Float32Array(inputs), -1, 1);
  if (c.values === 'ties') input.forEach((_, i) => (input[i] = random.int(3)));
  const dOut = random.fillUniform(new Float32Array(outputs), -1, 1);
  const refOut = new Float64Array(outputs);
  const refDInput = new Float64Array(inputs);
  avgPool2dForward(refOut, input, c);
  avgPool2dBackward(refDInput, dOut, c);

  const storage = GPUBufferUsage.STORAGE;
  const inputBuffer = createBufferWithData(gpu, 'input', input, storage);
  const dOutBuffer = createBufferWithData(gpu, 'dOut', dOut, storage);
  const out = createOutput(gpu, 'out', outputs, NaN, 'f32');
  const dInput = createOutput(gpu, 'dInput', inputs, NaN, 'f32');
  const binding = kernel.bind({ out, input: inputBuffer, dInput, dOut: dOutBuffer }, c);
  try {
    submitPass(gpu, 'avg_pool2d check', (pass) => {
      kernel.encodeForward(pass, binding);
      kernel.encodeBackwardInput(pass, binding);
    });
    const gotOut = await readF32(gpu, out);
    const gotDInput = await readF32(gpu, dInput);
    // Forward: k^2 terms of size <= 2 summed in f32 (<= k^2 (k^2 + 1) roundings of 2^-24 in all),
    // divided by k^2, then two more roundings (1/k^2 and the product) relative to the result.
    const area = c.kernel * c.kernel;
    const forwardTolerance = { atol: U * (area + 1), rtol: 3 * U };
    // Backward: n <= ceil(k/s)^2 terms of size <= 1, n^2/2 roundings, scaled by 1/k^2, plus two.
    const n = windowsPerInput(c);
    const backwardTolerance = { atol: (U * n * n) / area, rtol: 3 * U };
    const forward = closeOutcome(gotOut.subarray(0, outputs), refOut, forwardTolerance);
    const backward = closeOutcome(gotDInput.subarray(0, inputs), refDInput, backwardTolerance);
    const grid = `grids ${binding.forwardGrid.x}x${binding.forwardGrid.y}, ${binding.backwardInputGrid.x}x${binding.backwardInputGrid.y}`;
    return combine(
      { ok: true, detail: grid },
      { ok: forward.ok, detail: `forward: ${forward.detail}` },
      { ok: backward.ok, detail: `backward_input: ${backward.detail}` },
      tailOutcome('out', gotOut, outputs, NaN),
      tailOutcome('dInput', gotDInput, inputs, NaN),
    );
  } finally {
    binding.destroy();
    for (const buffer of [inputBuffer, dOutBuffer, out, dInput]) buffer.destroy();
  }
}

export async function checkAvgPool2d(gpu: Gpu): Promise<CaseResult[]> {
  const kernels = new Map<number, Promise<AvgPool2dKernel>>();
  const results: CaseResult[] = [];
  // The NaN case is max_pool2d's concern; for a mean any NaN simply propagates.
  for (const c of POOL2D_CASES.filter((c) => c.values !== 'nan')) {
    results.push(
      await runCase(gpu, pool2dCaseLabel(c), async () => {
        if (!kernels.has(c.workgroupSize)) kernels.set(c.workgroupSize, AvgPool2dKernel.create(gpu, c));
        return runAvgPool2d(gpu, await kernels.get(c.workgroupSize)!, c);
      }),
    );
  }
  return results;
}
