// The URL form of network specs: presets by name, every layer form and its defaults, round trips
// of odd specs, and errors that name the bad token and show the form it should take.
import { describe, expect, it } from 'vitest';
import { decodeSpec, encodeSpec, matchingPreset, SpecCodecError } from '../../src/app/spec-codec.ts';
import { PRESET_NAMES, preset } from '../../src/model/presets.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';

const odd: NetworkSpec = {
  input: { channels: 3, height: 31, width: 29 },
  layers: [
    { kind: 'conv', filters: 7, kernel: [5, 3], stride: 2, padding: 1, activation: 'tanh' },
    { kind: 'pool', mode: 'avg', size: 3, stride: 2 },
    { kind: 'conv', filters: 13, kernel: 1, stride: 1, padding: 0, activation: 'none' },
    { kind: 'pool', mode: 'max', size: 2, stride: 2 },
    { kind: 'fc', units: 33, activation: 'sigmoid' },
    { kind: 'fc', units: 17, activation: 'none' },
    { kind: 'classify', classes: 11 },
  ],
};

describe('encodeSpec / decodeSpec', () => {
  it('writes presets by name and reads them back whole', () => {
    for (const name of PRESET_NAMES) {
      expect(encodeSpec(preset(name))).toBe(name);
      expect(decodeSpec(name)).toEqual(preset(name));
    }
  });

  it('recognises a preset written out in tokens, with or without its name', () => {
    const lenet = decodeSpec('c5x6p2r.m2.c5x16r.m2.f120r.f84r.k10');
    expect(lenet).toEqual({ ...preset('lenet5'), name: undefined });
    expect(matchingPreset(lenet)).toBe('lenet5');
    expect(encodeSpec(lenet)).toBe('lenet5');
  });

  it('writes every layer form, leaving out defaults, and round-trips', () => {
    const text = encodeSpec(odd);
    expect(text).toBe('i3x31x29.c5-3x7s2p1t.a3s2.c1x13.m2.f33s.f17.k11');
    expect(decodeSpec(text)).toEqual(odd);
  });

  it('spells defaults out when reading, so a changed layer is told from a preset', () => {
    const spec = decodeSpec('c3x32r.c3x64r.m2.f128r.k10');
    expect(spec.layers[0]).toEqual({
      kind: 'conv',
      filters: 32,
      kernel: 3,
      stride: 1,
      padding: 0,
      activation: 'relu',
    });
    expect(spec.layers[2]).toEqual({ kind: 'pool', mode: 'max', size: 2, stride: 2 });
    expect(encodeSpec(spec)).toBe('convnet');
    spec.layers[3] = { kind: 'fc', units: 129, activation: 'relu' };
    expect(encodeSpec(spec)).toBe('c3x32r.c3x64r.m2.f129r.k10');
  });

  it('a custom 1x28x28 network has no input token', () => {
    expect(
      encodeSpec({
        input: { channels: 1, height: 28, width: 28 },
        layers: [{ kind: 'classify', classes: 10 }],
      }),
    ).toBe('k10');
  });

  const bad: [string, string][] = [
    ['', 'the network is empty: give a preset (seed, lenet5, convnet) or layers'],
    ['lenet', '"lenet" is neither a preset (seed, lenet5, convnet) nor a list of layers like c5x6r.m2.k10'],
    [
      'c5x6p2r.m2.c5x.k10',
      'layer 3 "c5x" is not well formed: a conv layer is c<kernel>x<filters>[s<stride>][p<padding>][r|s|t], e.g. c5x6p2r',
    ],
    [
      'c5x6.q2.k10',
      'layer 2 "q2" is not a layer: a layer starts with c (conv), m or a (max or average pool), f (fully connected), k (classify)',
    ],
    ['c5x6.m2..k10', 'layer 3 is empty: remove the extra "." in "c5x6.m2..k10"'],
    [
      'f120x.k10',
      'layer 1 "f120x" is not well formed: a fully connected layer is f<units>[r|s|t], e.g. f120r',
    ],
    ['m2s.k10', 'layer 1 "m2s" is not well formed: a max pool is m<size>[s<stride>], e.g. m2'],
    ['i1x28.k10', '"i1x28" is not well formed: the input is i<channels>x<height>x<width>, e.g. i1x28x28'],
    ['k10.i1x28x28', 'layer 2 "i1x28x28" is not a layer'],
    ['i1x28x28', '"i1x28x28" has no layers; end with one like k10'],
    ['k1.5', 'layer 2 "5" is not a layer'],
  ];
  it.each(bad)('rejects %j naming the token and the form', (text, message) => {
    expect(() => decodeSpec(text)).toThrow(SpecCodecError);
    expect(() => decodeSpec(text)).toThrow(message);
  });
});
