// The health arithmetic on synthetic data: dead units per channel / per fc unit (zero for every
// image at every position), ranges from reduced statistics (NaN when anything was not finite),
// host ranges, and one row per layer with the update ratio lr * ||update / lr|| / ||w||.

import { describe, expect, it } from 'vitest';
import { deadFraction, layerHealth, rangeOf, rangeOfValues } from '../../../src/app/feeds/health.ts';
import type { ParameterTensorStats, TensorStats } from '../../../src/model/backend.ts';
import { describeNetwork } from '../../../src/model/validate.ts';

describe('deadFraction', () => {
  it('counts channels that are zero for every image and position', () => {
    // 2 images x 3 channels x 2x2: channel 0 fires once in image 1, channel 1 never, channel 2 in image 0.
    const output = new Float32Array(2 * 3 * 4);
    output[2 * 4 + 3] = 0.5; // image 0, channel 2
    output[12 + 0 * 4 + 1] = 1e-30; // image 1, channel 0: tiny but alive
    expect(deadFraction(output, 2, [3, 2, 2])).toBeCloseTo(1 / 3, 12);
  });

  it('treats fc units alike ([count, U, 1, 1]) and ignores rows past count', () => {
    const output = Float32Array.from([0, 2, 0, 0, 0, 0, /* past count: */ 9, 9, 9]);
    expect(deadFraction(output, 2, [3, 1, 1])).toBeCloseTo(2 / 3, 12);
  });
});

describe('ranges', () => {
  const stats = (over: Partial<TensorStats>): TensorStats => ({
    count: 4,
    nonFinite: 0,
    min: -2,
    max: 1,
    sum: -2,
    sumSquares: 9,
    ...over,
  });

  it('mean and rms over the finite values; NaN everywhere when any value was not finite', () => {
    expect(rangeOf(stats({}))).toEqual({ min: -2, max: 1, mean: -0.5, rms: 1.5 });
    expect(rangeOf(stats({ nonFinite: 1 }))).toEqual({ min: NaN, max: NaN, mean: NaN, rms: NaN });
  });

  it('host range of values, NaN in gives NaN out', () => {
    expect(rangeOfValues(Float32Array.from([3, -1, 0, 2]))).toEqual({
      min: -1,
      max: 3,
      mean: 1,
      rms: Math.sqrt(3.5),
    });
    expect(rangeOfValues(Float32Array.from([1, NaN])).rms).toBeNaN();
  });
});

describe('layerHealth', () => {
  it('one row per layer; parameter rows carry weight and gradient ranges and the update ratio', () => {
    const description = describeNetwork(
      {
        input: { channels: 1, height: 4, width: 4 },
        layers: [
          { kind: 'conv', filters: 2, kernel: 3, activation: 'relu' },
          { kind: 'pool', mode: 'max', size: 2 },
          { kind: 'classify', classes: 3 },
        ],
      },
      1,
    );
    const conv = Float32Array.from([0, 0, 0, 0, 1, 0, 2, 0]); // channel 0 dead
    const probe = {
      count: 1,
      outputs: [conv, Float32Array.from([0, 2]), Float32Array.from([1, -1, 0])],
      probabilities: new Float32Array(3),
    };
    const t = (sumSquares: number): TensorStats => ({
      count: 18,
      nonFinite: 0,
      min: -1,
      max: 1,
      sum: 0,
      sumSquares,
    });
    const stats: ParameterTensorStats[] = [
      { layerIndex: 0, tensor: 'weight', parameters: t(4), gradients: t(0.25), update: t(0.01) },
      { layerIndex: 0, tensor: 'bias', parameters: t(1), gradients: t(1), update: t(1) },
      { layerIndex: 2, tensor: 'weight', parameters: t(9), gradients: t(1), update: null },
      { layerIndex: 2, tensor: 'bias', parameters: t(1), gradients: t(1), update: null },
    ];
    const rows = layerHealth(description, probe, stats, 0.5);
    expect(rows.map((r) => [r.layerIndex, r.deadFraction, r.updateRatio])).toEqual([
      [0, 0.5, (0.5 * 0.1) / 2],
      [1, 0.5, null],
      [2, 1 / 3, null],
    ]);
    expect(rows[0].weight).toEqual({ min: -1, max: 1, mean: 0, rms: Math.sqrt(4 / 18) });
    expect(rows[0].gradient?.rms).toBeCloseTo(Math.sqrt(0.25 / 18), 12);
    expect(rows[1].weight).toBeNull();
    expect(rows[2].activation).toEqual({ min: -1, max: 1, mean: 0, rms: Math.sqrt(2 / 3) });
  });
});
