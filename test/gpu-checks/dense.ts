// GPU check for dense: every pass (forward with bias + each fused activation, backward_input,
// backward_weight with split-K on and off, backward_bias) against src/reference/dense.ts on seeded
// inputs; batch 1/3/5/64/130, features that are not multiples of 4, one shape needing several
// workgroups along every dispatched dimension, two tile configurations, and run-to-run bit
// identity. Outputs start as NaN with a sentinel tail, so unwritten or overrun elements fail.
// Fused variants: every backward_weight also runs bound with dBias (the bias gradient from the
// GEMM's row sums without split-K, its own pass with), and some cases build the kernel with an
// inputActivation, whose backward_input must equal the reference dInput times that slope.

import { DenseKernel } from '../../src/kernels/dense.ts';
import type { MatmulTiles } from '../../src/kernels/matmul.ts';
import type { Activation } from '../../src/ops/activation.ts';
import { denseShapes, type DenseParams } from '../../src/ops/dense.ts';
import { numel } from '../../src/ops/types.ts';
import { activationBackward, activationForward } from '../../src/reference/activation.ts';
import {
  denseBackwardBias,
  denseBackwardInput,
  denseBackwardWeight,
  denseForward,
} from '../../src/reference/dense.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { closeOutcome, describeError, runCase, type CaseResult, type Outcome } from './check.ts';
import { combine, output, readFloats, sameBits, submitPass, upload } from './tensor_io.ts';

interface DenseCase extends DenseParams {
  activation: Activation;
  /** The activation fused into backward_input (its slope from the input values). */
  inputActivation: Activation;
  tiles: MatmulTiles;
  /** forward and backward_weight run once per entry; undefined = the kernel's own choice. */
  forwardSplits: (number | undefined)[];
  weightSplits: (number | undefined)[];
}

// DEFAULT_MATMUL_TILES and FALLBACK_ADAPTER_TUNING's dense tiles (8 x 8 C per invocation).
const DEFAULT_TILES: MatmulTiles = { workgroupX: 8, workgroupY: 8, tileK: 16 };
const SMALL_TILES: MatmulTiles = { workgroupX: 4, workgroupY: 4, tileK: 8 };

const ANY = undefined;

// Tile sizes 64 (default) and 32 (small): 130 rows and 150/70 columns need 2-5 workgroups along
// x and y in every GEMM, and split-K adds z. Splits asked for are exact (a test would fail if
// bind() used another count); ANY lets chooseMatmulSplits pick, e.g. 10 for K = 785, 4 for 150.
type Splits = (number | undefined)[];
type CaseRow = [
  batch: number,
  inFeatures: number,
  outFeatures: number,
  activation: Activation,
  tiles: MatmulTiles,
  forwardSplits: Splits,
  weightSplits: Splits,
  inputActivation?: Activation,
];

const ROWS: readonly CaseRow[] = [
  [1, 785, 10, 'relu', DEFAULT_TILES, [1, ANY], [1]],
  [130, 150, 70, 'relu', DEFAULT_TILES, [1, 2], [1, 3], 'relu'],
  [64, 120, 84, 'relu', DEFAULT_TILES, [ANY], [4, ANY]],
  [3, 30, 10, 'sigmoid', SMALL_TILES, [ANY], [1], 'tanh'],
  [5, 84, 3, 'tanh', SMALL_TILES, [1, 3], [1], 'sigmoid'],
  [64, 120, 84, 'none', SMALL_TILES, [1], [1, 8], 'relu'],
  [3, 3, 120, 'sigmoid', SMALL_TILES, [1], [1]],
  [130, 150, 70, 'tanh', SMALL_TILES, [ANY], [3, ANY]],
];

const CASES: readonly DenseCase[] = ROWS.map(
  ([batch, inFeatures, outFeatures, activation, tiles, forwardSplits, weightSplits, inputActivation]) => ({
    batch,
    inFeatures,
    outFeatures,
    activation,
    inputActivation: inputActivation ?? 'none',
    tiles,
    forwardSplits,
    weightSplits,
  }),
);

/**
 * Each GEMM output sums K products of magnitude below 1 (inputs and dOut in [-1, 1], weights
 * scaled by 1/sqrt(in)). f32 accumulation rounds K times by at most 2^-24 of a running sum that
 * stays below about sqrt(K): K * 2^-20 leaves a margin of 16, far below the cost of a missing,
 * doubled or misplaced term. 2e-6 more covers exp in sigmoid/tanh (their slope is <= 1).
 */
function tolerance(reductionLength: number) {
  return { atol: reductionLength * 2 ** -20 + 2e-6, rtol: 0 };
}

interface DenseData {
  input: Float32Array;
  weight: Float32Array;
  bias: Float32Array;
  dOut: Float32Array;
}

function makeData(c: DenseCase): DenseData {
  const random = new Random(31 * c.batch + 1009 * c.inFeatures + 7 * c.outFeatures);
  const shapes = denseShapes(c);
  const scale = 1 / Math.sqrt(c.inFeatures);
  return {
    input: random.fillUniform(new Float32Array(numel(shapes.input))),
    weight: random.fillUniform(new Float32Array(numel(shapes.weight)), -scale, scale),
    bias: random.fillUniform(new Float32Array(numel(shapes.bias)), -0.5, 0.5),
    dOut: random.fillUniform(new Float32Array(numel(shapes.output))),
  };
}

/** The reference in Float64 arrays from the same Float32 inputs. */
function expectedValues(c: DenseCase, d: DenseData) {
  const shapes = denseShapes(c);
  const f64 = (shape: readonly number[]) => new Float64Array(numel(shape));
  const output = f64(shapes.output);
  denseForward(output, d.input, d.weight, d.bias, c);
  activationForward(output, output, c.activation);
  const dInput = f64(shapes.input);
  denseBackwardInput(dInput, d.dOut, d.weight, c);
  if (c.inputActivation !== 'none') {
    activationBackward(dInput, Float64Array.from(dInput), d.input, c.inputActivation);
  }
  const dWeight = f64(shapes.weight);
  denseBackwardWeight(dWeight, d.dOut, d.input, c);
  const dBias = f64(shapes.bias);
  denseBackwardBias(dBias, d.dOut, c);
  return { output, dInput, dWeight, dBias };
}

/** Runs `record` twice; the first result is compared, the second must carry the same bits. */
async function runTwice(
  gpu: Gpu,
  label: string,
  buffer: GPUBuffer,
  count: number,
  record: (pass: GPUComputePassEncoder) => void,
) {
  submitPass(gpu, label, record);
  const first = await readFloats(gpu, buffer, count);
  submitPass(gpu, `${label} (again)`, record);
  const second = await readFloats(gpu, buffer, count);
  return {
    values: first.values,
    tail: first.tail,
    determinism: sameBits(label, first.values, second.values),
  };
}

/** A requested split count must be honoured exactly; a chosen one is only reported. */
function splitCount(requested: number | undefined, used: number): Outcome {
  const ok = requested === undefined || requested === used;
  return { ok, detail: `${used} chunk(s)${requested === undefined ? ' (chosen by the kernel)' : ''}` };
}

type DenseBuffers = Record<
  'input' | 'weight' | 'bias' | 'dOut' | 'output' | 'dInput' | 'dWeight' | 'dBias',
  GPUBuffer
>;

function createBuffers(gpu: Gpu, d: DenseData, expected: ReturnType<typeof expectedValues>): DenseBuffers {
  return {
    input: upload(gpu, 'input', d.input),
    weight: upload(gpu, 'weight', d.weight),
    bias: upload(gpu, 'bias', d.bias),
    dOut: upload(gpu, 'dOut', d.dOut),
    output: output(gpu, 'output', expected.output.length),
    dInput: output(gpu, 'dInput', expected.dInput.length),
    dWeight: output(gpu, 'dWeight', expected.dWeight.length),
    dBias: output(gpu, 'dBias', expected.dBias.length),
  };
}

async function runDense(gpu: Gpu, kernel: DenseKernel, c: DenseCase): Promise<Outcome> {
  const data = makeData(c);
  const expected = expectedValues(c, data);
  const buffers = createBuffers(gpu, data, expected);
  const { input, weight, bias, dOut } = buffers;
  const bindings: { destroy(): void }[] = [];
  try {
    const parts: Record<string, Outcome> = {};
    const check = async (
      name: string,
      buffer: GPUBuffer,
      want: Float64Array,
      k: number,
      record: (pass: GPUComputePassEncoder) => void,
    ) => {
      const run = await runTwice(gpu, `dense.${name}`, buffer, want.length, record);
      parts[name] = closeOutcome(run.values, want, tolerance(k));
      parts[`${name} tail`] = run.tail;
      parts[`${name} determinism`] = run.determinism;
    };

    for (const splits of c.forwardSplits) {
      const binding = kernel.bindForward({ output: buffers.output, input, weight, bias }, c, { splits });
      bindings.push(binding);
      const name = `forward splits ${splits ?? 'any'} -> ${binding.splits}`;
      await check(name, buffers.output, expected.output, c.inFeatures, (pass) =>
        kernel.encodeForward(pass, binding),
      );
      parts[`${name} count`] = splitCount(splits, binding.splits);
    }

    const fusedInput = c.inputActivation === 'none' ? {} : { input };
    const backwardInput = kernel.bindBackwardInput(
      { dInput: buffers.dInput, dOut, weight, ...fusedInput },
      c,
    );
    bindings.push(backwardInput);
    await check(
      `backward_input (slope of ${c.inputActivation})`,
      buffers.dInput,
      expected.dInput,
      c.outFeatures,
      (pass) => kernel.encodeBackwardInput(pass, backwardInput),
    );

    for (const splits of c.weightSplits) {
      const binding = kernel.bindBackwardWeight({ dWeight: buffers.dWeight, dOut, input }, c, { splits });
      bindings.push(binding);
      const name = `backward_weight splits ${splits ?? 'any'} -> ${binding.splits}`;
      await check(name, buffers.dWeight, expected.dWeight, c.batch, (pass) =>
        kernel.encodeBackwardWeight(pass, binding),
      );
      parts[`${name} count`] = splitCount(splits, binding.splits);
      // The same pass bound with dBias: both gradients from one encode (one dispatch unsplit).
      const withBias = kernel.bindBackwardWeight(
        { dWeight: buffers.dWeight, dOut, input, dBias: buffers.dBias },
        c,
        {
          splits,
        },
      );
      bindings.push(withBias);
      const record = (pass: GPUComputePassEncoder) => kernel.encodeBackwardWeight(pass, withBias);
      await check(`${name} with dBias: dWeight`, buffers.dWeight, expected.dWeight, c.batch, record);
      await check(`${name} with dBias: dBias`, buffers.dBias, expected.dBias, c.batch, record);
      parts[`${name} with dBias: bias pass`] = {
        ok: (withBias.bias !== undefined) === withBias.splits > 1,
        detail: withBias.bias ? 'separate bias pass (split-K)' : 'bias fused into the GEMM',
      };
    }

    const backwardBias = kernel.bindBackwardBias({ dBias: buffers.dBias, dOut }, c);
    bindings.push(backwardBias);
    await check('backward_bias', buffers.dBias, expected.dBias, c.batch, (pass) =>
      kernel.encodeBackwardBias(pass, backwardBias),
    );
    return combine(parts);
  } finally {
    for (const thing of [...bindings, ...Object.values(buffers)]) thing.destroy();
  }
}

/** bind*() must reject bad params and short buffers before any GPU work, naming what is wrong. */
async function badBindingsAreRejected(gpu: Gpu, kernel: DenseKernel): Promise<Outcome> {
  const p = { batch: 3, inFeatures: 10, outFeatures: 4 };
  const big = upload(gpu, 'big', new Float32Array(64));
  const short = upload(gpu, 'short', new Float32Array(39)); // weight needs 4 x 10 = 40
  const attempts: [string, () => unknown, RegExp][] = [
    [
      'short weight',
      () => kernel.bindForward({ output: big, input: big, weight: short, bias: big }, p),
      /dense\.forward: buffer 'weight' holds 156 bytes but needs 160/,
    ],
    [
      'batch 0',
      () => kernel.bindBackwardWeight({ dWeight: big, dOut: big, input: big }, { ...p, batch: 0 }),
      /dense: batch must be a positive integer, got 0/,
    ],
  ];
  try {
    const parts: Record<string, Outcome> = {};
    for (const [name, attempt, expected] of attempts) {
      try {
        attempt();
        parts[name] = { ok: false, detail: 'accepted' };
      } catch (error) {
        const message = describeError(error);
        parts[name] = { ok: expected.test(message), detail: message };
      }
    }
    return combine(parts);
  } finally {
    big.destroy();
    short.destroy();
  }
}

function tilesName(t: MatmulTiles): string {
  return `wg ${t.workgroupX}x${t.workgroupY} tileK ${t.tileK}`;
}

export async function checkDense(gpu: Gpu): Promise<CaseResult[]> {
  const kernels = new Map<string, Promise<DenseKernel>>();
  const results: CaseResult[] = [];
  for (const c of CASES) {
    const { activation, inputActivation, tiles } = c;
    const key = `${activation}, input slope ${inputActivation}, ${tilesName(tiles)}`;
    if (!kernels.has(key)) kernels.set(key, DenseKernel.create(gpu, { activation, inputActivation, tiles }));
    const label = `batch ${c.batch} in ${c.inFeatures} out ${c.outFeatures}, ${key}`;
    results.push(await runCase(gpu, label, async () => runDense(gpu, await kernels.get(key)!, c)));
  }
  const anyKernel = kernels.values().next().value!;
  results.push(
    await runCase(gpu, 'bad params and short buffers are rejected', async () =>
      badBindingsAreRejected(gpu, await anyKernel),
    ),
  );
  return results;
}
