// The benchmark's layer tables: shapes of the three reference networks, which passes are timed,
// and FLOP counts, checked against numbers worked out by hand.

import { describe, expect, it } from 'vitest';
import {
  benchCases,
  caseFlops,
  describeShape,
  layerPasses,
  networkLayers,
  withBatch,
} from '../../bench/cases.ts';

describe('networkLayers', () => {
  it('infers the convnet shapes from a 1x28x28 image', () => {
    const layers = networkLayers('convnet', 64);
    expect(layers.map((l) => `${l.layer}:${l.op}`)).toEqual([
      'conv1:conv2d',
      'conv2:conv2d',
      'pool1:max_pool2d',
      'fc1:dense',
      'classify:dense',
    ]);
    expect(layers[1].params).toMatchObject({
      batch: 64,
      inChannels: 32,
      inHeight: 26,
      outChannels: 64,
      kernelH: 3,
    });
    expect(layers[2].params).toMatchObject({ channels: 64, inHeight: 24, kernel: 2, stride: 2 });
    expect(layers[3].params).toEqual({ batch: 64, inFeatures: 9216, outFeatures: 128 });
    expect(layers[4].params).toEqual({ batch: 64, inFeatures: 128, outFeatures: 10 });
    expect(layers.map((l) => l.first)).toEqual([true, false, false, false, false]);
  });

  it('gives seed and lenet5 their fc input sizes and activations', () => {
    const seed = networkLayers('seed', 5);
    expect(seed[2].params).toEqual({ batch: 5, inFeatures: 2880, outFeatures: 30 });
    expect(seed[0].op === 'conv2d' && seed[0].activation).toBe('sigmoid');
    const lenet = networkLayers('lenet5', 3);
    expect(lenet[0].params).toMatchObject({ padding: 2, outChannels: 6, inHeight: 28 });
    expect(lenet[2].params).toMatchObject({ inChannels: 6, inHeight: 14, outChannels: 16 });
    expect(lenet[4].params).toEqual({ batch: 3, inFeatures: 400, outFeatures: 120 });
    expect(lenet[6].op === 'dense' && lenet[6].activation).toBe('none');
  });
});

describe('benchCases', () => {
  it('times every training pass, with an avg_pool2d twin per max pool and no first-layer dInput', () => {
    const cases = benchCases(['convnet'], 64);
    const names = cases.map((c) => `${c.layer.layer}.${c.layer.op}.${c.pass}`);
    expect(names).toHaveLength(3 + 4 + 2 + 2 + 4 + 4);
    expect(names).not.toContain('conv1.conv2d.backward_input');
    expect(names).toContain('conv2.conv2d.backward_input');
    expect(names).toContain('pool1.avg_pool2d.backward_input');
    expect(benchCases(['convnet'], 64, ['conv2d']).map((c) => c.pass)).toEqual([
      'forward',
      'backward_weight',
      'backward_bias',
      'forward',
      'backward_input',
      'backward_weight',
      'backward_bias',
    ]);
  });

  it('lets a pool keep both passes', () => {
    const pool = networkLayers('lenet5', 2)[1];
    expect(layerPasses(pool)).toEqual(['forward', 'backward_input']);
  });
});

describe('caseFlops and describeShape', () => {
  it('counts 2 FLOPs per multiply-add', () => {
    const [, conv2, pool, fc1] = networkLayers('convnet', 64);
    expect(caseFlops({ layer: conv2, pass: 'forward' })).toBe(2 * 64 * 64 * 24 * 24 * 32 * 9);
    expect(caseFlops({ layer: conv2, pass: 'backward_bias' })).toBe(64 * 64 * 24 * 24);
    expect(caseFlops({ layer: fc1, pass: 'backward_weight' })).toBe(2 * 64 * 9216 * 128);
    expect(caseFlops({ layer: pool, pass: 'forward' })).toBe(64 * 64 * 12 * 12 * 4);
    expect(caseFlops({ layer: pool, pass: 'backward_input' })).toBe(64 * 64 * 12 * 12);
  });

  it('scales with the batch through withBatch', () => {
    const conv1 = networkLayers('seed', 64)[0];
    const small = withBatch(conv1, 16);
    expect(small.params.batch).toBe(16);
    expect(conv1.params.batch).toBe(64);
    expect(caseFlops({ layer: conv1, pass: 'forward' })).toBe(
      4 * caseFlops({ layer: small, pass: 'forward' }),
    );
  });

  it('describes shapes per image', () => {
    const [conv1, pool1] = networkLayers('lenet5', 7);
    expect(describeShape(conv1)).toBe('1x28x28 conv 5x5 pad 2 -> 6x28x28');
    expect(describeShape(pool1)).toBe('6x28x28 maxpool 2 -> 6x14x14');
    expect(describeShape(networkLayers('lenet5', 7)[5])).toBe('fc 120 -> 84');
  });
});
