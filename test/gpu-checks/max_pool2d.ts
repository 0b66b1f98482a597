// GPU check for max_pool2d (forward and backward_input) against the CPU reference, over the
// shared awkward shape table (pool2d_cases.ts). The forward is a copy, so `out` must match bit for
// bit and `argmax` exactly, ties and NaN included; the backward (a gather, summed in f32) within a
// tolerance set by how many windows can share one input. Outputs start as NaN / 0xdeadbeef so an
// unwritten element fails, and a sentinel tail catches writes past the end. The fused variant
// (inputActivation: the backward also applies the previous activation's slope) runs on a few
// cases per activation against the reference pool backward followed by the activation backward.

import { MaxPool2dKernel } from '../../src/kernels/max_pool2d.ts';
import type { Activation } from '../../src/ops/activation.ts';
import { activationBackward } from '../../src/reference/activation.ts';
import { pool2dShapes } from '../../src/ops/pool2d.ts';
import { numel } from '../../src/ops/types.ts';
import { maxPool2dBackward, maxPool2dForward } from '../../src/reference/max_pool2d.ts';
import { createBufferWithData } from '../../src/runtime/buffers.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { closeOutcome, runCase, type CaseResult, type Outcome } from './check.ts';
import {
  bitsOutcome,
  combine,
  createOutput,
  readF32,
  readU32,
  submitPass,
  tailOutcome,
} from './kernel_io.ts';
import { POOL2D_CASES, pool2dCaseLabel, windowsPerInput, type Pool2dCase } from './pool2d_cases.ts';

const UNWRITTEN = 0xdeadbeef;
const U = 2 ** -24; // unit roundoff of f32

function makeInput(c: Pool2dCase, random: Random): Float32Array {
  const input = new Float32Array(numel(pool2dShapes(c).input));
  if (c.values === 'ties') return input.map(() => random.int(3));
  random.fillUniform(input, -2, 2);
  if (c.values === 'nan') {
    // About one element in six is NaN or +-Inf: windows with NaN first, NaN after the max, two NaNs.
    const specials = [NaN, NaN, Infinity, -Infinity];
    for (let i = 0; i < input.length; i++) if (random.int(6) === 0) input[i] = specials[random.int(4)];
  }
  return input;
}

/** Windows whose maximum occurs more than once (to show a ties case really has ties). */
function windowsWithTies(input: Float32Array, out: Float64Array, c: Pool2dCase, outWidth: number): number {
  let count = 0;
  const planeOut = out.length / (c.batch * c.channels);
  for (let o = 0; o < out.length; o++) {
    const plane = Math.floor(o / planeOut);
    const oy = Math.floor((o % planeOut) / outWidth);
    const ox = o % outWidth;
    let hits = 0;
    for (let ky = 0; ky < c.kernel; ky++) {
      for (let kx = 0; kx < c.kernel; kx++) {
        const y = oy * c.stride + ky;
        const x = ox * c.stride + kx;
        if (input[(plane * c.inHeight + y) * c.inWidth + x] === out[o]) hits++;
      }
    }
    if (hits > 1) count++;
  }
  return count;
}

async function runMaxPool2d(gpu: Gpu, kernel: MaxPool2dKernel, c: Pool2dCase): Promise<Outcome> {
  const random = new Random(2000 + c.batch * 97 + c.channels * 13 + c.inHeight + c.kernel);
  const shapes = pool2dShapes(c);
  const inputs = numel(shapes.input);
  const outputs = numel(shapes.output);
  const input = makeInput(c, random);
  const dOut = random.fillUniform(new Float32Array(outputs), -1, 1);
  const refOut = new Float64Array(outputs);
  const refArgmax = new Int32Array(outputs);
  const refDInput = new Float64Array(inputs);
  maxPool2dForward(refOut, refArgmax, input, c);
  maxPool2dBackward(refDInput, dOut, refArgmax, c);
  const fused = kernel.inputActivation;
  if (fused !== 'none') activationBackward(refDInput, Float64Array.from(refDInput), input, fused);

  const storage = GPUBufferUsage.STORAGE;
  const inputBuffer = createBufferWithData(gpu, 'input', input, storage);
  const dOutBuffer = createBufferWithData(gpu, 'dOut', dOut, storage);
  const out = createOutput(gpu, 'out', outputs, NaN, 'f32');
  const argmax = createOutput(gpu, 'argmax', outputs, UNWRITTEN, 'u32');
  const dInput = createOutput(gpu, 'dInput', inputs, NaN, 'f32');
  const binding = kernel.bind({ out, argmax, input: inputBuffer, dInput, dOut: dOutBuffer }, c);
  try {
    submitPass(gpu, 'max_pool2d check', (pass) => {
      kernel.encodeForward(pass, binding);
      kernel.encodeBackwardInput(pass, binding);
    });
    const [gotOut, gotArgmax, gotDInput] = [
      await readF32(gpu, out),
      await readU32(gpu, argmax),
      await readF32(gpu, dInput),
    ];
    // A sum of n terms of size <= 1 in f32 is off by at most n^2/2 roundings of 2^-24 (n = windows per input).
    const n = windowsPerInput(c);
    // The fused slope adds one rounding of the product (and y(1-y), 1-y^2 a few of their own).
    const tolerance = { atol: U * n * n * (fused === 'none' ? 1 : 4), rtol: (fused === 'none' ? 2 : 6) * U };
    const ties =
      c.values === 'ties' && fused === 'none' ? windowsWithTies(input, refOut, c, shapes.output[3]) : -1;
    const grid = `grids ${binding.forwardGrid.x}x${binding.forwardGrid.y}, ${binding.backwardInputGrid.x}x${binding.backwardInputGrid.y}`;
    return combine(
      { ok: ties !== 0, detail: ties > 0 ? `${grid}; ${ties} of ${outputs} windows have tied maxima` : grid },
      bitsOutcome('out', gotOut.subarray(0, outputs), Float32Array.from(refOut)),
      bitsOutcome('argmax', gotArgmax.subarray(0, outputs), Uint32Array.from(refArgmax)),
      closeOutcome(gotDInput.subarray(0, inputs), refDInput, tolerance),
      tailOutcome('out', gotOut, outputs, NaN),
      tailOutcome('argmax', gotArgmax, outputs, UNWRITTEN),
      tailOutcome('dInput', gotDInput, inputs, NaN),
    );
  } finally {
    binding.destroy();
    for (const buffer of [inputBuffer, dOutBuffer, out, argmax, dInput]) buffer.destroy();
  }
}

/** Fused activation backward: awkward shapes (overlapping windows, gaps, ties, 7x7) per activation. */
const FUSED_CASES: readonly [Activation, Pool2dCase][] = [
  ['relu', POOL2D_CASES[1]],
  ['relu', POOL2D_CASES[5]],
  ['sigmoid', POOL2D_CASES[2]],
  ['tanh', POOL2D_CASES[4]],
];

/** Cases checkMaxPool2d reports: the shape table, then the fused variants. */
export const MAX_POOL2D_CHECK_CASES = POOL2D_CASES.length + FUSED_CASES.length;

export async function checkMaxPool2d(gpu: Gpu): Promise<CaseResult[]> {
  const kernels = new Map<number, Promise<MaxPool2dKernel>>();
  const results: CaseResult[] = [];
  for (const c of POOL2D_CASES) {
    results.push(
      await runCase(gpu, pool2dCaseLabel(c), async () => {
        if (!kernels.has(c.workgroupSize)) kernels.set(c.workgroupSize, MaxPool2dKernel.create(gpu, c));
        return runMaxPool2d(gpu, await kernels.get(c.workgroupSize)!, c);
      }),
    );
  }
  for (const [inputActivation, c] of FUSED_CASES) {
    results.push(
      await runCase(gpu, `${pool2dCaseLabel(c)}, fused ${inputActivation} backward`, async () => {
        const kernel = await MaxPool2dKernel.create(gpu, { ...c, inputActivation });
        return runMaxPool2d(gpu, kernel, c);
      }),
    );
  }
  return results;
}
