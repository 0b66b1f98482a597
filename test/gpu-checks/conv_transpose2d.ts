// GPU check for conv_transpose2d (conv2d's kernels with roles swapped plus the bias/activation
// epilogue): all four passes against the independent CPU reference (src/reference/
// conv_transpose2d.ts) on an awkward shape table, two tile configurations, and the argument
// errors. Outputs start as NaN with a sentinel tail, so an unwritten element or a write past the
// end fails.

import { ConvTranspose2dKernel } from '../../src/kernels/conv_transpose2d.ts';
import type { Activation } from '../../src/ops/activation.ts';
import { convTranspose2dShapes, type ConvTranspose2dParams } from '../../src/ops/conv_transpose2d.ts';
import { numel } from '../../src/ops/types.ts';
import { activationForward } from '../../src/reference/activation.ts';
import {
  convTranspose2dBackwardBias,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
  convTranspose2dForward,
} from '../../src/reference/conv_transpose2d.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { closeOutcome, describeError, runCase, type CaseResult, type Outcome } from './check.ts';
import { combine, output, readFloats, submitPass, upload } from './tensor_io.ts';

type Tiles = 'default' | 'small';
const TILES = { default: {}, small: { workgroupX: 4, workgroupY: 4, tileK: 8, biasWorkgroupSize: 32 } };

interface Case {
  p: ConvTranspose2dParams;
  activation: Activation;
  tiles: Tiles;
}

const convT = (
  batch: number,
  inChannels: number,
  outChannels: number,
  [inHeight, inWidth]: [number, number],
  kernel: number,
  stride: number,
  padding: number,
): ConvTranspose2dParams => ({
  batch,
  inChannels,
  inHeight,
  inWidth,
  outChannels,
  kernelH: kernel,
  kernelW: kernel,
  stride,
  padding,
});

export const CONV_TRANSPOSE2D_CASES: readonly Case[] = [
  { p: convT(1, 1, 1, [5, 5], 3, 1, 0), activation: 'relu', tiles: 'default' },
  { p: convT(3, 3, 5, [4, 5], 4, 2, 1), activation: 'sigmoid', tiles: 'small' },
  { p: convT(5, 5, 3, [3, 3], 1, 1, 0), activation: 'tanh', tiles: 'small' },
  { p: convT(1, 3, 1, [3, 2], 7, 1, 2), activation: 'none', tiles: 'default' },
  { p: convT(3, 5, 5, [6, 7], 3, 2, 2), activation: 'relu', tiles: 'small' },
  // The CVAE's last layer (16 -> 1, 14 -> 28) at an odd batch.
  { p: convT(3, 16, 1, [14, 14], 4, 2, 1), activation: 'none', tiles: 'default' },
  // Several workgroups in every dispatched dimension of every pass with 32x32 tiles:
  // 34 and 33 channels (M of the forward and backward_input GEMMs), 392 output pixels.
  { p: convT(2, 33, 34, [7, 7], 4, 2, 1), activation: 'relu', tiles: 'small' },
];

function describeCase(c: Case): string {
  const p = c.p;
  return (
    `batch ${p.batch}, ${p.inChannels}->${p.outChannels} ch, ${p.inHeight}x${p.inWidth}, ` +
    `kernel ${p.kernelH}, stride ${p.stride}, pad ${p.padding}, ${c.activation}, ${c.tiles} tiles`
  );
}

type Names = 'output' | 'dInput' | 'dWeight' | 'dBias';

/** Reference in Float64 arrays from the same float32 inputs the GPU gets. */
function reference(c: Case, t: Record<'input' | 'weight' | 'bias' | 'dOut', Float32Array>) {
  const s = convTranspose2dShapes(c.p);
  const pre = new Float64Array(numel(s.output));
  convTranspose2dForward(pre, t.input, t.weight, t.bias, c.p);
  const out: Record<Names, Float64Array> = {
    output: new Float64Array(pre.length),
    dInput: new Float64Array(numel(s.input)),
    dWeight: new Float64Array(numel(s.weight)),
    dBias: new Float64Array(c.p.outChannels),
  };
  activationForward(out.output, pre, c.activation);
  convTranspose2dBackwardInput(out.dInput, t.dOut, t.weight, c.p);
  convTranspose2dBackwardWeight(out.dWeight, t.input, t.dOut, c.p);
  convTranspose2dBackwardBias(out.dBias, t.dOut, c.p);
  return out;
}

/**
 * A sum of `terms` products of values in [-1, 1] accumulated in float32 (u = 2^-24) errs by about
 * terms * u / 3 for random signs; 4 * terms * u leaves 12x margin, far below the worst case
 * terms^2 * u. rtol covers exp/tanh's few ulps in the epilogue. (As the conv2d check.)
 */
const sumTolerance = (terms: number) => ({ atol: 4 * terms * 2 ** -24 + 1e-6, rtol: 1e-5 });

async function checkCase(gpu: Gpu, kernel: ConvTranspose2dKernel, c: Case, seed: number): Promise<Outcome> {
  const p = c.p;
  const s = convTranspose2dShapes(p);
  const random = new Random(seed);
  const uniform = (n: number, scale: number) => random.fillUniform(new Float32Array(n), -scale, scale);
  const t = {
    input: uniform(numel(s.input), 1),
    weight: uniform(numel(s.weight), 1),
    bias: uniform(p.outChannels, 0.5),
    dOut: uniform(numel(s.output), 1),
  };
  const sizes: Record<Names, number> = {
    output: numel(s.output),
    dInput: numel(s.input),
    dWeight: numel(s.weight),
    dBias: p.outChannels,
  };
  const owned: { destroy(): void }[] = [];
  const keep = <T extends { destroy(): void }>(x: T) => (owned.push(x), x);
  try {
    const at = {
      input: keep(upload(gpu, 'input', t.input)),
      weight: keep(upload(gpu, 'weight', t.weight)),
      bias: keep(upload(gpu, 'bias', t.bias)),
      dOut: keep(upload(gpu, 'dOut', t.dOut)),
    };
    const outs = {
      output: keep(output(gpu, 'output', sizes.output)),
      dInput: keep(output(gpu, 'dInput', sizes.dInput)),
      dWeight: keep(output(gpu, 'dWeight', sizes.dWeight)),
      dBias: keep(output(gpu, 'dBias', sizes.dBias)),
    };
    const fwd = keep(
      kernel.bindForward({ output: outs.output, input: at.input, weight: at.weight, bias: at.bias }, p),
    );
    const bwd = keep(
      kernel.bindBackward(
        {
          dOut: at.dOut,
          dInput: outs.dInput,
          weight: at.weight,
          dWeight: outs.dWeight,
          input: at.input,
          dBias: outs.dBias,
        },
        p,
      ),
    );
    submitPass(gpu, 'conv_transpose2d check', (pass) => {
      kernel.encodeForward(pass, fwd);
      kernel.encodeBackwardInput(pass, bwd);
      kernel.encodeBackwardWeight(pass, bwd);
      kernel.encodeBackwardBias(pass, bwd);
    });
    const read = {
      output: await readFloats(gpu, outs.output, sizes.output),
      dInput: await readFloats(gpu, outs.dInput, sizes.dInput),
      dWeight: await readFloats(gpu, outs.dWeight, sizes.dWeight),
      dBias: await readFloats(gpu, outs.dBias, sizes.dBias),
    };
    const r = reference(c, t);
    const taps = p.kernelH * p.kernelW;
    return combine({
      forward: closeOutcome(read.output.values, r.output, sumTolerance(p.inChannels * taps)),
      backward_input: closeOutcome(read.dInput.values, r.dInput, sumTolerance(p.outChannels * taps)),
      backward_weight: closeOutcome(
        read.dWeight.values,
        r.dWeight,
        sumTolerance(p.batch * p.inHeight * p.inWidth),
      ),
      backward_bias: closeOutcome(read.dBias.values, r.dBias, sumTolerance(sizes.output / p.outChannels)),
      tails: combine({
        output: read.output.tail,
        dInput: read.dInput.tail,
        dWeight: read.dWeight.tail,
        dBias: read.dBias.tail,
      }),
    });
  } finally {
    for (const x of owned.reverse()) x.destroy();
  }
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return describeError(error);
  }
}

/** Errors name the convT's own tensors and fields, not the swapped conv2d roles. */
async function checkArgumentErrors(gpu: Gpu, kernel: ConvTranspose2dKernel): Promise<Outcome> {
  const p = CONV_TRANSPOSE2D_CASES[1].p;
  const s = convTranspose2dShapes(p);
  const zeros = (n: number) => upload(gpu, 'zeros', new Float32Array(n));
  const b = {
    output: zeros(numel(s.output)),
    input: zeros(numel(s.input) - 1),
    weight: zeros(numel(s.weight)),
    bias: zeros(p.outChannels),
  };
  try {
    const tooSmall = errorOf(() => kernel.bindForward(b, p));
    const badParams = errorOf(() => kernel.bindForward(b, { ...p, padding: 9 }));
    const binding = kernel.bindBackward({ dOut: b.output, dBias: b.bias }, p);
    const pass = gpu.device.createCommandEncoder().beginComputePass();
    const noOutput = errorOf(() => kernel.encodeBackwardInput(pass, binding));
    pass.end();
    binding.destroy();
    const messages = { tooSmall, badParams, noOutput };
    const ok =
      /conv_transpose2d forward: buffer 'input' holds \d+ bytes but needs/.test(tooSmall) &&
      /conv_transpose2d: output would be .* use less padding/.test(badParams) &&
      /made without the dInput buffer/.test(noOutput);
    return { ok, detail: JSON.stringify(messages, null, 1) };
  } finally {
    for (const x of Object.values(b)) x.destroy();
  }
}

export async function checkConvTranspose2d(gpu: Gpu): Promise<CaseResult[]> {
  // One conv2d kernel per tile configuration; activations are epilogue variants sharing it.
  const bases = new Map<Tiles, Promise<ConvTranspose2dKernel>>();
  const kernels = new Map<string, Promise<ConvTranspose2dKernel>>();
  const kernelFor = (c: Case) => {
    if (!bases.has(c.tiles))
      bases.set(c.tiles, ConvTranspose2dKernel.create(gpu, { convOptions: TILES[c.tiles] }));
    const key = `${c.tiles}/${c.activation}`;
    if (!kernels.has(key))
      kernels.set(
        key,
        bases
          .get(c.tiles)!
          .then((base) => ConvTranspose2dKernel.create(gpu, { activation: c.activation, conv: base.conv })),
      );
    return kernels.get(key)!;
  };
  const results: CaseResult[] = [];
  for (const [i, c] of CONV_TRANSPOSE2D_CASES.entries()) {
    results.push(
      await runCase(gpu, describeCase(c), async () => checkCase(gpu, await kernelFor(c), c, 300 + i)),
    );
  }
  const first = CONV_TRANSPOSE2D_CASES[1];
  results.push(
    await runCase(gpu, 'argument errors', async () => checkArgumentErrors(gpu, await kernelFor(first))),
  );
  return results;
}
