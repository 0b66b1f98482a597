// The reference networks: labels, shapes, parameter counts (worked by hand in the comments) and
// the op params describeNetwork hands to the kernels.

import { describe, expect, it } from 'vitest';
import { PRESET_NAMES, preset } from '../../src/model/presets.ts';
import { describeNetwork, validateNetwork } from '../../src/model/validate.ts';

function table(name: (typeof PRESET_NAMES)[number]) {
  return describeNetwork(preset(name)).layers.map((l) => [l.label, l.inputShape, l.outputShape, l.params]);
}

describe('presets', () => {
  it.each(PRESET_NAMES)('%s is valid on 1x28x28 input', (name) => {
    expect(validateNetwork(preset(name))).toEqual([]);
    expect(preset(name).input).toEqual({ channels: 1, height: 28, width: 28 });
  });

  it('seed: 87,260 parameters', () => {
    expect(table('seed')).toEqual([
      ['conv 5x5 x20 sigmoid', [1, 28, 28], [20, 24, 24], 20 * 25 + 20], // 520; 28-5+1 = 24
      ['maxpool 2', [20, 24, 24], [20, 12, 12], 0],
      ['fc 30 sigmoid', [20, 12, 12], [30, 1, 1], 2880 * 30 + 30], // 86,430; 20*12*12 = 2880
      ['classify 10', [30, 1, 1], [10, 1, 1], 30 * 10 + 10], // 310
    ]);
    expect(describeNetwork(preset('seed')).totals.params).toBe(520 + 86_430 + 310);
  });

  it('lenet5: 61,706 parameters', () => {
    expect(table('lenet5')).toEqual([
      ['conv 5x5 x6 pad 2 relu', [1, 28, 28], [6, 28, 28], 6 * 25 + 6], // 28+4-5+1 = 28
      ['maxpool 2', [6, 28, 28], [6, 14, 14], 0],
      ['conv 5x5 x16 relu', [6, 14, 14], [16, 10, 10], 16 * 6 * 25 + 16], // 2,416
      ['maxpool 2', [16, 10, 10], [16, 5, 5], 0],
      ['fc 120 relu', [16, 5, 5], [120, 1, 1], 400 * 120 + 120], // 48,120
      ['fc 84 relu', [120, 1, 1], [84, 1, 1], 120 * 84 + 84], // 10,164
      ['classify 10', [84, 1, 1], [10, 1, 1], 84 * 10 + 10], // 850
    ]);
    const { totals } = describeNetwork(preset('lenet5'));
    expect(totals.params).toBe(61_706);
    expect(totals.biases).toBe(6 + 16 + 120 + 84 + 10);
    expect(totals.weights).toBe(61_706 - 236);
  });

  it('convnet: 1,199,882 parameters, most in the fc layer', () => {
    expect(table('convnet')).toEqual([
      ['conv 3x3 x32 relu', [1, 28, 28], [32, 26, 26], 32 * 9 + 32], // 320
      ['conv 3x3 x64 relu', [32, 26, 26], [64, 24, 24], 64 * 32 * 9 + 64], // 18,496
      ['maxpool 2', [64, 24, 24], [64, 12, 12], 0],
      ['fc 128 relu', [64, 12, 12], [128, 1, 1], 9216 * 128 + 128], // 1,179,776; 64*144 = 9216
      ['classify 10', [128, 1, 1], [10, 1, 1], 128 * 10 + 10], // 1,290
    ]);
    expect(describeNetwork(preset('convnet')).totals.params).toBe(320 + 18_496 + 1_179_776 + 1_290);
  });

  it('largest activation: the second conv of convnet (64*24*24 per example)', () => {
    expect(describeNetwork(preset('convnet')).totals.largestActivation).toEqual({
      layerIndex: 1,
      elements: 36_864,
    });
  });

  it('preset() returns a fresh copy each time', () => {
    const a = preset('lenet5');
    a.layers.pop();
    expect(preset('lenet5').layers).toHaveLength(7);
  });
});

describe('op params for the kernels', () => {
  it('lenet5 at batch 5: conv2d, pool2d, dense and softmax params carry the batch', () => {
    const d = describeNetwork(preset('lenet5'), 5);
    expect(d.batch).toBe(5);
    const [conv1, pool1, conv2, , fc1, , classify] = d.layers;
    expect(conv1.kind === 'conv' && conv1.conv2d).toEqual({
      batch: 5,
      inChannels: 1,
      inHeight: 28,
      inWidth: 28,
      outChannels: 6,
      kernelH: 5,
      kernelW: 5,
      stride: 1,
      padding: 2,
    });
    expect(pool1.kind === 'pool' && pool1.pool2d).toEqual({
      batch: 5,
      channels: 6,
      inHeight: 28,
      inWidth: 28,
      kernel: 2,
      stride: 2,
    });
    expect(
      conv2.kind === 'conv' && [conv2.conv2d.inChannels, conv2.conv2d.padding, conv2.activation],
    ).toEqual([6, 0, 'relu']);
    // The first fc flattens 16x5x5 in C, H, W order: 400 input features.
    expect(fc1.kind === 'fc' && fc1.dense).toEqual({ batch: 5, inFeatures: 400, outFeatures: 120 });
    expect(classify.kind === 'classify' && [classify.dense, classify.softmaxCrossEntropy]).toEqual([
      { batch: 5, inFeatures: 84, outFeatures: 10 },
      { batch: 5, classes: 10 },
    ]);
    // Shapes and counts do not depend on the batch.
    expect(d.totals).toEqual(describeNetwork(preset('lenet5')).totals);
  });

  it('a non-square kernel with stride 2 and avg pooling with overlapping windows', () => {
    const d = describeNetwork({
      input: { channels: 3, height: 17, width: 13 },
      layers: [
        { kind: 'conv', filters: 5, kernel: [3, 5], stride: 2, padding: 1, activation: 'tanh' },
        { kind: 'pool', mode: 'avg', size: 3, stride: 1 },
        { kind: 'classify', classes: 7 },
      ],
    });
    // height: floor((17 + 2 - 3) / 2) + 1 = 9; width: floor((13 + 2 - 5) / 2) + 1 = 6
    // pool 3 stride 1: 9-3+1 = 7, 6-3+1 = 4
    expect(d.layers.map((l) => [l.label, l.outputShape, l.params])).toEqual([
      ['conv 3x5 x5 stride 2 pad 1 tanh', [5, 9, 6], 5 * 3 * 15 + 5], // 230
      ['avgpool 3 stride 1', [5, 7, 4], 0],
      ['classify 7', [7, 1, 1], 140 * 7 + 7], // 5*7*4 = 140 features
    ]);
  });

  it('an fc-only network flattens the input image; activation none is left out of labels', () => {
    const d = describeNetwork({
      input: { channels: 2, height: 3, width: 5 },
      layers: [
        { kind: 'fc', units: 4, activation: 'none' },
        { kind: 'classify', classes: 3 },
      ],
    });
    expect(d.layers.map((l) => [l.label, l.params])).toEqual([
      ['fc 4', 30 * 4 + 4],
      ['classify 3', 4 * 3 + 3],
    ]);
    expect(d.totals.largestActivation).toEqual({ layerIndex: null, elements: 30 });
  });
});
