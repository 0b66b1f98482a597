// GPU check for sgd.update against the CPU reference run step by step: three consecutive steps on
// one flat buffer of odd length (several workgroups; one case folds its grid), the learning rate
// changed between steps through writeParams (queue.writeBuffer, no new buffer), momentum 0 and 0.9,
// weight decay 0 and 5e-4. With momentum 0 the velocity starts as NaN: it must be overwritten,
// never read. Parameter and velocity tails keep their sentinel (no write past the end).

import { SgdKernel } from '../../src/kernels/sgd.ts';
import type { SgdParams } from '../../src/ops/sgd.ts';
import { sgdUpdate } from '../../src/reference/sgd.ts';
import { createBufferWithData } from '../../src/runtime/buffers.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { closeOutcome, runCase, type CaseResult, type Outcome } from './check.ts';
import { storageOut, TAIL, combine, readF32, submitPass, tailOutcome } from './kernel_io.ts';

interface SgdCase {
  length: number;
  workgroupSize: number;
  momentum: number;
  weightDecay: number;
}

const cases: readonly SgdCase[] = [
  { length: 44_427, workgroupSize: 64, momentum: 0, weightDecay: 0 },
  { length: 44_427, workgroupSize: 64, momentum: 0.9, weightDecay: 0 },
  { length: 44_427, workgroupSize: 64, momentum: 0, weightDecay: 5e-4 },
  { length: 44_427, workgroupSize: 256, momentum: 0.9, weightDecay: 5e-4 },
  { length: 70_001, workgroupSize: 1, momentum: 0.9, weightDecay: 5e-4 }, // 70 001 workgroups: folded
];

const LEARNING_RATES = [0.1, 0.05, 0.02];
const SENTINEL = -555.5;
// Each step rounds params and velocity to f32 and does ~4 f32 operations on values below 4 in
// magnitude; three steps stay below 16 roundings of 4 * 2^-24 = 3.8e-6.
const tolerance = { atol: 4e-6, rtol: 1e-6 };

async function runSgd(gpu: Gpu, kernel: SgdKernel, c: SgdCase): Promise<Outcome> {
  const random = new Random(4000 + c.length + c.momentum * 10 + c.weightDecay * 1e4);
  const initial = random.fillUniform(new Float32Array(c.length + TAIL), -1, 1).fill(SENTINEL, c.length);
  // With momentum 0 the old velocity must not matter: start it as NaN to prove it is not read.
  const velocityStart = new Float32Array(c.length + TAIL)
    .fill(c.momentum === 0 ? NaN : 0)
    .fill(SENTINEL, c.length);
  const refParams = Float64Array.from(initial.subarray(0, c.length));
  const refVelocity = new Float64Array(c.length);

  const parameters = createBufferWithData(gpu, 'parameters', initial, storageOut());
  const velocity = createBufferWithData(gpu, 'velocity', velocityStart, storageOut());
  const grads = gpu.createBuffer({ label: 'grads', size: c.length * 4, usage: storageOut() });
  // f32-representable hyper-parameters, so the reference and the uniform use the same values.
  const hyper = (step: number): SgdParams => ({
    learningRate: Math.fround(LEARNING_RATES[step]),
    momentum: Math.fround(c.momentum),
    weightDecay: Math.fround(c.weightDecay),
  });
  const binding = kernel.bind({ parameters, velocity, grads }, c.length, hyper(0));
  const outcomes: Outcome[] = [{ ok: true, detail: `grid ${binding.grid.x}x${binding.grid.y}` }];
  try {
    for (let step = 0; step < LEARNING_RATES.length; step++) {
      const grad = random.fillUniform(new Float32Array(c.length), -1, 1);
      gpu.device.queue.writeBuffer(grads, 0, grad);
      const created = gpu.counts().buffersCreated;
      if (step > 0) kernel.writeParams(binding, hyper(step));
      submitPass(gpu, 'sgd check', (pass) => kernel.encodeUpdate(pass, binding));
      const extra = gpu.counts().buffersCreated - created;
      outcomes.push({
        ok: extra === 0,
        detail: extra === 0 ? '' : `step ${step + 1} created ${extra} buffer(s)`,
      });
      sgdUpdate(refParams, refVelocity, grad, hyper(step));
      const gotParams = await readF32(gpu, parameters);
      const gotVelocity = await readF32(gpu, velocity);
      const p = closeOutcome(gotParams.subarray(0, c.length), refParams, tolerance);
      const v = closeOutcome(gotVelocity.subarray(0, c.length), refVelocity, tolerance);
      outcomes.push(
        { ok: p.ok, detail: `step ${step + 1} (lr ${LEARNING_RATES[step]}) params: ${p.detail}` },
        { ok: v.ok, detail: `step ${step + 1} velocity: ${v.detail}` },
        tailOutcome('params', gotParams, c.length, SENTINEL),
        tailOutcome('velocity', gotVelocity, c.length, SENTINEL),
      );
    }
    return combine(...outcomes);
  } finally {
    binding.destroy();
    for (const buffer of [parameters, velocity, grads]) buffer.destroy();
  }
}

export async function checkSgd(gpu: Gpu): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const label = `length ${c.length}, workgroup ${c.workgroupSize}, momentum ${c.momentum}, weight decay ${c.weightDecay}, 3 steps`;
    results.push(await runCase(gpu, label, async () => runSgd(gpu, await SgdKernel.create(gpu, c), c)));
  }
  return results;
}
