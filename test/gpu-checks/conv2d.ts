// GPU check for conv2d: all four passes (forward with its fused activation, backward_input,
// backward_weight with split_sum, backward_bias) against the CPU reference on the shape table in
// conv2d_cases.ts, plus a determinism case (same inputs twice, bit-identical gradients) and the
// argument errors of bind/encode. Outputs start as NaN with a sentinel tail, so an unwritten
// element or a write past the end fails.

import { Conv2dKernel } from '../../src/kernels/conv2d.ts';
import { conv2dShapes, type Conv2dParams } from '../../src/ops/conv2d.ts';
import { activationForward } from '../../src/reference/activation.ts';
import {
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
} from '../../src/reference/conv2d.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { closeOutcome, describeError, runCase, type CaseResult, type Outcome } from './check.ts';
import { CONV2D_CASES, DETERMINISM_CASES, TILE_CONFIGS, type Conv2dCase } from './conv2d_cases.ts';
import { combine, output, readFloats, sameBits, submitPass, upload } from './tensor_io.ts';

type Tensors = Record<'input' | 'weight' | 'bias' | 'dOut', Float32Array>;
type Results = Record<'output' | 'dInput' | 'dWeight' | 'dBias', Float32Array>;

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function describeCase(c: Conv2dCase): string {
  const p = c.p;
  return (
    `batch ${p.batch}, ${p.inChannels}->${p.outChannels} ch, ${p.inHeight}x${p.inWidth}, ` +
    `kernel ${p.kernelH}x${p.kernelW}, stride ${p.stride}, pad ${p.padding}, ${c.activation}, ${c.tiles} tiles` +
    (c.maxWorkgroupsPerDimension ? `, fold past ${c.maxWorkgroupsPerDimension}` : '')
  );
}

function makeInputs(p: Conv2dParams, seed: number): Tensors {
  const shapes = conv2dShapes(p);
  const random = new Random(seed);
  const uniform = (shape: readonly number[], scale: number) =>
    random.fillUniform(new Float32Array(count(shape)), -scale, scale);
  return {
    input: uniform(shapes.input, 1),
    weight: uniform(shapes.weight, 1),
    bias: uniform(shapes.bias, 0.5),
    dOut: uniform(shapes.output, 1),
  };
}

/** The CPU reference in Float64 from the same float32 inputs the GPU gets. */
function reference(c: Conv2dCase, t: Tensors): Record<keyof Results, Float64Array> {
  const shapes = conv2dShapes(c.p);
  const preActivation = new Float64Array(count(shapes.output));
  conv2dForward(preActivation, t.input, t.weight, t.bias, c.p);
  const out = {
    output: new Float64Array(preActivation.length),
    dInput: new Float64Array(count(shapes.input)),
    dWeight: new Float64Array(count(shapes.weight)),
    dBias: new Float64Array(c.p.outChannels),
  };
  activationForward(out.output, preActivation, c.activation);
  conv2dBackwardInput(out.dInput, t.dOut, t.weight, c.p);
  conv2dBackwardWeight(out.dWeight, t.dOut, t.input, c.p);
  conv2dBackwardBias(out.dBias, t.dOut, c.p);
  return out;
}

/**
 * Tolerance for a sum of `terms` products of values in [-1, 1], accumulated in float32 (u = 2^-24).
 * Each addition rounds by at most u times the running sum; for random signs the running sum stays
 * near sqrt(terms)/3, so the total error is about terms * u / 3. We allow 4 * terms * u (12x that),
 * far below the worst-case bound terms^2 * u. rtol covers exp/tanh's few-ulp error after the sum.
 */
function sumTolerance(terms: number) {
  return { atol: 4 * terms * 2 ** -24 + 1e-6, rtol: 1e-5 };
}

interface Run {
  results: Results;
  tails: Outcome;
  splits: { weight: number; bias: number };
  backwardInputMethod?: string;
}

/** Uploads, binds, records all four passes in one compute pass, reads back, destroys. */
async function runPasses(gpu: Gpu, kernel: Conv2dKernel, c: Conv2dCase, t: Tensors): Promise<Run> {
  const shapes = conv2dShapes(c.p);
  const sizes = {
    output: count(shapes.output),
    dInput: count(shapes.input),
    dWeight: count(shapes.weight),
    dBias: c.p.outChannels,
  };
  const owned: { destroy(): void }[] = [];
  const keep = <T extends { destroy(): void }>(resource: T) => (owned.push(resource), resource);
  try {
    const { input, weight, bias, dOut } = t;
    const at = {
      input: keep(upload(gpu, 'input', input)),
      weight: keep(upload(gpu, 'weight', weight)),
      bias: keep(upload(gpu, 'bias', bias)),
      dOut: keep(upload(gpu, 'dOut', dOut)),
    };
    const outs = Object.fromEntries(
      Object.entries(sizes).map(([name, n]) => [name, keep(output(gpu, name, n))]),
    );
    const forward = keep(
      kernel.bindForward({ output: outs.output, input: at.input, weight: at.weight, bias: at.bias }, c.p),
    );
    const backward = keep(
      kernel.bindBackward(
        {
          dOut: at.dOut,
          dInput: outs.dInput,
          weight: at.weight,
          dWeight: outs.dWeight,
          input: at.input,
          dBias: outs.dBias,
        },
        c.p,
      ),
    );
    submitPass(gpu, 'conv2d check', (pass) => {
      kernel.encodeForward(pass, forward);
      kernel.encodeBackwardInput(pass, backward);
      kernel.encodeBackwardWeight(pass, backward);
      kernel.encodeBackwardBias(pass, backward);
    });
    const reads = await Promise.all(
      Object.entries(sizes).map(async ([name, n]) => [name, await readFloats(gpu, outs[name], n)] as const),
    );
    return {
      results: Object.fromEntries(reads.map(([name, r]) => [name, r.values])) as Results,
      tails: combine(Object.fromEntries(reads.map(([name, r]) => [name, r.tail]))),
      splits: { weight: backward.plan.weightSplits, bias: backward.plan.biasSplits },
      backwardInputMethod: backward.backwardInputMethod,
    };
  } finally {
    for (const resource of owned) resource.destroy();
  }
}

function splitOutcome(c: Conv2dCase, splits: Run['splits']): Outcome {
  const wrong = (want: 'one' | 'several' | undefined, got: number) =>
    want !== undefined && (want === 'one') !== (got === 1);
  const bad = wrong(c.weightSplits, splits.weight) || wrong(c.biasSplits, splits.bias);
  const detail = `weight splits ${splits.weight}, bias splits ${splits.bias}`;
  return {
    ok: !bad,
    detail: bad ? `${detail}; expected weight ${c.weightSplits}, bias ${c.biasSplits}` : detail,
  };
}

async function checkCase(gpu: Gpu, kernel: Conv2dKernel, c: Conv2dCase, seed: number): Promise<Outcome> {
  const t = makeInputs(c.p, seed);
  const run = await runPasses(gpu, kernel, c, t);
  const expected = reference(c, t);
  const taps = c.p.kernelH * c.p.kernelW;
  const r = count(conv2dShapes(c.p).output) / c.p.outChannels; // batch * outHeight * outWidth
  return combine({
    forward: closeOutcome(run.results.output, expected.output, sumTolerance(c.p.inChannels * taps)),
    backward_input: closeOutcome(run.results.dInput, expected.dInput, sumTolerance(c.p.outChannels * taps)),
    backward_weight: closeOutcome(run.results.dWeight, expected.dWeight, sumTolerance(r)),
    backward_bias: closeOutcome(run.results.dBias, expected.dBias, sumTolerance(r)),
    splits: splitOutcome(c, run.splits),
    method: methodOutcome(c, run.backwardInputMethod),
    tails: run.tails,
  });
}

function methodOutcome(c: Conv2dCase, method: string | undefined): Outcome {
  const want = c.backwardInput ?? 'gemm';
  return { ok: method === want, detail: `backward_input by ${method}, expected ${want}` };
}

/** Same inputs twice through fresh bindings: every output must have the same bits. */
async function checkDeterminism(gpu: Gpu, kernel: Conv2dKernel, c: Conv2dCase): Promise<Outcome> {
  const t = makeInputs(c.p, 4242);
  const first = await runPasses(gpu, kernel, c, t);
  const second = await runPasses(gpu, kernel, c, t);
  const names = ['output', 'dInput', 'dWeight', 'dBias'] as const;
  return combine(Object.fromEntries(names.map((n) => [n, sameBits(n, first.results[n], second.results[n])])));
}

/** Runs `fn`; returns its error message, or 'no error'. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return describeError(error);
  }
}

/** Begins a pass, lets `record` try to encode into it, ends it and never submits. */
function tryEncode(gpu: Gpu, record: (pass: GPUComputePassEncoder) => void): string {
  const pass = gpu.device.createCommandEncoder({ label: 'conv2d error check' }).beginComputePass();
  try {
    return errorOf(() => record(pass));
  } finally {
    pass.end();
  }
}

/** bind() names the undersized buffer and the bad param; encode() refuses a missing output and a
 * destroyed binding. */
async function checkArgumentErrors(gpu: Gpu, kernel: Conv2dKernel): Promise<Outcome> {
  const p = CONV2D_CASES[1].p;
  const shapes = conv2dShapes(p);
  const zeros = (n: number) => upload(gpu, 'zeros', new Float32Array(n));
  const outputCount = count(shapes.output);
  const buffers = {
    output: zeros(outputCount - 1),
    input: zeros(count(shapes.input)),
    weight: zeros(count(shapes.weight)),
    bias: zeros(p.outChannels),
  };
  const dOut = zeros(outputCount);
  try {
    const tooSmall = errorOf(() => kernel.bindForward(buffers, p));
    const badParams = errorOf(() => kernel.bindForward({ ...buffers, output: dOut }, { ...p, kernelH: 40 }));
    const binding = kernel.bindBackward({ dOut, dBias: buffers.bias }, p);
    const noOutput = tryEncode(gpu, (pass) => kernel.encodeBackwardInput(pass, binding));
    binding.destroy();
    const destroyed = tryEncode(gpu, (pass) => kernel.encodeBackwardBias(pass, binding));
    const messages = { tooSmall, badParams, noOutput, destroyed };
    const ok =
      /buffer 'output' holds \d+ bytes but needs/.test(tooSmall) &&
      /kernelH 40 is larger than the padded input height/.test(badParams) &&
      /without this pass's output buffer/.test(noOutput) &&
      /destroyed or made by another Conv2dKernel/.test(destroyed);
    return { ok, detail: JSON.stringify(messages, null, 1) };
  } finally {
    for (const buffer of [...Object.values(buffers), dOut]) buffer.destroy();
  }
}

export async function checkConv2d(gpu: Gpu): Promise<CaseResult[]> {
  // One create() per tile configuration; activations and folding are variants of it.
  const bases = new Map<string, Promise<Conv2dKernel>>();
  const kernels = new Map<string, Promise<Conv2dKernel>>();
  const kernelFor = (c: Conv2dCase) => {
    const variant = { activation: c.activation, maxWorkgroupsPerDimension: c.maxWorkgroupsPerDimension };
    const key = JSON.stringify([c.tiles, variant]);
    if (!bases.has(c.tiles))
      bases.set(c.tiles, Conv2dKernel.create(gpu, { ...TILE_CONFIGS[c.tiles], ...variant }));
    if (!kernels.has(key))
      kernels.set(
        key,
        bases.get(c.tiles)!.then((base) => base.variant(variant)),
      );
    return kernels.get(key)!;
  };
  const results: CaseResult[] = [];
  for (const [i, c] of CONV2D_CASES.entries()) {
    results.push(
      await runCase(gpu, describeCase(c), async () => checkCase(gpu, await kernelFor(c), c, 100 + i)),
    );
  }
  for (const c of DETERMINISM_CASES) {
    const label = `determinism: ${describeCase(c)}, twice`;
    results.push(await runCase(gpu, label, async () => checkDeterminism(gpu, await kernelFor(c), c)));
  }
  results.push(
    await runCase(gpu, 'argument errors', async () =>
      checkArgumentErrors(gpu, await kernelFor(CONV2D_CASES[1])),
    ),
  );
  return results;
}
