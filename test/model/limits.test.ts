// Whether a valid network fits a device (the largest activation and the flat parameter buffer
// against one binding) and whether a batch fits the data: messages name the layer and the fix.

import { describe, expect, it } from 'vitest';
import { preset } from '../../src/model/presets.ts';
import { SpecError, type NetworkSpec } from '../../src/model/spec.ts';
import { assertValidTraining, validateNetwork, validateTraining } from '../../src/model/validate.ts';

const CONV5 = { kind: 'conv', filters: 4, kernel: 5, activation: 'relu' } as const;
const POOL2 = { kind: 'pool', mode: 'max', size: 2 } as const;
const CLASSIFY = { kind: 'classify', classes: 10 } as const;

describe('device limits', () => {
  const limits = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 };

  it('the largest activation at this batch must fit one binding', () => {
    // convnet's second conv: 64*24*24 floats = 147,456 bytes per example; 128 MiB holds 910 of them.
    expect(validateNetwork(preset('convnet'), { batch: 910, limits })).toEqual([]);
    expect(validateNetwork(preset('convnet'), { batch: 911, limits })).toEqual([
      {
        layerIndex: 1,
        message:
          'layer 2 (conv 3x3 x64 relu): its output for a batch of 911 is 911x64x24x24 float32 = 128.1 MiB, ' +
          "more than this device's 128.0 MiB per buffer; use a batch of at most 910, or make this layer " +
          'smaller (fewer filters, more stride or pooling before it)',
      },
    ]);
  });

  it('the smaller of the two limits applies, and the input counts as an activation', () => {
    const small = { maxStorageBufferBindingSize: 2 ** 20, maxBufferSize: 6000 };
    const spec: NetworkSpec = {
      input: { channels: 1, height: 40, width: 40 },
      layers: [{ ...CONV5, filters: 1, kernel: 3 }, POOL2, { kind: 'classify', classes: 2 }],
    };
    // Input 1x40x40 floats = 6400 bytes per example > 6000, the largest tensor (the conv gives 1x38x38);
    // parameters: 10 + 19*19*2 + 2 = 734 floats = 2936 bytes, which fit.
    expect(validateNetwork(spec, { batch: 1, limits: small })).toEqual([
      {
        layerIndex: null,
        message:
          "input: the input for a batch of 1 is 1x1x40x40 float32 = 6400 bytes, more than this device's " +
          '6000 bytes per buffer; use a smaller input',
      },
    ]);
  });

  it('the flat parameter buffer must fit one binding', () => {
    // fc 40000 on 784 inputs: 31,360,000 weights + 40,000 biases; classify: 400,010. 4 bytes each:
    // 127,200,040 bytes = 121.3 MiB, which fits 128 MiB but not 100 MiB.
    const wide: NetworkSpec = {
      input: { channels: 1, height: 28, width: 28 },
      layers: [{ kind: 'fc', units: 40_000, activation: 'relu' }, CLASSIFY],
    };
    expect(validateNetwork(wide, { batch: 8, limits })).toEqual([]);
    const smaller = { ...limits, maxStorageBufferBindingSize: 100 * 2 ** 20 };
    expect(validateNetwork(wide, { batch: 8, limits: smaller })).toEqual([
      {
        layerIndex: 0,
        message:
          "layer 1 (fc 40000 relu): the network's 31800010 parameters need 121.3 MiB in one buffer, more than " +
          "this device's 100.0 MiB; this layer holds 31400000 of them: give it fewer units or filters, or pool " +
          'more before it',
      },
    ]);
  });

  it('a bad batch is reported with the spec problems', () => {
    expect(validateNetwork(preset('seed'), { batch: 1.5, limits })).toEqual([
      { layerIndex: null, message: 'batch must be a positive integer, got 1.5; use a whole number >= 1' },
    ]);
  });
});

describe('validateTraining', () => {
  it('accepts a batch up to the size of the data', () => {
    expect(validateTraining({ batch: 100, trainCount: 100 })).toEqual([]);
  });

  it('rejects a batch larger than the data, saying how large it may be', () => {
    expect(validateTraining({ batch: 128, trainCount: 100 })).toEqual([
      {
        layerIndex: null,
        message: 'batch 128 is larger than the 100 training examples; use a batch of at most 100',
      },
    ]);
    expect(() => assertValidTraining({ batch: 128, trainCount: 100 })).toThrow(SpecError);
  });

  it('rejects a bad batch and an empty training set together', () => {
    expect(validateTraining({ batch: 0, trainCount: 0 }).map((p) => p.message)).toEqual([
      'batch must be a positive integer, got 0; use a whole number >= 1',
      'the training set must hold at least 1 example, got 0; load a dataset first',
    ]);
  });
});
