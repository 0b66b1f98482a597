// validateNetwork, assertValidNetwork, describeNetwork and validateTraining: every rejection names
// the layer (counted from 1, with its label) and the fix; all problems are reported together.

import { describe, expect, it } from 'vitest';
import { preset } from '../../src/model/presets.ts';
import { SpecError, type NetworkSpec } from '../../src/model/spec.ts';
import { assertValidNetwork, describeNetwork, validateNetwork } from '../../src/model/validate.ts';

const CONV5 = { kind: 'conv', filters: 4, kernel: 5, activation: 'relu' } as const;
const POOL2 = { kind: 'pool', mode: 'max', size: 2 } as const;
const CLASSIFY = { kind: 'classify', classes: 10 } as const;

/** A network on a 1x12x12 input; `layers` may be malformed on purpose (it stands for parsed JSON). */
function net(layers: unknown[], input: unknown = { channels: 1, height: 12, width: 12 }): NetworkSpec {
  return { input, layers } as NetworkSpec;
}

/** [what, layers, layerIndex, the whole message] for networks with exactly one problem. */
const SINGLE_PROBLEMS: Array<[string, unknown[], number | null, string]> = [
  [
    'zero filters',
    [{ ...CONV5, filters: 0 }, CLASSIFY],
    0,
    'layer 1 (conv 5x5 x0 relu): filters must be a positive integer, got 0; use a whole number >= 1',
  ],
  [
    'negative units',
    [{ kind: 'fc', units: -3, activation: 'relu' }, CLASSIFY],
    0,
    'layer 1 (fc -3 relu): units must be a positive integer, got -3; use a whole number >= 1',
  ],
  [
    'non-integer pool size',
    [CONV5, { ...POOL2, size: 2.5 }, CLASSIFY],
    1,
    'layer 2 (maxpool 2.5): size must be a positive integer, got 2.5; use a whole number >= 1',
  ],
  [
    'non-integer kernel width',
    [{ ...CONV5, kernel: [3, 1.5] }, CLASSIFY],
    0,
    'layer 1 (conv 3x1.5 x4 relu): kernel width must be a positive integer, got 1.5; use a whole number >= 1',
  ],
  [
    'kernel given as three numbers',
    [{ ...CONV5, kernel: [3, 3, 3] }, CLASSIFY],
    0,
    'layer 1 (conv 3x3x3 x4 relu): kernel must be a number or [height, width], got [3,3,3]; e.g. 5 or [5, 3]',
  ],
  [
    'negative padding',
    [{ ...CONV5, padding: -1 }, CLASSIFY],
    0,
    'layer 1 (conv 5x5 x4 pad -1 relu): padding must be a non-negative integer, got -1; use a whole number >= 0',
  ],
  [
    'conv stride 0',
    [{ ...CONV5, stride: 0 }, CLASSIFY],
    0,
    'layer 1 (conv 5x5 x4 stride 0 relu): stride must be a positive integer, got 0; use a whole number >= 1',
  ],
  [
    'pool stride 0',
    [CONV5, { ...POOL2, stride: 0 }, CLASSIFY],
    1,
    'layer 2 (maxpool 2 stride 0): stride must be a positive integer, got 0; use a whole number >= 1',
  ],
  [
    'padding equal to the kernel',
    [{ ...CONV5, kernel: 3, padding: 3 }, CLASSIFY],
    0,
    'layer 1 (conv 3x3 x4 pad 3 relu): padding 3 is not smaller than the 3x3 kernel, so the outermost ' +
      'outputs would see only padding; use padding of at most 2; padding 1 keeps the size at stride 1',
  ],
  [
    'padding above the shorter side of a non-square kernel',
    [{ ...CONV5, kernel: [2, 5], padding: 2 }, CLASSIFY],
    0,
    'layer 1 (conv 2x5 x4 pad 2 relu): padding 2 is not smaller than the 2x5 kernel, so the outermost ' +
      'outputs would see only padding; use padding of at most 1',
  ],
  [
    'kernel larger than its padded input',
    [{ ...CONV5, kernel: 15, padding: 1 }, CLASSIFY],
    0,
    'layer 1 (conv 15x15 x4 pad 1 relu): its 15x15 kernel is larger than its 12x12 input padded to 14x14, ' +
      'so the output would be empty; use a kernel of at most 14x14, or more padding',
  ],
  [
    'pool window larger than the input',
    [{ ...POOL2, size: 13 }, CLASSIFY],
    0,
    'layer 1 (maxpool 13): its 13x13 window is larger than its 12x12 input (pooling has no padding), ' +
      'so the output would be empty; use a size of at most 12',
  ],
  [
    'output shrunk to nothing by the layers before',
    [CONV5, POOL2, { ...CONV5, filters: 16 }, CLASSIFY], // 12 -> 8 -> 4, too small for 5x5
    2,
    'layer 3 (conv 5x5 x16 relu): its 5x5 kernel is larger than its 4x4 input, so the output would be ' +
      'empty; the layers before it shrink the 12x12 input to 4x4: use a smaller kernel, pad the conv ' +
      'layers before it, or remove a pool layer',
  ],
  [
    'fc after classify',
    [CONV5, CLASSIFY, { kind: 'fc', units: 30, activation: 'sigmoid' }],
    2,
    'layer 3 (fc 30 sigmoid): comes after layer 2 (classify 10), but classify must be the last layer; ' +
      'move this layer before it or remove it',
  ],
  [
    'conv after an fc',
    [{ kind: 'fc', units: 30, activation: 'relu' }, CONV5, CLASSIFY],
    1,
    'layer 2 (conv 5x5 x4 relu): a conv layer cannot follow layer 1 (fc 30 relu), because fc layers work ' +
      'on flattened features; move this layer before layer 1 (fc 30 relu) or remove it',
  ],
  [
    'no classify layer',
    [CONV5, POOL2],
    null,
    'the network has no classify layer; end it with { "kind": "classify", "classes": 10 } ' +
      '(the number of classes in the data)',
  ],
  [
    'classify not last',
    [CLASSIFY, POOL2],
    1,
    'layer 2 (maxpool 2): comes after layer 1 (classify 10), but classify must be the last layer; ' +
      'move this layer before it or remove it',
  ],
  [
    'two classify layers',
    [CONV5, CLASSIFY, CLASSIFY],
    2,
    'layer 3 (classify 10): a network has exactly one classify layer and layer 2 (classify 10) is ' +
      'already one; remove one of them',
  ],
  [
    'one class',
    [CONV5, { kind: 'classify', classes: 1 }],
    1,
    'layer 2 (classify 1): classes must be at least 2, got 1; a classifier needs two or more classes',
  ],
  [
    'unknown layer kind',
    [{ kind: 'dense', units: 30 }, CLASSIFY],
    0,
    'layer 1 (unknown kind "dense"): kind must be one of conv, pool, fc, classify, got "dense"; pick one of those',
  ],
  [
    'unknown activation',
    [{ ...CONV5, activation: 'gelu' }, CLASSIFY],
    0,
    'layer 1 (conv 5x5 x4 gelu): activation must be one of none, relu, sigmoid, tanh, got "gelu"; ' +
      'pick one of those names',
  ],
  [
    'misspelt field',
    [{ ...CONV5, pad: 2 }, CLASSIFY],
    0,
    'layer 1 (conv 5x5 x4 relu): unknown field "pad"; the fields of a conv layer are kind, filters, ' +
      'kernel, stride, padding, activation',
  ],
  [
    'unknown pool mode',
    [{ ...POOL2, mode: 'min' }, CLASSIFY],
    0,
    'layer 1 (minpool 2): mode must be "max" or "avg", got "min"; pick one of those',
  ],
  [
    'a layer that is not an object',
    [42, CLASSIFY],
    0,
    'layer 1 (not a layer: 42): each layer must be an object with a "kind"',
  ],
];

describe('validateNetwork rejects, naming the layer and the fix', () => {
  it.each(SINGLE_PROBLEMS)('%s', (_what, layers, layerIndex, message) => {
    expect(validateNetwork(net(layers))).toEqual([{ layerIndex, message }]);
  });

  it('a bad input size', () => {
    expect(validateNetwork(net([CONV5, CLASSIFY], { channels: 1, height: 0, width: 12 }))).toEqual([
      {
        layerIndex: null,
        message: 'input: height must be a positive integer, got 0; use a whole number >= 1',
      },
    ]);
  });

  it('reports every problem at once, in layer order', () => {
    const problems = validateNetwork(
      net([
        { ...CONV5, filters: 0 },
        { ...POOL2, mode: 'mean', stride: -2 },
        { kind: 'fc', units: 8, activation: 'swish' },
        CONV5,
        { kind: 'classify', classes: 1 },
      ]),
    );
    expect(problems).toEqual([
      {
        layerIndex: 0,
        message:
          'layer 1 (conv 5x5 x0 relu): filters must be a positive integer, got 0; use a whole number >= 1',
      },
      {
        layerIndex: 1,
        message: 'layer 2 (meanpool 2 stride -2): mode must be "max" or "avg", got "mean"; pick one of those',
      },
      {
        layerIndex: 1,
        message:
          'layer 2 (meanpool 2 stride -2): stride must be a positive integer, got -2; use a whole number >= 1',
      },
      {
        layerIndex: 2,
        message:
          'layer 3 (fc 8 swish): activation must be one of none, relu, sigmoid, tanh, got "swish"; pick one of those names',
      },
      {
        layerIndex: 3,
        message:
          'layer 4 (conv 5x5 x4 relu): a conv layer cannot follow layer 3 (fc 8 swish), because fc layers work on ' +
          'flattened features; move this layer before layer 3 (fc 8 swish) or remove it',
      },
      {
        layerIndex: 4,
        message:
          'layer 5 (classify 1): classes must be at least 2, got 1; a classifier needs two or more classes',
      },
    ]);
  });

  it('checks later layers for shape only up to the first broken layer', () => {
    // Layer 1 is broken, so layer 3's 20x20 kernel cannot be checked against an unknown input.
    const problems = validateNetwork(
      net([{ ...CONV5, filters: -1 }, POOL2, { ...CONV5, kernel: 20 }, CLASSIFY]),
    );
    expect(problems.map((p) => p.layerIndex)).toEqual([0]);
  });

  it('rejects specs that are not objects, and layers that are not arrays', () => {
    expect(validateNetwork(null as never)[0].message).toBe(
      'a network spec must be an object { name?, input, layers }, got null; start from a preset',
    );
    expect(
      validateNetwork({ input: { channels: 1, height: 28, width: 28 }, layers: 'conv' } as never),
    ).toEqual([
      {
        layerIndex: null,
        message: 'network: layers must be an array, got "conv"; e.g. [{ "kind": "classify", "classes": 10 }]',
      },
    ]);
  });
});

describe('assertValidNetwork and describeNetwork throw SpecError with every problem', () => {
  const broken = net([
    { ...CONV5, filters: 0 },
    { kind: 'classify', classes: 1 },
  ]);

  it('assertValidNetwork', () => {
    const error = catchError(() => assertValidNetwork(broken));
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).problems.map((p) => p.layerIndex)).toEqual([0, 1]);
    expect((error as SpecError).message).toBe(
      '2 problems:\n' +
        '- layer 1 (conv 5x5 x0 relu): filters must be a positive integer, got 0; use a whole number >= 1\n' +
        '- layer 2 (classify 1): classes must be at least 2, got 1; a classifier needs two or more classes',
    );
  });

  it('describeNetwork, including a bad batch', () => {
    expect(() => describeNetwork(broken)).toThrow(SpecError);
    expect(() => describeNetwork(preset('seed'), 0)).toThrow(
      'batch must be a positive integer, got 0; use a whole number >= 1',
    );
  });
});

function catchError(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
