// GPU check of input gradients and gradient ascent on the input (gpu-input-grad.ts, gpu-ascent.ts)
// against the CPU (cpu-input-grad.ts, cpu-ascent.ts), in Node and Chromium alike: every objective
// kind (an arbitrary upstream on the logits, log-probability, the mean pre-activation of a conv
// unit with its activation separate or fused into the next layer, an fc unit), fewer rows than the
// batch, lenet5 at its real size, a few ascent steps with jitter, blur, TV and normalisation; and
// that neither touches the training: losses, parameters, gradients and optimizer state stay
// bit-identical to a run without them.

import { epochPermutation } from '../../src/data/batching.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { DEFAULT_ASCENT } from '../../src/model/ascent-settings.ts';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../../src/model/backend.ts';
import { CpuAscent } from '../../src/model/cpu-ascent.ts';
import { CpuInputGradients } from '../../src/model/cpu-input-grad.ts';
import { startImages } from '../../src/model/dream.ts';
import { createGpuBackend, type GpuBackend } from '../../src/model/gpu-backend.ts';
import { GpuAscent } from '../../src/model/gpu-ascent.ts';
import { gpuInputGradients } from '../../src/model/gpu-input-grad.ts';
import { FALLBACK_ADAPTER_TUNING } from '../../src/model/kernel-tuning.ts';
import type { Objective } from '../../src/model/input-gradient.ts';
import { preset } from '../../src/model/presets.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { tinyDataset } from '../model/tiny-data.ts';
import { closeOutcome, runCase, type CaseResult, type Outcome } from './check.ts';
import { combine } from './tensor_io.ts';

/** relu conv before an avg pool (its own activation pass), tanh conv fused into a max pool, sigmoid fc fused into classify. */
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
const ROWS = 5;
const SGD: OptimizerSettings = { ...DEFAULT_OPTIMIZER, learningRate: 0.1, momentum: 0.9 };

function dataset(): Dataset {
  return tinyDataset({ height: 12, width: 12, classes: 10, train: 40, test: 8, seed: 9 });
}

async function trainedBackend(gpu: Gpu, spec: NetworkSpec, data: Dataset | null): Promise<GpuBackend> {
  const backend = await createGpuBackend(gpu, spec, { batch: 8, seed: 5, tuning: FALLBACK_ADAPTER_TUNING });
  if (data) {
    await backend.setData(data);
    backend.setEpochOrder(epochPermutation(data.train.count, 5, 0));
    backend.train(0, 2, SGD); // away from the initial parameters
  }
  return backend;
}

/**
 * Gradients are sums over up to ~150 products per layer through 4-6 layers in another order than
 * the CPU's: compared with atol relative to the largest |gradient| (1e-4 of it) and rtol 1e-3.
 */
function gradientOutcome(got: Float32Array, want: Float32Array): Outcome {
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const outcome = closeOutcome(got, want, { atol: 1e-4 * scale, rtol: 1e-3 });
  return { ok: outcome.ok && scale > 0, detail: `max |g| ${scale.toExponential(2)}; ${outcome.detail}` };
}

async function compareObjectives(
  gpu: Gpu,
  backend: GpuBackend,
  objectives: Record<string, [Objective, number]>,
  seed: number,
): Promise<Outcome> {
  const description = backend.description;
  const pixels = description.input[0] * description.input[1] * description.input[2];
  const engine = gpuInputGradients(gpu, backend, ROWS);
  const cpu = new CpuInputGradients(description, ROWS);
  try {
    cpu.setParameters(await backend.getParameters());
    const parts: Record<string, Outcome> = {};
    for (const [name, [objective, count]] of Object.entries(objectives)) {
      const images = new Random(seed + count).fillUniform(new Float32Array(count * pixels), 0, 1);
      const got = await engine.gradient(images, count, objective);
      const want = cpu.gradient(images, count, objective);
      parts[`${name} gradient`] = gradientOutcome(got.gradient, want.gradient);
      parts[`${name} logits`] = closeOutcome(got.logits, want.logits, { atol: 1e-5, rtol: 1e-4 });
    }
    return combine(parts);
  } finally {
    engine.destroy();
  }
}

async function smallNetMatchesCpu(gpu: Gpu): Promise<Outcome> {
  const backend = await trainedBackend(gpu, NET, dataset());
  try {
    const upstream = new Random(3).fillUniform(new Float32Array(ROWS * 10), -1, 1);
    return await compareObjectives(
      gpu,
      backend,
      {
        'logits upstream': [{ kind: 'logits', upstream }, ROWS],
        'log-probability, 4 of 5 rows': [{ kind: 'logProbability', classes: [3, 1, 4, 1] }, 4],
        'conv 1 units (relu, own pass)': [{ kind: 'unit', layerIndex: 0, units: [0, 4, 2, 1, 3] }, ROWS],
        'conv 2 units (tanh fused in max pool)': [{ kind: 'unit', layerIndex: 2, units: [2, 0, 1] }, 3],
        'fc units (sigmoid fused in classify)': [
          { kind: 'unit', layerIndex: 4, units: [6, 0, 3, 5, 1] },
          ROWS,
        ],
      },
      11,
    );
  } finally {
    backend.destroy();
  }
}

async function lenet5MatchesCpu(gpu: Gpu): Promise<Outcome> {
  const backend = await trainedBackend(gpu, preset('lenet5'), null);
  try {
    return await compareObjectives(
      gpu,
      backend,
      {
        'log-probability': [{ kind: 'logProbability', classes: [7, 2, 0] }, 3],
        'conv 2 unit': [{ kind: 'unit', layerIndex: 2, units: [11, 4] }, 2],
      },
      17,
    );
  } finally {
    backend.destroy();
  }
}

async function ascentMatchesCpu(gpu: Gpu): Promise<Outcome> {
  const backend = await trainedBackend(gpu, NET, dataset());
  const engine = gpuInputGradients(gpu, backend, ROWS);
  const ascent = await GpuAscent.create(gpu, engine, 4);
  try {
    const cpu = new CpuAscent(backend.description, ROWS, 4);
    cpu.setParameters(await backend.getParameters());
    const settings = { ...DEFAULT_ASCENT, blurEvery: 2, stepSize: 0.05 };
    const objective: Objective = { kind: 'logProbability', classes: [0, 1, 2, 3, 4] };
    const start = startImages(ROWS, backend.description.input, 'noise', 8);
    for (const runner of [ascent, cpu]) {
      runner.setObjective(objective);
      runner.setImages(start);
      runner.step(settings, 3);
    }
    const [first, want] = [await ascent.read(), cpu.read()];
    ascent.step(settings, 1);
    const second = await ascent.read();
    // Three steps of few f32 operations on top of gradients within ~1e-5 of each other.
    return combine({
      images: closeOutcome(first.images, want.images, { atol: 1e-4, rtol: 1e-4 }),
      probabilities: closeOutcome(first.probabilities, want.probabilities, { atol: 1e-4, rtol: 1e-3 }),
      steps: {
        ok: first.steps === 3 && second.steps === 4,
        detail: `read after ${first.steps}, ${second.steps}`,
      },
      moved: {
        ok: second.images.some((v, i) => v !== first.images[i]),
        detail: 'a fourth step changes the images',
      },
    });
  } finally {
    ascent.destroy();
    engine.destroy();
    backend.destroy();
  }
}

function bits(a: Float32Array, b: Float32Array): boolean {
  return (
    a.length === b.length && new Uint32Array(a.buffer).every((w, i) => w === new Uint32Array(b.buffer)[i])
  );
}

async function trainingUntouched(gpu: Gpu): Promise<Outcome> {
  const data = dataset();
  const [plain, watched] = [await trainedBackend(gpu, NET, data), await trainedBackend(gpu, NET, data)];
  const engine = gpuInputGradients(gpu, watched, ROWS);
  const ascent = await GpuAscent.create(gpu, engine, 1);
  try {
    ascent.setObjective({ kind: 'logProbability', classes: [5, 6, 7, 8, 9] });
    ascent.setImages(startImages(ROWS, watched.description.input, 'grey', 0));
    const losses: [number[], number[]] = [[], []];
    for (let step = 2; step < 5; step++) {
      ascent.step(DEFAULT_ASCENT, 2);
      const reading = ascent.read();
      const gradient = engine.gradient(new Float32Array(144).fill(0.5), 1, {
        kind: 'unit',
        layerIndex: 2,
        units: [1],
      });
      plain.train(step, 1, SGD);
      watched.train(step, 1, SGD);
      ascent.step(DEFAULT_ASCENT, 1);
      losses[0].push((await plain.takeMetrics()).lossSum);
      losses[1].push((await watched.takeMetrics()).lossSum);
      await Promise.all([reading, gradient]);
    }
    const [p, w] = [await plain.getParameters(), await watched.getParameters()];
    const [gp, gw] = [await plain.getGradients(), await watched.getGradients()];
    const [sp, sw] = [await plain.getOptimizerState(), await watched.getOptimizerState()];
    return combine({
      losses: {
        ok: losses[0].every((l, i) => Object.is(l, losses[1][i])),
        detail: losses.map((l) => l.join(', ')).join(' vs '),
      },
      parameters: { ok: bits(p, w), detail: bits(p, w) ? 'bit-identical' : 'differ' },
      gradients: { ok: bits(gp, gw), detail: bits(gp, gw) ? 'bit-identical' : 'differ' },
      'optimizer state': {
        ok: sp.slots.every((s, i) => bits(s, sw.slots[i])),
        detail: `step ${sp.step} / ${sw.step}`,
      },
    });
  } finally {
    ascent.destroy();
    engine.destroy();
    plain.destroy();
    watched.destroy();
  }
}

export async function checkInputGradient(gpu: Gpu): Promise<CaseResult[]> {
  return [
    await runCase(gpu, 'every objective kind matches the CPU (small net)', () => smallNetMatchesCpu(gpu)),
    await runCase(gpu, 'lenet5 input gradients match the CPU', () => lenet5MatchesCpu(gpu)),
    await runCase(gpu, 'ascent steps match the CPU', () => ascentMatchesCpu(gpu)),
    await runCase(gpu, 'gradients and ascent leave training bit-identical', () => trainingUntouched(gpu)),
  ];
}
