// The flat parameter layout (aligned slices that never overlap, lengths from describeNetwork) and
// seeded initialisation (deterministic per seed, zero biases and gaps, He / Glorot bounds).

import { describe, expect, it } from 'vitest';
import { PARAMETER_ALIGNMENT, initialParameters, parameterLayout } from '../../src/model/layout.ts';
import { PRESET_NAMES, preset } from '../../src/model/presets.ts';
import { describeNetwork } from '../../src/model/validate.ts';

describe('parameterLayout', () => {
  it.each(PRESET_NAMES)('%s: aligned, in order, no overlap, lengths from describeNetwork', (name) => {
    const description = describeNetwork(preset(name), 7);
    const layout = parameterLayout(description);
    const withParams = description.layers.filter((l) => l.params > 0);
    expect(layout.layers.map((l) => l.layerIndex)).toEqual(withParams.map((l) => l.index));
    let end = 0;
    for (const [i, slot] of layout.layers.entries()) {
      expect(slot.weight.length).toBe(withParams[i].weights);
      expect(slot.bias.length).toBe(withParams[i].biases);
      for (const tensor of [slot.weight, slot.bias]) {
        expect(tensor.offset % PARAMETER_ALIGNMENT).toBe(0);
        expect(tensor.offset).toBeGreaterThanOrEqual(end);
        end = tensor.offset + tensor.length;
      }
    }
    expect(layout.length % PARAMETER_ALIGNMENT).toBe(0);
    expect(layout.length).toBeGreaterThanOrEqual(end);
    expect(layout.length - end).toBeLessThan(PARAMETER_ALIGNMENT);
  });

  it('lenet5: conv1 weights 150 floats, so its bias starts at 192', () => {
    const layout = parameterLayout(describeNetwork(preset('lenet5')));
    expect(layout.layers[0]).toEqual({
      layerIndex: 0,
      weight: { offset: 0, length: 150 },
      bias: { offset: 192, length: 6 },
    });
    expect(layout.layers[1].layerIndex).toBe(2); // the pool layer has no slot
    expect(layout.layers[1].weight.offset).toBe(256);
  });

  it('does not depend on the batch size', () => {
    for (const name of PRESET_NAMES) {
      expect(parameterLayout(describeNetwork(preset(name), 1))).toEqual(
        parameterLayout(describeNetwork(preset(name), 33)),
      );
    }
  });
});

describe('initialParameters', () => {
  const description = describeNetwork(preset('lenet5'));
  const layout = parameterLayout(description);

  it('is the same for the same seed and differs for another', () => {
    const a = initialParameters(description, 11);
    expect(initialParameters(description, 11)).toEqual(a);
    const b = initialParameters(description, 12);
    const slot = layout.layers[0].weight;
    let differing = 0;
    for (let i = slot.offset; i < slot.offset + slot.length; i++) if (a[i] !== b[i]) differing++;
    expect(differing).toBe(slot.length);
  });

  it('biases and alignment gaps are zero; weights are not', () => {
    const flat = initialParameters(description, 3);
    const isWeight = new Uint8Array(flat.length);
    for (const slot of layout.layers)
      isWeight.fill(1, slot.weight.offset, slot.weight.offset + slot.weight.length);
    for (let i = 0; i < flat.length; i++) {
      if (!isWeight[i]) expect(flat[i]).toBe(0);
    }
    for (const slot of layout.layers) {
      const weights = flat.subarray(slot.weight.offset, slot.weight.offset + slot.weight.length);
      expect(weights.filter((w) => w === 0).length).toBe(0);
    }
  });

  it('He bounds for relu layers, Glorot for the rest, and the values fill the range', () => {
    const flat = initialParameters(description, 5);
    // lenet5: conv1 relu fan-in 25; conv2 relu fan-in 150; fc 120 relu fan-in 400; fc 84 relu
    // fan-in 120; classify is Glorot with fan-in 84 and fan-out 10.
    const bounds = [
      Math.sqrt(6 / 25),
      Math.sqrt(6 / 150),
      Math.sqrt(6 / 400),
      Math.sqrt(6 / 120),
      Math.sqrt(6 / 94),
    ];
    layout.layers.forEach((slot, i) => {
      const weights = flat.subarray(slot.weight.offset, slot.weight.offset + slot.weight.length);
      const max = weights.reduce((m, w) => Math.max(m, Math.abs(w)), 0);
      expect(max).toBeLessThanOrEqual(bounds[i]);
      expect(max).toBeGreaterThan(0.9 * bounds[i]);
    });
  });

  it('seed (sigmoid): LeCun bounds on conv and fc, Glorot on classify', () => {
    const seedNet = describeNetwork(preset('seed'));
    const flat = initialParameters(seedNet, 1);
    const slots = parameterLayout(seedNet).layers;
    // conv 5x5 x20 sigmoid: fan-in 25; fc 30 sigmoid: fan-in 2880; classify: fan-in 30, fan-out 10.
    const bounds = [Math.sqrt(3 / 25), Math.sqrt(3 / 2880), Math.sqrt(6 / 40)];
    slots.forEach((slot, i) => {
      const weights = flat.subarray(slot.weight.offset, slot.weight.offset + slot.weight.length);
      const max = weights.reduce((m, w) => Math.max(m, Math.abs(w)), 0);
      expect(max).toBeLessThanOrEqual(bounds[i]);
      expect(max).toBeGreaterThan(0.9 * bounds[i]);
    });
  });
});
