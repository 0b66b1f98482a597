// GPU check for adam.update against the CPU reference run step by step: three consecutive steps
// (t = 1, 2, 3, so the host-computed bias corrections change) on one flat buffer of odd length
// (several workgroups; one case folds its grid), the learning rate changed between steps through
// writeParams (queue.writeBuffer, no new buffer), weight decay 0 and 1e-4. Gradients span three
// orders of magnitude so the bias corrections and the ratio m / sqrt(v) vary. Tails keep their sentinel.

import { AdamKernel } from '../../src/kernels/adam.ts';
import type { AdamParams } from '../../src/ops/adam.ts';
import { adamUpdate } from '../../src/reference/adam.ts';
import { createBufferWithData } from '../../src/runtime/buffers.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { closeOutcome, runCase, type CaseResult, type Outcome } from './check.ts';
import { storageOut, TAIL, combine, readF32, submitPass, tailOutcome } from './kernel_io.ts';

interface AdamCase {
  length: number;
  workgroupSize: number;
  weightDecay: number;
}

const cases: readonly AdamCase[] = [
  { length: 44_427, workgroupSize: 64, weightDecay: 0 },
  { length: 44_427, workgroupSize: 256, weightDecay: 1e-4 },
  { length: 70_001, workgroupSize: 1, weightDecay: 1e-4 }, // 70 001 workgroups: folded
];

const LEARNING_RATES = [1e-2, 5e-3, 2e-3];
const SENTINEL = -555.5;
// Params: f32 state rounded each step plus ~16 f32 operations whose relative errors reach the
// step lr * mHat / (sqrt(vHat) + eps) <= ~3 lr; |p| <= 1.1 stays within a few 2^-24 per step.
// m: beta1 * m + (1 - beta1) * g can cancel, so its error is absolute, set by the terms (|g| <= 1):
// ~3 roundings of 2^-24 per step, 4 * 2^-24 over three steps. v: a sum of non-negative terms, so
// relative: a few roundings per step. (The betas are f32 values and 1 - beta is exact in f32.)
const paramTolerance = { atol: 2e-6, rtol: 1e-6 };
const mTolerance = { atol: 4 * 2 ** -24, rtol: 4e-6 };
const vTolerance = { atol: 1e-12, rtol: 4e-6 };

function gradient(random: Random, length: number): Float32Array<ArrayBuffer> {
  // Magnitudes 1 down to 1e-3, so the step's ratio m / sqrt(v) is not always near +-1. (Not
  // smaller: where weight decay nearly cancels a tiny gradient, |g| ~ epsilon makes the step
  // hypersensitive to the last bit of g, and f32 vs f64 then differ by more than rounding.)
  return Float32Array.from({ length }, () => random.uniform(-1, 1) * 10 ** -random.int(4));
}

async function runAdam(gpu: Gpu, kernel: AdamKernel, c: AdamCase): Promise<Outcome> {
  const random = new Random(5000 + c.length + c.weightDecay * 1e5);
  const initial = random.fillUniform(new Float32Array(c.length + TAIL), -1, 1).fill(SENTINEL, c.length);
  const zeros = new Float32Array(c.length + TAIL).fill(SENTINEL, c.length);
  const refParams = Float64Array.from(initial.subarray(0, c.length));
  const refM = new Float64Array(c.length);
  const refV = new Float64Array(c.length);

  const parameters = createBufferWithData(gpu, 'parameters', initial, storageOut());
  const m = createBufferWithData(gpu, 'm', zeros, storageOut());
  const v = createBufferWithData(gpu, 'v', zeros, storageOut());
  const grads = gpu.createBuffer({ label: 'grads', size: c.length * 4, usage: storageOut() });
  // f32-representable hyper-parameters, so the reference and the uniform use the same values.
  const hyper = (step: number): AdamParams => ({
    learningRate: Math.fround(LEARNING_RATES[step]),
    beta1: Math.fround(0.9),
    beta2: Math.fround(0.999),
    epsilon: Math.fround(1e-8),
    weightDecay: Math.fround(c.weightDecay),
    step: step + 1,
  });
  const binding = kernel.bind({ parameters, m, v, grads }, c.length, hyper(0));
  const outcomes: Outcome[] = [{ ok: true, detail: `grid ${binding.grid.x}x${binding.grid.y}` }];
  try {
    for (let step = 0; step < LEARNING_RATES.length; step++) {
      const grad = gradient(random, c.length);
      gpu.device.queue.writeBuffer(grads, 0, grad);
      const created = gpu.counts().buffersCreated;
      if (step > 0) kernel.writeParams(binding, hyper(step));
      submitPass(gpu, 'adam check', (pass) => kernel.encodeUpdate(pass, binding));
      const extra = gpu.counts().buffersCreated - created;
      outcomes.push({
        ok: extra === 0,
        detail: extra === 0 ? '' : `step ${step + 1} created ${extra} buffer(s)`,
      });
      adamUpdate(refParams, refM, refV, grad, hyper(step));
      const got = {
        params: await readF32(gpu, parameters),
        m: await readF32(gpu, m),
        v: await readF32(gpu, v),
      };
      const refs = { params: refParams, m: refM, v: refV };
      for (const name of ['params', 'm', 'v'] as const) {
        const tolerance = { params: paramTolerance, m: mTolerance, v: vTolerance }[name];
        const result = closeOutcome(got[name].subarray(0, c.length), refs[name], tolerance);
        outcomes.push(
          {
            ok: result.ok,
            detail: `step ${step + 1} (lr ${LEARNING_RATES[step]}) ${name}: ${result.detail}`,
          },
          tailOutcome(name, got[name], c.length, SENTINEL),
        );
      }
    }
    return combine(...outcomes);
  } finally {
    binding.destroy();
    for (const buffer of [parameters, m, v, grads]) buffer.destroy();
  }
}

export async function checkAdam(gpu: Gpu): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const label = `length ${c.length}, workgroup ${c.workgroupSize}, weight decay ${c.weightDecay}, steps 1-3`;
    results.push(await runCase(gpu, label, async () => runAdam(gpu, await AdamKernel.create(gpu, c), c)));
  }
  return results;
}
