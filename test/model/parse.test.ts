// parseNetworkSpec: presets survive a JSON round trip, the result is the caller's own copy, and
// garbage (not JSON, wrong types, typos, hostile keys) is rejected with every problem named.

import { describe, expect, it } from 'vitest';
import { parseNetworkSpec } from '../../src/model/parse.ts';
import { PRESET_NAMES, preset } from '../../src/model/presets.ts';
import { SpecError } from '../../src/model/spec.ts';

function problemsOf(json: unknown): string[] {
  try {
    parseNetworkSpec(json);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return (error as SpecError).problems.map((p) => p.message);
  }
  throw new Error('expected parseNetworkSpec to throw');
}

describe('parseNetworkSpec round trip', () => {
  it.each(PRESET_NAMES)('%s: text and parsed value both give back an equal spec', (name) => {
    const text = JSON.stringify(preset(name));
    expect(parseNetworkSpec(text)).toEqual(preset(name));
    expect(parseNetworkSpec(JSON.parse(text))).toEqual(preset(name));
  });

  it('keeps omitted defaults omitted and [h, w] kernels as arrays', () => {
    const text =
      '{"input":{"channels":3,"height":9,"width":11},"layers":[' +
      '{"kind":"conv","filters":2,"kernel":[3,5],"activation":"tanh"},' +
      '{"kind":"pool","mode":"avg","size":2},{"kind":"classify","classes":4}]}';
    const spec = parseNetworkSpec(text);
    expect(JSON.stringify(spec)).toBe(text);
  });

  it('returns a copy: changing the input afterwards does not change the result', () => {
    const source = preset('seed');
    const parsed = parseNetworkSpec(source);
    source.layers[0] = { kind: 'classify', classes: 3 };
    source.input.height = 5;
    expect(parsed).toEqual(preset('seed'));
  });
});

describe('parseNetworkSpec rejects garbage', () => {
  it('text that is not JSON', () => {
    expect(problemsOf('{"input": ')[0]).toMatch(
      /^the network spec is not valid JSON \(.+\); check quotes and commas$/,
    );
  });

  it.each([
    ['null', null],
    ['a number', 7],
    ['an array', [1, 2]],
    ['a JSON string that is not an object', '"lenet5"'],
  ])('%s', (_what, json) => {
    expect(problemsOf(json)[0]).toMatch(
      /^a network spec must be an object \{ name\?, input, layers \}, got .+; start from a preset$/,
    );
  });

  it('missing input and layers, a numeric name and an unknown top-level field, all at once', () => {
    expect(problemsOf({ name: 5, layer: [] })).toEqual([
      'network: unknown field "layer"; the fields of a network are name, input, layers',
      'network: name must be a string, got 5; use e.g. "lenet5" or leave it out',
      'input: must be an object { channels, height, width }, got undefined; MNIST is 1, 28, 28',
      'network: layers must be an array, got undefined; e.g. [{ "kind": "classify", "classes": 10 }]',
    ]);
  });

  it('strings, nulls and NaN where numbers belong', () => {
    const spec = {
      input: { channels: '1', height: 28, width: null },
      layers: [
        { kind: 'conv', filters: 'six', kernel: 5, activation: 'relu' },
        { kind: 'fc', units: Number.NaN, activation: 'relu' },
        { kind: 'classify', classes: 10 },
      ],
    };
    expect(problemsOf(spec)).toEqual([
      'input: channels must be a positive integer, got "1"; use a whole number >= 1',
      'input: width must be a positive integer, got null; use a whole number >= 1',
      'layer 1 (conv 5x5 x"six" relu): filters must be a positive integer, got "six"; use a whole number >= 1',
      'layer 2 (fc NaN relu): units must be a positive integer, got NaN; use a whole number >= 1',
    ]);
  });

  it('a __proto__ key from JSON text is an unknown field, not a prototype', () => {
    const text =
      '{"input":{"channels":1,"height":8,"width":8},"layers":[{"kind":"classify","classes":2,"__proto__":{"x":1}}]}';
    expect(problemsOf(text)).toEqual([
      'layer 1 (classify 2): unknown field "__proto__"; the fields of a classify layer are kind, classes',
    ]);
  });

  it('a missing activation and a layer without a kind', () => {
    const spec = {
      input: { channels: 1, height: 8, width: 8 },
      layers: [{ kind: 'fc', units: 4 }, { units: 4 }, { kind: 'classify', classes: 2 }],
    };
    expect(problemsOf(spec)).toEqual([
      'layer 1 (fc 4): activation must be one of none, relu, sigmoid, tanh, got undefined; pick one of those names',
      'layer 2 (unknown kind undefined): kind must be one of conv, pool, fc, classify, got undefined; pick one of those',
    ]);
  });
});
