// GPU check of the view methods of the GPU backend (Backend.probe, readParameters, parameterStats,
// evaluate's predictions) against the CPU backend, in Node and Chromium alike: every layer's
// output and the softmax for 5, 1 and 16 images, and a probe of k images against the first k rows
// of a 16-image probe; statistics of values, gradients and the last SGD
// and Adam updates; and the promise that matters most, that probing, reading, statistics and
// evaluation between steps leave the training run bit-identical (losses, parameters, state).

import { epochPermutation, PIXEL_SCALE } from '../../src/data/batching.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import {
  DEFAULT_OPTIMIZER,
  PROBE_MAX,
  type Backend,
  type OptimizerSettings,
  type ParameterTensorStats,
  type TensorStats,
} from '../../src/model/backend.ts';
import { createCpuBackend } from '../../src/model/cpu-backend.ts';
import { createGpuBackend, type GpuBackend } from '../../src/model/gpu-backend.ts';
import { FALLBACK_ADAPTER_TUNING } from '../../src/model/kernel-tuning.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { tinyDataset } from '../model/tiny-data.ts';
import { closeOutcome, runCase, type CaseResult, type Outcome } from './check.ts';
import { combine } from './tensor_io.ts';

const BATCH = 8;
const SEED = 23;

/** Two convs (padding, stride 2), avg and overlapping max pools, tanh / none / sigmoid / relu. */
const NET: NetworkSpec = {
  input: { channels: 1, height: 12, width: 12 },
  layers: [
    { kind: 'conv', filters: 5, kernel: 3, padding: 1, activation: 'relu' },
    { kind: 'pool', mode: 'avg', size: 2 },
    { kind: 'conv', filters: 3, kernel: 3, stride: 2, activation: 'tanh' },
    { kind: 'pool', mode: 'max', size: 2, stride: 1 },
    { kind: 'fc', units: 7, activation: 'sigmoid' },
    { kind: 'classify', classes: 10 },
  ],
};

const SGD: OptimizerSettings = { ...DEFAULT_OPTIMIZER, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3 };
const ADAM: OptimizerSettings = {
  ...DEFAULT_OPTIMIZER,
  kind: 'adam',
  learningRate: 0.003,
  weightDecay: 1e-3,
};

// Forward only, from the same parameters: f32 sums of at most 45 terms in different orders.
const OUTPUTS = { atol: 1e-5, rtol: 1e-4 };

function dataset(): Dataset {
  return tinyDataset({ height: 12, width: 12, classes: 10, train: 53, test: 13, seed: 4 });
}

/** `count` training images from `first`, scaled as training scales them. */
function images(data: Dataset, first: number, count: number): Float32Array {
  const pixels = 144;
  const bytes = data.train.images.subarray(first * pixels, (first + count) * pixels);
  return Float32Array.from(bytes, (b) => b * PIXEL_SCALE);
}

async function gpuBackend(gpu: Gpu, data: Dataset): Promise<GpuBackend> {
  const backend = await createGpuBackend(gpu, NET, {
    batch: BATCH,
    seed: SEED,
    tuning: FALLBACK_ADAPTER_TUNING,
  });
  await backend.setData(data);
  backend.setEpochOrder(epochPermutation(data.train.count, SEED, 0));
  return backend;
}

async function cpuBackend(data: Dataset): Promise<Backend> {
  const backend = createCpuBackend(NET, { batch: BATCH, seed: SEED });
  await backend.setData(data);
  backend.setEpochOrder(epochPermutation(data.train.count, SEED, 0));
  return backend;
}

async function probeMatchesCpu(gpu: Gpu): Promise<Outcome> {
  const data = dataset();
  const [g, c] = [await gpuBackend(gpu, data), await cpuBackend(data)];
  try {
    g.train(0, 2, SGD);
    c.setParameters(await g.getParameters()); // same parameters: only forward rounding differs
    const parts: Record<string, Outcome> = {};
    for (const [first, count] of [
      [3, 5],
      [0, 1],
      [20, PROBE_MAX],
    ]) {
      const input = images(data, first, count);
      const [got, want] = await Promise.all([g.probe(input, count), c.probe(input, count)]);
      got.outputs.forEach((output, i) => {
        parts[`${count} image(s), layer ${i + 1}`] = closeOutcome(output, want.outputs[i], OUTPUTS);
      });
      parts[`${count} image(s), softmax`] = closeOutcome(got.probabilities, want.probabilities, OUTPUTS);
    }
    const errors = await Promise.all([
      g.probe(new Float32Array(0), 0).then(
        () => 'accepted',
        (e: Error) => e.message,
      ),
      g.probe(images(data, 0, 2), 3).then(
        () => 'accepted',
        (e: Error) => e.message,
      ),
      g.readParameters(g.plan.layout.length - 1, 2).then(
        () => 'accepted',
        (e: Error) => e.message,
      ),
    ]);
    const expected = [
      /count must be a whole number in \[1, 16\], got 0/,
      /need 432 floats, got 288/,
      /not inside/,
    ];
    parts.errors = {
      ok: errors.every((message, i) => expected[i].test(message)),
      detail: errors.join(' | '),
    };
    return combine(parts);
  } finally {
    g.destroy();
    c.destroy();
  }
}

/**
 * A probe of k < PROBE_MAX images runs at batch k on the same tensors (NCHW: k images are a
 * prefix): its outputs must be the first k rows of a PROBE_MAX-image probe of the same images.
 * Then a second round over the same counts must create no buffer and no bind group (the
 * bindings of each count are made once).
 */
async function probeCountsArePrefixes(gpu: Gpu): Promise<Outcome> {
  const data = dataset();
  const g = await gpuBackend(gpu, data);
  try {
    g.train(0, 2, SGD);
    const pixels = 144;
    const all = images(data, 11, PROBE_MAX);
    const full = await g.probe(all, PROBE_MAX);
    const counts = [1, 4, 9, 15];
    const parts: Record<string, Outcome> = {};
    let identical = true;
    for (const count of counts) {
      const got = await g.probe(all.slice(0, count * pixels), count);
      got.outputs.forEach((output, i) => {
        const want = full.outputs[i].subarray(0, output.length);
        identical &&= output.length > 0 && output.every((v, j) => Object.is(v, want[j]));
        parts[`${count} image(s), layer ${i + 1}`] = closeOutcome(output, want, OUTPUTS);
      });
      const softmax = full.probabilities.subarray(0, got.probabilities.length);
      parts[`${count} image(s), softmax`] = closeOutcome(got.probabilities, softmax, OUTPUTS);
    }
    const before = gpu.counts();
    for (const count of [...counts, PROBE_MAX]) await g.probe(all.slice(0, count * pixels), count);
    const after = gpu.counts();
    const made = {
      buffers: after.buffersCreated - before.buffersCreated,
      bindGroups: after.bindGroupsCreated - before.bindGroupsCreated,
    };
    parts['second round'] = {
      ok: made.buffers === 0 && made.bindGroups === 0,
      detail: `created ${made.buffers} buffer(s), ${made.bindGroups} bind group(s)`,
    };
    const outcome = combine(parts);
    return { ...outcome, detail: `${identical ? 'bit-identical' : 'within tolerance'}; ${outcome.detail}` };
  } finally {
    g.destroy();
  }
}

function statsOutcome(name: string, got: TensorStats, want: TensorStats, rtol: number): Outcome {
  const scale = Math.sqrt(want.sumSquares / Math.max(1, want.count)); // rms: the size of one value
  const close = (a: number, b: number, atol: number) => Math.abs(a - b) <= atol + rtol * Math.abs(b);
  const ok =
    got.count === want.count &&
    got.nonFinite === want.nonFinite &&
    close(got.min, want.min, rtol * scale) &&
    close(got.max, want.max, rtol * scale) &&
    close(got.sum, want.sum, rtol * scale * want.count) &&
    close(got.sumSquares, want.sumSquares, 0);
  return { ok, detail: ok ? `${name} ok` : `${name}: ${JSON.stringify(got)} vs CPU ${JSON.stringify(want)}` };
}

function allStatsOutcome(got: ParameterTensorStats[], want: ParameterTensorStats[], rtol: number): Outcome {
  const parts: Record<string, Outcome> = {};
  got.forEach((g, i) => {
    const w = want[i];
    const name = `layer ${g.layerIndex + 1} ${g.tensor}`;
    parts[`${name} values`] = statsOutcome('values', g.parameters, w.parameters, Math.max(rtol, 1e-5));
    parts[`${name} gradients`] = statsOutcome('gradients', g.gradients, w.gradients, 1e-5);
    if (!g.update || !w.update) {
      parts[`${name} update`] = { ok: g.update === w.update, detail: `update ${g.update} vs ${w.update}` };
    } else parts[`${name} update`] = statsOutcome('update', g.update, w.update, rtol);
  });
  return combine(parts);
}

async function statsMatchCpu(gpu: Gpu): Promise<Outcome> {
  const data = dataset();
  const [g, c] = [await gpuBackend(gpu, data), await cpuBackend(data)];
  try {
    const parts: Record<string, Outcome> = {};
    parts['before training'] = allStatsOutcome(await g.parameterStats(ADAM), await c.parameterStats(ADAM), 0);
    for (const backend of [g, c] as Backend[]) backend.train(0, 2, SGD);
    // Measured on SwiftShader: statistics within 6e-7 (relative to rms, sum, or sum of squares)
    // after SGD; after Adam the direction within 1.4e-5 (m_hat / sqrt(v_hat) of a tiny gradient is
    // mostly rounding noise) and the small biases' values within 1.3e-5 (the two backends' Adam
    // parameters drift apart, see gpu-backend.gpu.test.ts). Tolerances 1e-5 and 1e-3 (values and
    // update); a wrong tensor, source or Adam t is off by far more.
    parts['after 2 SGD steps'] = allStatsOutcome(
      await g.parameterStats(SGD),
      await c.parameterStats(SGD),
      1e-5,
    );
    for (const backend of [g, c] as Backend[]) backend.train(2, 2, ADAM);
    parts['after 2 Adam steps'] = allStatsOutcome(
      await g.parameterStats(ADAM),
      await c.parameterStats(ADAM),
      1e-3,
    );
    const slice = g.plan.layout.layers[1].weight;
    const all = await g.getParameters();
    const read = await g.readParameters(slice.offset, slice.length);
    const same = read.every((v, i) => v === all[slice.offset + i]) && read.length === slice.length;
    parts.readParameters = {
      ok: same,
      detail: `${read.length} floats ${same ? 'equal' : 'differ from'} getParameters`,
    };
    return combine(parts);
  } finally {
    g.destroy();
    c.destroy();
  }
}

/** Runs 4 steps (2 SGD, 2 Adam) and returns each step's loss sum; `watch` runs before and after each. */
async function run(backend: GpuBackend, watch: (step: number) => Promise<unknown>): Promise<number[]> {
  const losses: number[] = [];
  for (let step = 0; step < 4; step++) {
    const pending = watch(step);
    backend.train(step, 1, step < 2 ? SGD : ADAM);
    const after = watch(step);
    // Awaited below; marked handled now so a failure is reported there, not as unhandled.
    for (const p of [pending, after]) p.catch(() => undefined);
    losses.push((await backend.takeMetrics()).lossSum);
    await Promise.all([pending, after]);
  }
  return losses;
}

async function viewsLeaveTrainingAlone(gpu: Gpu): Promise<Outcome> {
  const data = dataset();
  const [plain, watched] = [await gpuBackend(gpu, data), await gpuBackend(gpu, data)];
  try {
    const input = images(data, 7, 3);
    const slice = watched.plan.layout.layers[0].weight;
    const plainLosses = await run(plain, async () => undefined);
    const watchedLosses = await run(watched, (step) =>
      Promise.all([
        watched.probe(input, 3),
        watched.readParameters(slice.offset, slice.length),
        watched.parameterStats(ADAM),
        watched.evaluate('test', 5 + step),
      ]),
    );
    const [p1, p2] = await Promise.all([plain.getParameters(), watched.getParameters()]);
    const [s1, s2] = await Promise.all([plain.getOptimizerState(), watched.getOptimizerState()]);
    const bits = (a: Float32Array, b: Float32Array) =>
      a.length === b.length && new Uint32Array(a.buffer).every((w, i) => w === new Uint32Array(b.buffer)[i]);
    const sameLosses = plainLosses.every((loss, i) => Object.is(loss, watchedLosses[i]));
    return combine({
      losses: { ok: sameLosses, detail: `${plainLosses.join(', ')} vs ${watchedLosses.join(', ')}` },
      parameters: { ok: bits(p1, p2), detail: bits(p1, p2) ? 'bit-identical' : 'differ' },
      state: {
        ok: s1.step === s2.step && s1.slots.every((slot, i) => bits(slot, s2.slots[i])),
        detail: `Adam t ${s1.step} / ${s2.step}`,
      },
    });
  } finally {
    plain.destroy();
    watched.destroy();
  }
}

async function predictionsMatchConfusion(gpu: Gpu): Promise<Outcome> {
  const data = dataset();
  const [g, c] = [await gpuBackend(gpu, data), await cpuBackend(data)];
  try {
    g.train(0, 1, SGD);
    c.setParameters(await g.getParameters());
    const parts: Record<string, Outcome> = {};
    for (const limit of [13, 9, 0]) {
      const [got, want] = await Promise.all([g.evaluate('test', limit), c.evaluate('test', limit)]);
      const counts = new Uint32Array(100);
      got.predictions.forEach((p, i) => counts[data.test.labels[i] * 10 + p]++);
      const agree = got.predictions.every((p, i) => p === want.predictions[i]);
      const matches = counts.every((n, i) => n === got.confusion[i]);
      parts[`limit ${limit}`] = {
        ok: got.predictions.length === limit && agree && matches,
        detail: `${got.predictions.length} predictions [${[...got.predictions]}], CPU [${[...want.predictions]}]`,
      };
    }
    return combine(parts);
  } finally {
    g.destroy();
    c.destroy();
  }
}

export async function checkProbe(gpu: Gpu): Promise<CaseResult[]> {
  return [
    await runCase(gpu, 'probe: every layer and the softmax match the CPU (5, 1, 16 images)', () =>
      probeMatchesCpu(gpu),
    ),
    await runCase(gpu, 'probe: k images give the first k rows of a 16-image probe; bindings made once', () =>
      probeCountsArePrefixes(gpu),
    ),
    await runCase(gpu, 'parameterStats and readParameters match the CPU (SGD, then Adam)', () =>
      statsMatchCpu(gpu),
    ),
    await runCase(gpu, 'probes, reads, stats and evaluation between steps leave training bit-identical', () =>
      viewsLeaveTrainingAlone(gpu),
    ),
    await runCase(gpu, 'evaluate: predictions match the CPU and the confusion matrix', () =>
      predictionsMatchConfusion(gpu),
    ),
  ];
}
