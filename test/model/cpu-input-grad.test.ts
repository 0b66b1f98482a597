// CPU input gradients (cpu-input-grad.ts) against central finite differences of the objective,
// computed from forward passes alone, on a smooth network (tanh, sigmoid, avg pool; the max pool
// has no ties on random inputs) for every objective kind, including a unit whose activation the
// backward must skip (pre-activation) and fewer rows than the batch. Plus the argument checks.

import { describe, expect, it } from 'vitest';
import { CpuInputGradients } from '../../src/model/cpu-input-grad.ts';
import { classLogits, type Objective } from '../../src/model/input-gradient.ts';
import { initialParameters } from '../../src/model/layout.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { describeNetwork } from '../../src/model/validate.ts';
import { Random } from '../../src/util/random.ts';
import { assertClose } from '../helpers/allclose.ts';

const NET: NetworkSpec = {
  input: { channels: 2, height: 9, width: 7 },
  layers: [
    { kind: 'conv', filters: 3, kernel: 3, padding: 1, activation: 'tanh' },
    { kind: 'pool', mode: 'avg', size: 2 },
    { kind: 'conv', filters: 4, kernel: 2, activation: 'sigmoid' },
    { kind: 'pool', mode: 'max', size: 2, stride: 1 },
    { kind: 'fc', units: 5, activation: 'tanh' },
    { kind: 'classify', classes: 6 },
  ],
};
const BATCH = 3;
const PIXELS = 2 * 9 * 7;
const description = describeNetwork(NET, BATCH);

function engine(): CpuInputGradients {
  const e = new CpuInputGradients(description, BATCH);
  // Larger weights than the init, so every layer matters to the gradient.
  e.setParameters(initialParameters(description, 3).map((v) => 2 * v));
  return e;
}

/** The objective of row `row`, from a forward pass of `images` (float64 from float32 outputs). */
function objectiveValue(
  e: CpuInputGradients,
  images: Float32Array,
  objective: Objective,
  row: number,
): number {
  e.images.fill(0);
  e.images.set(images);
  e.forward();
  const logits = Array.from(e.logits.subarray(row * 6, row * 6 + 6));
  if (objective.kind === 'logits')
    return logits.reduce((s, l, c) => s + l * objective.upstream[row * 6 + c], 0);
  if (objective.kind === 'logProbability') {
    const max = Math.max(...logits);
    const total = logits.reduce((s, l) => s + Math.exp(l - max), 0);
    return logits[objective.classes[row]] - max - Math.log(total);
  }
  const layer = (e as unknown as { network: { layers: { output: Float32Array }[] } }).network.layers[
    objective.layerIndex
  ];
  const d = description.layers[objective.layerIndex];
  const [channels, h, w] = d.outputShape;
  const start = (row * channels + objective.units[row]) * h * w;
  const post = layer.output.subarray(start, start + h * w);
  // The objective is the mean PRE-activation: undo tanh / sigmoid.
  const pre = (y: number) =>
    d.kind === 'conv' && d.activation === 'sigmoid' ? Math.log(y / (1 - y)) : Math.atanh(y);
  return post.reduce((s, y) => s + pre(y), 0) / (h * w);
}

function finiteDifferences(images: Float32Array, count: number, objective: Objective): Float32Array {
  const e = engine();
  const grad = new Float32Array(count * PIXELS);
  const eps = 1e-2; // float32 forward: smaller steps drown in rounding
  for (let i = 0; i < grad.length; i++) {
    const row = Math.floor(i / PIXELS);
    const plus = images.slice();
    plus[i] += eps;
    const minus = images.slice();
    minus[i] -= eps;
    grad[i] =
      (objectiveValue(e, plus, objective, row) - objectiveValue(e, minus, objective, row)) / (2 * eps);
  }
  return grad;
}

const upstream = new Random(5).fillUniform(new Float32Array(BATCH * 6), -1, 1);
const cases: [string, Objective, number][] = [
  ['an arbitrary upstream on the logits', { kind: 'logits', upstream }, BATCH],
  ['one-hot class logits, 2 of 3 rows', classLogits([4, 1], 6), 2],
  ['log-probability', { kind: 'logProbability', classes: [0, 5, 2] }, BATCH],
  ['conv 1 units (tanh pre-activation)', { kind: 'unit', layerIndex: 0, units: [2, 0, 1] }, BATCH],
  ['conv 2 units (sigmoid, before a max pool)', { kind: 'unit', layerIndex: 2, units: [3, 1] }, 2],
  ['fc units (tanh)', { kind: 'unit', layerIndex: 4, units: [4] }, 1],
];

describe('CpuInputGradients', () => {
  it.each(cases)('matches finite differences for %s', (_, objective, count) => {
    const images = new Random(count + 11).fillUniform(new Float32Array(count * PIXELS), 0, 1);
    const got = engine().gradient(images, count, objective);
    const want = finiteDifferences(images, count, objective);
    const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(scale).toBeGreaterThan(1e-3);
    // Central differences with eps 1e-2 on a float32 forward: error ~ eps^2 * f''' + 1e-7 / eps.
    assertClose(got.gradient, want, { atol: 2e-3 * scale, rtol: 2e-2 });
    expect(got.logits).toHaveLength(count * 6);
    expect(got.probabilities.subarray(0, 6).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('names the fix for a bad objective or image count', () => {
    const e = engine();
    const image = new Float32Array(PIXELS);
    expect(() => e.gradient(image, 1, { kind: 'unit', layerIndex: 1, units: [0] })).toThrow(
      /layer 1 is not a conv or fc layer/,
    );
    expect(() => e.gradient(image, 1, { kind: 'unit', layerIndex: 0, units: [3] })).toThrow(
      /layer 0 unit 3 is not in \[0, 2\]/,
    );
    expect(() => e.gradient(image, 1, { kind: 'logProbability', classes: [0, 1, 2, 3] })).toThrow(
      /4 rows; give 1 to 3/,
    );
    expect(() => e.gradient(image, 2, classLogits([0], 6))).toThrow(
      /give 1 to 3 images of 126 floats, got 126 floats for 2/,
    );
    expect(() => e.computeGradient.call(new CpuInputGradients(description, 1))).toThrow(
      /call setObjective first/,
    );
  });
});
