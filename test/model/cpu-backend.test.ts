// The CPU backend against a naive Float64 composition of the src/reference ops (itself checked by
// finite differences): one step's gradients, the SGD and Adam updates over the flat buffer,
// metrics, evaluation with a partial last batch and its confusion matrix, and argument errors.
// Two tiny networks: conv -> maxpool -> fc -> classify (the first conv needs no input gradient),
// and one with a second conv, padding, avg and overlapping max pooling and a linear activation.

import { describe, expect, it } from 'vitest';
import { epochPermutation, gatherBatch } from '../../src/data/batching.ts';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../../src/model/backend.ts';
import { CpuBackend, createCpuBackend } from '../../src/model/cpu-backend.ts';
import { initialParameters, parameterLayout } from '../../src/model/layout.ts';
import type { NetworkDescription } from '../../src/model/shapes.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { describeNetwork } from '../../src/model/validate.ts';
import { Random } from '../../src/util/random.ts';
import { assertClose } from '../helpers/allclose.ts';
import { gradcheck } from '../helpers/gradcheck.ts';
import { naiveNetwork } from './naive-network.ts';
import { tinyDataset, tinySpec } from './tiny-data.ts';

const BATCH = 3;
const SEED = 17;
const dataset = tinyDataset({ height: 8, width: 8, classes: 3, train: 13, test: 10, seed: 5 });

/** A second conv (so conv backward-input runs), padding, avg and overlapping max pools, 'none'. */
const deeperSpec: NetworkSpec = {
  input: { channels: 1, height: 8, width: 8 },
  layers: [
    { kind: 'conv', filters: 4, kernel: 3, padding: 1, activation: 'relu' },
    { kind: 'pool', mode: 'avg', size: 2 },
    { kind: 'conv', filters: 3, kernel: 3, activation: 'none' },
    { kind: 'pool', mode: 'max', size: 2, stride: 1 },
    { kind: 'fc', units: 6, activation: 'tanh' },
    { kind: 'classify', classes: 3 },
  ],
};

const NETWORKS: [string, NetworkSpec][] = [
  ['tiny (tanh conv, maxpool, sigmoid fc)', tinySpec()],
  ['tiny with relu', tinySpec('relu', 'relu')],
  ['deeper (2 convs, avg + overlapping max pool)', deeperSpec],
];

/** Seeded parameters with nonzero biases, so bias gradients flow through every path. */
function testParameters(description: NetworkDescription): Float32Array {
  const flat = initialParameters(description, SEED);
  const random = new Random(SEED + 1);
  for (const slot of parameterLayout(description).layers) {
    random.fillUniform(flat.subarray(slot.bias.offset, slot.bias.offset + slot.bias.length), -0.2, 0.2);
  }
  return flat;
}

const sgd = (changes: Partial<OptimizerSettings>): OptimizerSettings => ({
  ...DEFAULT_OPTIMIZER,
  kind: 'sgd',
  ...changes,
});

async function backendFor(spec: NetworkSpec, batch = BATCH) {
  const description = describeNetwork(spec, batch);
  const parameters = testParameters(description);
  const backend = CpuBackend.create(description, { parameters });
  await backend.setData(dataset);
  const order = epochPermutation(dataset.train.count, SEED, 0);
  backend.setEpochOrder(order);
  return { backend, description, parameters, order };
}

/** The naive network on examples `indices` of a split, with gradients. */
function naiveOn(spec: NetworkSpec, parameters: Float32Array, split: 'train' | 'test', indices: Uint32Array) {
  const description = describeNetwork(spec, indices.length);
  const batch = gatherBatch(dataset, split, indices);
  const grads = new Float64Array(parameters.length);
  const result = naiveNetwork(
    description,
    Float64Array.from(parameters),
    Float64Array.from(batch.images),
    batch.labels,
    grads,
  );
  return { ...result, grads, labels: batch.labels };
}

describe('naive Float64 network: gradients match central differences', () => {
  it.each(NETWORKS)('%s', (_, spec) => {
    const description = describeNetwork(spec, BATCH);
    const params = Float64Array.from(testParameters(description));
    const batch = gatherBatch(dataset, 'train', new Uint32Array([4, 0, 11]));
    const images = Float64Array.from(batch.images);
    const grads = new Float64Array(params.length);
    naiveNetwork(description, params, images, batch.labels, grads);
    const targets = parameterLayout(description).layers.flatMap((slot) =>
      (['weight', 'bias'] as const).map((part) => {
        const { offset, length } = slot[part];
        return {
          name: `layer ${slot.layerIndex} ${part}`,
          values: params.subarray(offset, offset + length),
          analytic: grads.subarray(offset, offset + length),
        };
      }),
    );
    const check = gradcheck(() => naiveNetwork(description, params, images, batch.labels).loss, targets);
    expect(check.ok, check.report).toBe(true);
  });
});

describe('CpuBackend: one training step', () => {
  it.each(NETWORKS)('%s: gradients match the naive Float64 network', async (_, spec) => {
    const { backend, parameters, order } = await backendFor(spec);
    backend.train(0, 1, sgd({ learningRate: 0 }));
    const naive = naiveOn(spec, parameters, 'train', order.subarray(0, BATCH));
    // Float32 through a handful of layers of short sums: measured errors are <= 5e-8 for gradients
    // up to 0.55 (a few ulps of the largest terms); a wrong or missing term is orders larger.
    assertClose(backend.getGradients(), naive.grads, { atol: 5e-7, rtol: 1e-5 }, 'gradients');
    expect(await backend.getParameters()).toEqual(parameters); // learning rate 0 changes nothing
  });

  it('SGD with momentum and weight decay: params = p - lr * (grad + wd * p), velocity = that step', async () => {
    const { backend, parameters } = await backendFor(tinySpec());
    const settings = sgd({ learningRate: 0.3, momentum: 0.9, weightDecay: 0.01 });
    backend.train(2, 1, settings);
    const grads = backend.getGradients();
    const after = await backend.getParameters();
    const state = await backend.getOptimizerState();
    expect(state.kind).toBe('sgd');
    expect(state.step).toBe(1);
    for (let i = 0; i < parameters.length; i++) {
      const step = grads[i] + 0.01 * parameters[i]; // in doubles, rounded to f32 only when stored
      expect(state.slots[0][i]).toBe(Math.fround(step));
      expect(after[i]).toBe(Math.fround(parameters[i] - 0.3 * step));
    }
    // The alignment gaps (after the 18 conv weights, etc.) stay exactly zero.
    expect(after.subarray(18, 64).every((v) => v === 0)).toBe(true);
  });

  it('Adam: the first step moves each parameter by about lr * sign(grad); switching kind starts afresh', async () => {
    const { backend, parameters } = await backendFor(tinySpec());
    const adam: OptimizerSettings = { ...DEFAULT_OPTIMIZER, kind: 'adam', learningRate: 0.01, epsilon: 1e-8 };
    backend.train(0, 1, adam);
    const grads = backend.getGradients();
    const after = await backend.getParameters();
    const expected = parameters.map((p, i) => p - (0.01 * grads[i]) / (Math.abs(grads[i]) + 1e-8));
    assertClose(after, expected, { atol: 1e-7, rtol: 1e-6 }, 'adam step 1');
    const state = await backend.getOptimizerState();
    expect(state.kind).toBe('adam');
    expect(state.step).toBe(1);
    assertClose(
      state.slots[0],
      grads.map((g) => 0.1 * g),
      { atol: 0, rtol: 1e-6 },
      'm',
    );
    assertClose(
      state.slots[1],
      grads.map((g) => 0.001 * g * g),
      { atol: 1e-30, rtol: 1e-5 },
      'v',
    );
    backend.train(1, 1, sgd({ momentum: 0.5 }));
    const sgdState = await backend.getOptimizerState();
    expect([sgdState.kind, sgdState.step, sgdState.slots.length]).toEqual(['sgd', 1, 1]);
    expect(sgdState.slots[0]).toEqual(backend.getGradients()); // a fresh velocity is the gradient
  });

  it('optimizer state round-trips through get / set as copies', async () => {
    const { backend } = await backendFor(tinySpec());
    backend.train(0, 2, { ...DEFAULT_OPTIMIZER, kind: 'adam', learningRate: 0.01 });
    const state = await backend.getOptimizerState();
    const { backend: other } = await backendFor(tinySpec());
    other.setOptimizerState(state);
    state.slots[0].fill(7); // must not reach `other`
    const copy = await other.getOptimizerState();
    expect(copy.step).toBe(2);
    expect(copy.slots[1]).toEqual((await backend.getOptimizerState()).slots[1]);
    expect(copy.slots[0]).toEqual((await backend.getOptimizerState()).slots[0]);
  });
});

describe('CpuBackend: metrics and evaluation', () => {
  it('takeMetrics sums per-example losses and correct rows, then resets', async () => {
    const spec = tinySpec();
    const { backend, parameters, order } = await backendFor(spec);
    backend.train(0, 1, sgd({ learningRate: 0.5 }));
    const naive = naiveOn(spec, parameters, 'train', order.subarray(0, BATCH));
    const first = await backend.takeMetrics();
    expect(first.steps).toBe(1);
    expect(first.examples).toBe(BATCH);
    expect(first.correct).toBe(naive.correct.reduce((a, b) => a + b, 0));
    expect(first.lossSum).toBeCloseTo(
      naive.lossPerRow.reduce((a, b) => a + b, 0),
      5,
    );
    expect(await backend.takeMetrics()).toEqual({ steps: 0, examples: 0, lossSum: 0, correct: 0 });
    backend.train(1, 3, sgd({ learningRate: 0.5 })); // the last of floor(13 / 3) = 4 batches
    const later = await backend.takeMetrics();
    expect([later.steps, later.examples]).toEqual([3, 9]);
  });

  it.each(NETWORKS)(
    '%s: evaluate keeps the partial last batch and fills the confusion matrix',
    async (_, spec) => {
      const { backend, parameters } = await backendFor(spec, 4); // 10 test images: 4 + 4 + 2
      const all = new Uint32Array(10).map((_, i) => i);
      const naive = naiveOn(spec, parameters, 'test', all);
      const result = await backend.evaluate('test');
      expect(result.examples).toBe(10);
      expect(result.correct).toBe(naive.correct.reduce((a, b) => a + b, 0));
      expect(result.lossSum).toBeCloseTo(
        naive.lossPerRow.reduce((a, b) => a + b, 0),
        5,
      );
      const expected = new Uint32Array(9);
      for (let row = 0; row < 10; row++) {
        const logits = Array.from(naive.logits.subarray(row * 3, row * 3 + 3));
        expected[naive.labels[row] * 3 + logits.indexOf(Math.max(...logits))]++;
      }
      expect(result.confusion).toEqual(expected);
      const trace = result.confusion[0] + result.confusion[4] + result.confusion[8];
      expect(trace).toBe(result.correct);

      const limited = await backend.evaluate('test', 7);
      expect(limited.examples).toBe(7);
      expect(limited.confusion.reduce((a, b) => a + b, 0)).toBe(7);
      expect(limited.correct).toBe(naive.correct.subarray(0, 7).reduce((a, b) => a + b, 0));
    },
  );
});

describe('CpuBackend: errors name the problem', () => {
  it('rejects misuse before touching anything', async () => {
    const description = describeNetwork(tinySpec(), BATCH);
    const fresh = CpuBackend.create(description, { seed: 1 });
    expect(() => fresh.train(0, 1, sgd({}))).toThrow(/setData first/);
    await fresh.setData(dataset);
    expect(() => fresh.train(0, 1, sgd({}))).toThrow(/setEpochOrder before train/);
    expect(() => fresh.setEpochOrder(new Uint32Array(13))).toThrow(/not a permutation/);
    fresh.setEpochOrder(epochPermutation(13, 1, 0));
    expect(() => fresh.train(3, 2, sgd({}))).toThrow(/outside the epoch's 4 batches/);
    expect(() => fresh.setParameters(new Float32Array(5))).toThrow(/expected \d+ floats/);
    expect(() => fresh.train(0, 1, sgd({ momentum: 1 }))).toThrow(/momentum/);
    const fourClasses = tinyDataset({ height: 8, width: 8, classes: 4, train: 5, test: 5, seed: 1 });
    await expect(fresh.setData(fourClasses)).rejects.toThrow(/4 classes .* classify 3/);
    const wide = tinyDataset({ height: 8, width: 9, classes: 3, train: 5, test: 5, seed: 1 });
    await expect(fresh.setData(wide)).rejects.toThrow(/1x8x8 images but .* 1x8x9/);
  });

  it('createCpuBackend validates the spec and seeds the parameters', async () => {
    const bad: NetworkSpec = { ...tinySpec(), layers: [{ kind: 'classify', classes: 1 }] };
    expect(() => createCpuBackend(bad, { batch: 2, seed: 1 })).toThrow(/classes/);
    const backend = createCpuBackend(tinySpec(), { batch: 2, seed: 9 });
    expect(backend.description.batch).toBe(2);
    expect(await backend.getParameters()).toEqual(initialParameters(describeNetwork(tinySpec()), 9));
  });
});
