// The TensorFlow.js twin used by the training benchmark trains the same network as ours: the same
// parameter count in every layer, our weights carried over exactly, and (on TFJS's CPU backend
// against our CpuBackend) the same losses and parameters over a few SGD-momentum and Adam steps.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { benchOptimizer, syntheticDataset } from '../../bench/train-data.ts';
import { TfjsTrainer } from '../../bench/train-tfjs-loop.ts';
import { buildTfjsModel, getTfjsParameters, setTfjsParameters } from '../../bench/train-tfjs-model.ts';
import { CpuBackend } from '../../src/model/cpu-backend.ts';
import { initialParameters, parameterLayout } from '../../src/model/layout.ts';
import { PRESET_NAMES, preset } from '../../src/model/presets.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { Trainer } from '../../src/model/trainer.ts';
import { describeNetwork } from '../../src/model/validate.ts';
import { assertClose } from '../helpers/allclose.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Stride 2 with padding (not TFJS 'same': a ZeroPadding2D layer), avg pool, tanh, fc after fc. */
const ODD_SPEC: NetworkSpec = {
  input: { channels: 1, height: 28, width: 28 },
  layers: [
    { kind: 'conv', filters: 5, kernel: [3, 5], stride: 2, padding: 1, activation: 'tanh' },
    { kind: 'pool', mode: 'avg', size: 3, stride: 2 },
    { kind: 'conv', filters: 7, kernel: 3, stride: 1, padding: 1, activation: 'sigmoid' },
    { kind: 'fc', units: 13, activation: 'relu' },
    { kind: 'fc', units: 11, activation: 'none' },
    { kind: 'classify', classes: 10 },
  ],
};

/** lenet5's layer kinds, smaller so TFJS's CPU backend trains it in well under a second per step. */
const SMALL_LENET: NetworkSpec = {
  input: { channels: 1, height: 28, width: 28 },
  layers: [
    { kind: 'conv', filters: 3, kernel: 5, stride: 1, padding: 2, activation: 'relu' },
    { kind: 'pool', mode: 'max', size: 2, stride: 2 },
    { kind: 'conv', filters: 4, kernel: 5, stride: 1, padding: 0, activation: 'relu' },
    { kind: 'pool', mode: 'max', size: 2, stride: 2 },
    { kind: 'fc', units: 12, activation: 'relu' },
    { kind: 'classify', classes: 10 },
  ],
};

const SPECS: [string, NetworkSpec][] = [
  ...PRESET_NAMES.map((n) => [n, preset(n)] as [string, NetworkSpec]),
  ['odd', ODD_SPEC],
];

describe('buildTfjsModel', () => {
  it.each(SPECS)('%s: one TFJS layer per parameterised layer, with the same parameter count', (_, spec) => {
    const description = describeNetwork(spec, 3);
    const { model, parameterLayers } = buildTfjsModel(description);
    try {
      const ours = description.layers.filter((l) => l.params > 0);
      expect(parameterLayers.map((p) => p.layerIndex)).toEqual(ours.map((l) => l.index));
      expect(parameterLayers.map((p) => p.layer.countParams())).toEqual(ours.map((l) => l.params));
      expect(model.countParams()).toBe(description.totals.params);
      const [c, h, w] = description.input;
      expect(model.outputs[0].shape).toEqual([null, description.layers.at(-1)!.outputShape[0]]);
      expect(model.inputs[0].shape).toEqual([null, h, w, c]);
    } finally {
      model.dispose();
    }
  });

  it('carries our parameters over and back exactly (conv, first fc after a conv, fc after fc)', async () => {
    const description = describeNetwork(ODD_SPEC, 3);
    const net = buildTfjsModel(description);
    try {
      const flat = initialParameters(description, 7);
      for (const { bias } of parameterLayout(description).layers) {
        // Biases start at zero: give them values so that a lost bias would show.
        for (let i = 0; i < bias.length; i++) flat[bias.offset + i] = 0.01 * (i + 1);
      }
      setTfjsParameters(net, description, flat);
      expect(await getTfjsParameters(net, description)).toEqual(flat);
    } finally {
      net.model.dispose();
    }
  });
});

describe('TfjsTrainer against our CpuBackend', () => {
  const dataset = syntheticDataset(3, 18);

  it.each([
    ['small lenet', 'sgd', SMALL_LENET],
    ['odd', 'adam', ODD_SPEC],
  ] as const)(
    '%s with %s: the same losses and correct counts over 6 steps, the same parameters after',
    async (_, kind, spec) => {
      const batch = 4;
      const settings = benchOptimizer(kind);
      const description = describeNetwork(spec, batch);
      const parameters = initialParameters(description, 5);
      const ours = await Trainer.create({
        spec,
        dataset,
        seed: 5,
        batch,
        optimizer: settings,
        createBackend: (d) => CpuBackend.create(d),
      });
      const theirs = new TfjsTrainer({ description, dataset, seed: 5, settings, parameters });
      try {
        // 18 images at batch 4: 4 steps per epoch, so 6 steps cross into the second epoch's order.
        for (const count of [1, 1, 4]) {
          ours.step(count);
          theirs.step(count);
          const [a, b] = [await ours.takeMetrics(), await theirs.takeMetrics()];
          expect(b).toMatchObject({ steps: count, examples: count * batch, correct: a.correct });
          expect(Math.abs(b.lossSum - a.lossSum)).toBeLessThanOrEqual(1e-5 * a.lossSum);
        }
        const tfjsParameters = await getTfjsParameters(theirs.network, description);
        assertClose(tfjsParameters, await ours.getParameters(), { atol: 2e-5, rtol: 1e-4 });
      } finally {
        ours.destroy();
        theirs.destroy();
      }
    },
  );
});
