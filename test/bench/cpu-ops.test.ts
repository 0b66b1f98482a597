// The CPU closures the benchmark times compute the pass they claim (naive and fast), checked
// against the Float64 reference on a small layer of each kind.

import { describe, expect, it } from 'vitest';
import { benchLayers, networkLayers, passesOf } from '../../bench/cases.ts';
import { fastCpuCase, naiveCpuCase } from '../../bench/cpu-ops.ts';
import { acceptableError, makeLayerData, maxError } from '../../bench/data.ts';

const layers = [
  networkLayers('lenet5', 2)[2], // conv 5x5 6->16, relu
  networkLayers('seed', 3)[2], // fc 2880->30, sigmoid
  ...benchLayers(['seed'], 2, ['max_pool2d', 'avg_pool2d']), // pool1 and its avg_pool2d twin
];

describe.each(layers.map((l) => [`${l.net} ${l.layer} ${l.op}`, l] as const))('%s', (_, layer) => {
  const data = makeLayerData(layer);
  it.each(passesOf(layer.op))('%s matches the reference (naive and fast)', (pass) => {
    const naive = naiveCpuCase(data, pass);
    naive.run();
    expect(maxError(naive.output, data.expected(pass))).toBeLessThanOrEqual(acceptableError(layer, pass));
    const fast = fastCpuCase(data, pass);
    expect(fast === null).toBe(layer.op === 'max_pool2d' || layer.op === 'avg_pool2d');
    if (fast) {
      fast.run();
      expect(maxError(fast.output, data.expected(pass))).toBeLessThanOrEqual(acceptableError(layer, pass));
    }
  });
});

describe('forward passes apply the layer activation, as the kernels fuse it', () => {
  it('relu (lenet5 conv2) clamps negatives to exactly 0', () => {
    const run = naiveCpuCase(makeLayerData(layers[0]), 'forward');
    run.run();
    expect(Math.min(...run.output)).toBe(0);
    expect(run.output.filter((v) => v === 0).length).toBeGreaterThan(run.output.length / 10);
  });

  it('sigmoid (seed fc1) is the sigmoid of the plain product, naive and fast', () => {
    const layer = layers[1];
    if (layer.op !== 'dense') throw new Error('layers[1] must be dense');
    const plain = naiveCpuCase(makeLayerData({ ...layer, activation: 'none' }), 'forward');
    plain.run();
    const sigmoid = plain.output.map((z) => 1 / (1 + Math.exp(-z)));
    for (const make of [naiveCpuCase, fastCpuCase]) {
      const run = make(makeLayerData(layer), 'forward')!;
      run.run();
      expect(maxError(run.output, sigmoid)).toBeLessThan(1e-6);
    }
  });
});
