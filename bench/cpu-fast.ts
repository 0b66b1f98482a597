// Times the naive CPU reference against the fast CPU path (im2col + blocked GEMM, src/fast/) on the
// conv and fc layers of the reference networks, single-threaded, in this Node process.
// Run: npx tsx bench/cpu-fast.ts [--batch 8] [--runs 7]. Every case is checked against the
// reference before it is timed; naive and fast runs are interleaved so machine load hits both.
// Not the GPU benchmark and not a training-step benchmark.

import os from 'node:os';
import { parseArgs } from 'node:util';
import { assertClose, type Tolerance } from '../test/helpers/allclose.ts';
import { conv2dTolerances, denseTolerances } from '../test/fast/tolerance.ts';
import { conv2dPassFlops, conv2dShapes, type Conv2dParams } from '../src/ops/conv2d.ts';
import { densePassFlops, denseShapes, type DenseParams } from '../src/ops/dense.ts';
import { numel } from '../src/ops/types.ts';
import * as naiveConv from '../src/reference/conv2d.ts';
import * as naiveDense from '../src/reference/dense.ts';
import * as fastConv from '../src/fast/conv2d.ts';
import * as fastDense from '../src/fast/dense.ts';
import { Random } from '../src/util/random.ts';

interface Pass {
  name: string;
  flops: number;
  naive: () => void;
  fast: () => void;
  naiveOut: Float32Array;
  fastOut: Float32Array;
  tolerance: Tolerance; // derived in test/fast/tolerance.ts
}

const { values } = parseArgs({ options: { batch: { type: 'string' }, runs: { type: 'string' } } });
const batch = Number(values.batch ?? 8);
const runs = Number(values.runs ?? 7);
const random = new Random(2024);

function conv(
  inChannels: number,
  size: number,
  outChannels: number,
  kernel: number,
  padding: number,
): Conv2dParams {
  return {
    batch,
    inChannels,
    inHeight: size,
    inWidth: size,
    outChannels,
    kernelH: kernel,
    kernelW: kernel,
    stride: 1,
    padding,
  };
}

const filled = (length: number): Float32Array => random.fillUniform(new Float32Array(length));
const pair = (length: number): [Float32Array, Float32Array] => [
  new Float32Array(length),
  new Float32Array(length),
];

function convPasses(p: Conv2dParams): Pass[] {
  const s = conv2dShapes(p);
  const [input, weight, bias, dOut] = [s.input, s.weight, s.bias, s.output].map((shape) =>
    filled(numel(shape)),
  );
  const ws = fastConv.createConv2dWorkspace(p);
  const flops = conv2dPassFlops(p);
  const tol = conv2dTolerances(p);
  const [out0, out1] = pair(numel(s.output));
  const [dIn0, dIn1] = pair(numel(s.input));
  const [dW0, dW1] = pair(numel(s.weight));
  return [
    {
      name: 'forward',
      flops: flops.forward,
      naiveOut: out0,
      fastOut: out1,
      tolerance: tol.forward,
      naive: () => naiveConv.conv2dForward(out0, input, weight, bias, p),
      fast: () => fastConv.conv2dForward(out1, input, weight, bias, p, ws),
    },
    {
      name: 'backward_input',
      flops: flops.backwardInput,
      naiveOut: dIn0,
      fastOut: dIn1,
      tolerance: tol.backwardInput,
      naive: () => naiveConv.conv2dBackwardInput(dIn0, dOut, weight, p),
      fast: () => fastConv.conv2dBackwardInput(dIn1, dOut, weight, p, ws),
    },
    {
      name: 'backward_weight',
      flops: flops.backwardWeight,
      naiveOut: dW0,
      fastOut: dW1,
      tolerance: tol.backwardWeight,
      naive: () => naiveConv.conv2dBackwardWeight(dW0, dOut, input, p),
      fast: () => fastConv.conv2dBackwardWeight(dW1, dOut, input, p, ws),
    },
  ];
}

function densePasses(p: DenseParams): Pass[] {
  const s = denseShapes(p);
  const [input, weight, bias, dOut] = [s.input, s.weight, s.bias, s.output].map((shape) =>
    filled(numel(shape)),
  );
  const flops = densePassFlops(p);
  const tol = denseTolerances(p);
  const [out0, out1] = pair(numel(s.output));
  const [dIn0, dIn1] = pair(numel(s.input));
  const [dW0, dW1] = pair(numel(s.weight));
  return [
    {
      name: 'forward',
      flops: flops.forward,
      naiveOut: out0,
      fastOut: out1,
      tolerance: tol.forward,
      naive: () => naiveDense.denseForward(out0, input, weight, bias, p),
      fast: () => fastDense.denseForward(out1, input, weight, bias, p),
    },
    {
      name: 'backward_input',
      flops: flops.backwardInput,
      naiveOut: dIn0,
      fastOut: dIn1,
      tolerance: tol.backwardInput,
      naive: () => naiveDense.denseBackwardInput(dIn0, dOut, weight, p),
      fast: () => fastDense.denseBackwardInput(dIn1, dOut, weight, p),
    },
    {
      name: 'backward_weight',
      flops: flops.backwardWeight,
      naiveOut: dW0,
      fastOut: dW1,
      tolerance: tol.backwardWeight,
      naive: () => naiveDense.denseBackwardWeight(dW0, dOut, input, p),
      fast: () => fastDense.denseBackwardWeight(dW1, dOut, input, p),
    },
  ];
}

/** Milliseconds per call of `f`, averaged over `reps` back-to-back calls. */
function sample(f: () => void, reps: number): number {
  const start = performance.now();
  for (let i = 0; i < reps; i++) f();
  return (performance.now() - start) / reps;
}

/** Calls per sample so one sample lasts >= 20 ms and timer resolution does not matter. */
function repsFor(f: () => void): number {
  const once = sample(f, 1);
  return Math.max(1, Math.ceil(20 / Math.max(once, 1e-3)));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timePass(pass: Pass): { naive: number[]; fast: number[] } {
  pass.naive();
  pass.fast();
  assertClose(pass.fastOut, pass.naiveOut, pass.tolerance, pass.name); // inputs are uniform in [-1, 1]
  const naiveReps = repsFor(pass.naive);
  const fastReps = repsFor(pass.fast);
  sample(pass.fast, 2 * fastReps); // warm-up: let V8 finish optimising before the timed samples
  const naive: number[] = [];
  const fast: number[] = [];
  for (let r = 0; r < runs; r++) {
    naive.push(sample(pass.naive, naiveReps));
    fast.push(sample(pass.fast, fastReps));
  }
  return { naive, fast };
}

const cases: [string, Pass[]][] = [
  ['convnet conv1 3x3 1->32 28x28', convPasses(conv(1, 28, 32, 3, 0))],
  ['convnet conv2 3x3 32->64 26x26', convPasses(conv(32, 26, 64, 3, 0))],
  ['lenet5 conv1 5x5 1->6 pad2 28x28', convPasses(conv(1, 28, 6, 5, 2))],
  ['lenet5 conv2 5x5 6->16 14x14', convPasses(conv(6, 14, 16, 5, 0))],
  ['convnet fc1 9216->128', densePasses({ batch, inFeatures: 9216, outFeatures: 128 })],
  ['lenet5 fc1 400->120', densePasses({ batch, inFeatures: 400, outFeatures: 120 })],
];

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `CPU: ${cpu}, ${os.cpus().length} cores (fast path uses 1); Node ${process.version}; batch ${batch}`,
);
console.log(
  `median of ${runs} interleaved samples after warm-up; load average at start ${os.loadavg()[0].toFixed(2)}\n`,
);
const header = [
  'layer',
  'pass',
  'naive ms',
  'fast ms',
  'fast min-max ms',
  'speedup',
  'naive GFLOP/s',
  'fast GFLOP/s',
];
const rows: string[][] = [header];
for (const [layer, passes] of cases) {
  for (const pass of passes) {
    const t = timePass(pass);
    const naiveMs = median(t.naive);
    const fastMs = median(t.fast);
    const spread = `${Math.min(...t.fast).toFixed(3)}-${Math.max(...t.fast).toFixed(3)}`;
    const gflops = (ms: number): string => (pass.flops / ms / 1e6).toFixed(2);
    const speedup = `${(naiveMs / fastMs).toFixed(1)}x`;
    rows.push([
      layer,
      pass.name,
      naiveMs.toFixed(3),
      fastMs.toFixed(3),
      spread,
      speedup,
      gflops(naiveMs),
      gflops(fastMs),
    ]);
  }
}
const widths = header.map((_, c) => Math.max(...rows.map((row) => row[c].length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  '));
console.log(
  `\nload average at end ${os.loadavg()[0].toFixed(2)} (above ~1 means other work shared these cores)`,
);
