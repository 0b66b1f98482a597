// The CPU backend's view methods (backend.ts): probe against the naive Float64 network (logits and
// softmax of any 1..PROBE_MAX images, every layer's output shaped [count, ...outputShape]),
// probes between steps leave the run exactly as it was, readParameters slices, parameterStats
// against the statistics of getParameters / getGradients / the optimizer state (SGD velocity,
// Adam's direction), evaluate's predictions against its confusion matrix, and argument errors.

import { describe, expect, it } from 'vitest';
import { epochPermutation, gatherBatch } from '../../src/data/batching.ts';
import { DEFAULT_OPTIMIZER, PROBE_MAX, type OptimizerSettings } from '../../src/model/backend.ts';
import { createCpuBackend, type CpuBackend } from '../../src/model/cpu-backend.ts';
import { parameterLayout } from '../../src/model/layout.ts';
import { shapeElements } from '../../src/model/shapes.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { describeNetwork } from '../../src/model/validate.ts';
import { segmentStats } from '../../src/reference/segment_stats.ts';
import { assertClose } from '../helpers/allclose.ts';
import { naiveNetwork } from './naive-network.ts';
import { tinyDataset } from './tiny-data.ts';

const SEED = 11;
const dataset = tinyDataset({ height: 9, width: 9, classes: 4, train: 41, test: 19, seed: 3 });
const spec: NetworkSpec = {
  input: { channels: 1, height: 9, width: 9 },
  layers: [
    { kind: 'conv', filters: 3, kernel: 3, activation: 'relu' },
    { kind: 'pool', mode: 'max', size: 2 },
    { kind: 'fc', units: 5, activation: 'tanh' },
    { kind: 'classify', classes: 4 },
  ],
};
const SGD: OptimizerSettings = { ...DEFAULT_OPTIMIZER, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-3 };
const ADAM: OptimizerSettings = { ...DEFAULT_OPTIMIZER, kind: 'adam', learningRate: 0.01 };

async function backend(): Promise<CpuBackend> {
  const b = createCpuBackend(spec, { batch: 5, seed: SEED });
  await b.setData(dataset);
  b.setEpochOrder(epochPermutation(dataset.train.count, SEED, 0));
  return b;
}

const testIndices = (count: number) => Uint32Array.from({ length: count }, (_, i) => (3 * i + 1) % 19);

describe('CpuBackend.probe', () => {
  it.each([1, 7, PROBE_MAX])('%i image(s): logits and softmax match the naive network', async (count) => {
    const b = await backend();
    b.train(0, 2, SGD);
    const parameters = await b.getParameters();
    const batch = gatherBatch(dataset, 'test', testIndices(count));
    const result = await b.probe(batch.images, count);
    const naive = naiveNetwork(
      describeNetwork(spec, count),
      Float64Array.from(parameters),
      Float64Array.from(batch.images),
      batch.labels,
    );
    expect(result.count).toBe(count);
    expect(result.outputs.map((o) => o.length)).toEqual(
      b.description.layers.map((d) => count * shapeElements(d.outputShape)),
    );
    assertClose(result.outputs[3], naive.logits, { atol: 1e-5, rtol: 1e-5 }, 'logits');
    const softmax = new Float64Array(count * 4);
    for (let r = 0; r < count; r++) {
      const row = naive.logits.subarray(4 * r, 4 * r + 4);
      const total = row.reduce((sum, v) => sum + Math.exp(v), 0);
      row.forEach((v, c) => (softmax[4 * r + c] = Math.exp(v) / total));
    }
    assertClose(result.probabilities, softmax, { atol: 1e-6, rtol: 1e-5 }, 'probabilities');
  });

  it('leaves training exactly as it was: same losses and parameters with and without probes', async () => {
    const [plain, probed] = [await backend(), await backend()];
    const images = gatherBatch(dataset, 'test', testIndices(3)).images;
    const losses: number[][] = [[], []];
    for (let step = 0; step < 4; step++) {
      plain.train(step, 1, step < 2 ? SGD : ADAM);
      await probed.probe(images, 3);
      await probed.parameterStats(ADAM);
      await probed.evaluate('test', 7);
      probed.train(step, 1, step < 2 ? SGD : ADAM);
      losses[0].push((await plain.takeMetrics()).lossSum);
      losses[1].push((await probed.takeMetrics()).lossSum);
    }
    expect(losses[1]).toEqual(losses[0]);
    expect(await probed.getParameters()).toEqual(await plain.getParameters());
  });

  it('rejects a count outside 1..PROBE_MAX and images of the wrong size', async () => {
    const b = await backend();
    await expect(b.probe(new Float32Array(0), 0)).rejects.toThrow(
      /count must be a whole number in \[1, 16\]/,
    );
    await expect(b.probe(new Float32Array(17 * 81), 17)).rejects.toThrow(/\[1, 16\], got 17/);
    await expect(b.probe(new Float32Array(80), 1)).rejects.toThrow(
      /1 image\(s\) of 1x9x9 need 81 floats, got 80/,
    );
    b.destroy();
    await expect(b.probe(new Float32Array(81), 1)).rejects.toThrow(/destroyed/);
  });
});

describe('CpuBackend.readParameters and parameterStats', () => {
  it('reads a slice of the flat parameters and rejects ranges outside them', async () => {
    const b = await backend();
    b.train(0, 1, SGD);
    const all = await b.getParameters();
    const { offset, length } = parameterLayout(b.description).layers[1].weight;
    expect(await b.readParameters(offset, length)).toEqual(all.slice(offset, offset + length));
    await expect(b.readParameters(all.length - 3, 4)).rejects.toThrow(/4 float\(s\) at \d+ are not inside/);
    await expect(b.readParameters(0, 0)).rejects.toThrow(/not inside/);
  });

  it('values, gradients and the last update per tensor: SGD velocity, then the Adam direction', async () => {
    const b = await backend();
    const layout = parameterLayout(b.description);
    const segments = layout.layers.flatMap((l) => [l.weight, l.bias]);
    expect((await b.parameterStats(ADAM)).every((s) => s.update === null)).toBe(true); // no update yet
    const plain = { mode: 'plain', correction1: 1, correction2: 1, epsilon: 0 } as const;
    b.train(0, 2, SGD);
    let stats = await b.parameterStats(ADAM);
    expect(stats.map((s) => `${s.layerIndex} ${s.tensor}`)).toEqual([
      '0 weight',
      '0 bias',
      '2 weight',
      '2 bias',
      '3 weight',
      '3 bias',
    ]);
    const velocity = (await b.getOptimizerState()).slots[0];
    expect(stats.map((s) => s.parameters)).toEqual(
      segmentStats(await b.getParameters(), null, segments, plain),
    );
    expect(stats.map((s) => s.gradients)).toEqual(segmentStats(b.getGradients(), null, segments, plain));
    expect(stats.map((s) => s.update)).toEqual(segmentStats(velocity, null, segments, plain));
    b.train(2, 3, ADAM);
    stats = await b.parameterStats(ADAM);
    const [m, v] = (await b.getOptimizerState()).slots;
    const adam = {
      mode: 'adam',
      correction1: 1 - 0.9 ** 3,
      correction2: 1 - 0.999 ** 3,
      epsilon: 1e-8,
    } as const;
    expect(stats.map((s) => s.update)).toEqual(segmentStats(m, v, segments, adam));
    // The direction of a fresh Adam is about +-1 per element: its rms is near 1, far from SGD's.
    const weight = stats[0].update!;
    expect(Math.sqrt(weight.sumSquares / weight.count)).toBeGreaterThan(0.3);
  });
});

describe('CpuBackend.evaluate predictions', () => {
  it('one predicted class per example, in split order, agreeing with the confusion matrix', async () => {
    const b = await backend();
    b.train(0, 3, SGD);
    for (const limit of [19, 6, 0]) {
      const result = await b.evaluate('test', limit);
      expect(result.predictions).toHaveLength(limit);
      const counts = new Uint32Array(16);
      result.predictions.forEach((p, i) => counts[dataset.test.labels[i] * 4 + p]++);
      expect(counts).toEqual(result.confusion);
      const probed = await b.probe(gatherBatch(dataset, 'test', testIndices(1)).images, 1);
      const best = probed.probabilities.indexOf(Math.max(...probed.probabilities));
      if (limit > 1) expect(result.predictions[1]).toBe(best); // testIndices(1) = [1]
    }
  });
});
