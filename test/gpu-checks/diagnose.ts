// GPU check of the NaN diagnosis (src/model/diagnose.ts) in Node and Chromium alike: the GPU
// backend's inspectBatch against the CPU backend's on the same batch and parameters; a NaN put
// into each layer's parameters, and weights so large that one layer's output overflows, named by
// findFirstNonFinite on the GPU trace; and a Trainer on the GPU whose NonFiniteLossError names the
// layer that held a NaN from the start (found by replaying from the start snapshot).

import { epochPermutation } from '../../src/data/batching.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import type { Backend } from '../../src/model/backend.ts';
import { createCpuBackend } from '../../src/model/cpu-backend.ts';
import { findFirstNonFinite, NonFiniteLossError } from '../../src/model/diagnose.ts';
import { createGpuBackend, type GpuBackend } from '../../src/model/gpu-backend.ts';
import { FALLBACK_ADAPTER_TUNING } from '../../src/model/kernel-tuning.ts';
import { initialParameters, parameterLayout } from '../../src/model/layout.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { Trainer } from '../../src/model/trainer.ts';
import { describeNetwork } from '../../src/model/validate.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { tinyDataset } from '../model/tiny-data.ts';
import { closeOutcome, runCase, type CaseResult, type Outcome } from './check.ts';
import { combine } from './tensor_io.ts';

const BATCH = 5;
const SEED = 31;

/** relu and 'none' pass an overflow on; tanh squashes it (and, on SwiftShader, a NaN too). */
const NET: NetworkSpec = {
  input: { channels: 1, height: 9, width: 9 },
  layers: [
    { kind: 'conv', filters: 3, kernel: 3, activation: 'relu' },
    { kind: 'pool', mode: 'max', size: 2 },
    { kind: 'conv', filters: 4, kernel: 2, activation: 'none' },
    { kind: 'fc', units: 6, activation: 'tanh' },
    { kind: 'classify', classes: 4 },
  ],
};
/**
 * For the Trainer case: only 'none' activations, so a NaN reaches the loss on every backend (on
 * SwiftShader, relu's max(NaN, 0) and the clamp before tanh turn a NaN into a finite value, as the
 * CPU's relu does, so a NaN behind them may never make the loss NaN).
 */
const LINEAR: NetworkSpec = {
  input: NET.input,
  layers: NET.layers.map((l) => (l.kind === 'conv' || l.kind === 'fc' ? { ...l, activation: 'none' } : l)),
};
const DESCRIPTION = describeNetwork(NET, BATCH);
const LAYOUT = parameterLayout(DESCRIPTION);
// One forward and backward from the same parameters: f32 sums of at most 54 terms in other orders.
const TRACE = { atol: 1e-5, rtol: 1e-4 };

function dataset(): Dataset {
  return tinyDataset({ height: 9, width: 9, classes: 4, train: 23, test: 3, seed: 8 });
}

async function ready<T extends Backend>(backend: T, data: Dataset): Promise<T> {
  await backend.setData(data);
  backend.setEpochOrder(epochPermutation(data.train.count, SEED, 0));
  return backend;
}

function gpuBackend(gpu: Gpu, data: Dataset): Promise<GpuBackend> {
  const options = { batch: BATCH, seed: SEED, tuning: FALLBACK_ADAPTER_TUNING };
  return createGpuBackend(gpu, NET, options).then((b) => ready(b, data));
}

async function traceMatchesCpu(gpu: Gpu): Promise<Outcome> {
  const data = dataset();
  const g = await gpuBackend(gpu, data);
  const c = await ready(createCpuBackend(NET, { batch: BATCH, seed: SEED }), data);
  try {
    const [got, want] = await Promise.all([g.inspectBatch(3), c.inspectBatch(3)]);
    const parts: Record<string, Outcome> = {};
    got.outputs.forEach(
      (out, i) => (parts[`layer ${i + 1} output`] = closeOutcome(out, want.outputs[i], TRACE)),
    );
    parts.loss = closeOutcome(got.lossPerRow, want.lossPerRow, TRACE);
    parts.parameters = closeOutcome(got.parameters, want.parameters, { atol: 0, rtol: 0 });
    parts['parameter gradients'] = closeOutcome(got.parameterGradients, want.parameterGradients, TRACE);
    // The pool's output gradient means the same on both (d loss / d pooled value); conv and fc
    // ones may hold the gradient before or after the activation depending on fusion.
    parts['pool output gradient'] = closeOutcome(got.outputGradients[1]!, want.outputGradients[1]!, TRACE);
    parts['nulls'] = {
      ok: got.outputGradients[4] === null && got.outputGradients.length === 5,
      detail: 'classify has no output gradient',
    };
    const steps = await g.takeMetrics();
    parts['no training'] = { ok: steps.steps === 0, detail: `${steps.steps} steps counted` };
    return combine(parts);
  } finally {
    g.destroy();
    c.destroy();
  }
}

/** Poisons each layer's weights in turn (`layers`: which) and checks what the GPU trace names. */
async function namesLayer(
  gpu: Gpu,
  poison: (weights: Float32Array) => void,
  tensor: string,
  layers = LAYOUT.layers,
): Promise<Outcome> {
  const data = dataset();
  const g = await gpuBackend(gpu, data);
  try {
    const parts: Record<string, Outcome> = {};
    for (const slot of layers) {
      const parameters = initialParameters(DESCRIPTION, SEED);
      poison(parameters.subarray(slot.weight.offset, slot.weight.offset + slot.weight.length));
      g.setParameters(parameters);
      const finding = findFirstNonFinite(DESCRIPTION, await g.inspectBatch(1));
      const ok = finding?.layer === slot.layerIndex && finding.tensor === tensor;
      parts[`layer ${slot.layerIndex + 1}`] = { ok, detail: JSON.stringify(finding) };
    }
    return combine(parts);
  } finally {
    g.destroy();
  }
}

async function trainerNamesLayer(gpu: Gpu): Promise<Outcome> {
  const data = dataset();
  const parts: Record<string, Outcome> = {};
  for (const slot of LAYOUT.layers) {
    const parameters = initialParameters(DESCRIPTION, SEED);
    parameters[slot.bias.offset] = NaN;
    const trainer = await Trainer.create({
      spec: LINEAR,
      dataset: data,
      seed: SEED,
      batch: BATCH,
      parameters,
      optimizer: { kind: 'adam', learningRate: 0.01 },
      createBackend: (d) =>
        createGpuBackend(gpu, LINEAR, { batch: d.batch, seed: SEED, tuning: FALLBACK_ADAPTER_TUNING }),
    });
    try {
      const error = await trainer.trainEpochs(1, undefined, 3).then(
        () => null,
        (e: unknown) => e,
      );
      const d = error instanceof NonFiniteLossError ? error.diagnosis : null;
      const ok =
        d?.replayed === true &&
        d.step === 1 &&
        d.finding?.layer === slot.layerIndex &&
        d.finding.tensor === 'parameters' &&
        d.finding.part === 'bias' &&
        trainer.totalSteps === 3;
      parts[`layer ${slot.layerIndex + 1}`] = {
        ok,
        detail: error instanceof Error ? error.message : 'no error',
      };
    } finally {
      trainer.destroy();
    }
  }
  return combine(parts);
}

export async function checkDiagnose(gpu: Gpu): Promise<CaseResult[]> {
  return [
    await runCase(gpu, 'inspectBatch matches the CPU backend', () => traceMatchesCpu(gpu)),
    await runCase(gpu, "a NaN weight is named as that layer's parameters", () =>
      namesLayer(gpu, (w) => (w[w.length - 1] = NaN), 'parameters'),
    ),
    // The two convs, whose inputs are >= 0 so their sums surely overflow (tanh would squash it
    // back to +-1, and the classify layer's inputs of both signs may cancel).
    await runCase(gpu, "huge finite weights: that layer's output overflows first", () =>
      namesLayer(
        gpu,
        (w) => w.fill(3e38),
        'output',
        [0, 2].map((i) => LAYOUT.layers.find((l) => l.layerIndex === i)!),
      ),
    ),
    await runCase(gpu, 'Trainer on the GPU: NonFiniteLossError names the layer (replayed)', () =>
      trainerNamesLayer(gpu),
    ),
  ];
}
