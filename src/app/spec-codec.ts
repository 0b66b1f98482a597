// A compact, readable text form of a network spec for URLs: layers as short tokens joined by '.',
// e.g. "c5x6p2r.m2.c5x16r.m2.f120r.f84r.k10" is lenet5, and a preset is written by its name.
// Syntax only: decodeSpec checks that each token is well formed, not that the network fits
// together (validate.ts does that, naming the layer and the fix).
//
//   i<c>x<h>x<w>                          input, optional first token (default 1x28x28)
//   c<k>[-<kw>]x<filters>[s<n>][p<n>][a]  conv: kernel k (or k x kw), stride, padding, activation
//   m<size>[s<n>] / a<size>[s<n>]         max / average pool, stride (default = size)
//   f<units>[a]                           fully connected
//   k<classes>                            classify (softmax cross-entropy)
//   activation a: r relu, s sigmoid, t tanh; none when left out

import type { Activation } from '../ops/activation.ts';
import { PRESET_NAMES, preset, type PresetName } from '../model/presets.ts';
import {
  convKernel,
  convPadding,
  convStride,
  poolStride,
  type InputSpec,
  type LayerSpec,
  type NetworkSpec,
} from '../model/spec.ts';

export const DEFAULT_INPUT: InputSpec = { channels: 1, height: 28, width: 28 };

const ACTIVATION_LETTER: Readonly<Record<Activation, string>> = {
  none: '',
  relu: 'r',
  sigmoid: 's',
  tanh: 't',
};
const LETTER_ACTIVATION: Readonly<Record<string, Activation>> = {
  '': 'none',
  r: 'relu',
  s: 'sigmoid',
  t: 'tanh',
};

const FORMS: Readonly<Record<string, { pattern: RegExp; help: string }>> = {
  i: { pattern: /^i(\d+)x(\d+)x(\d+)$/, help: 'the input is i<channels>x<height>x<width>, e.g. i1x28x28' },
  c: {
    pattern: /^c(\d+)(?:-(\d+))?x(\d+)(?:s(\d+))?(?:p(\d+))?([rst]?)$/,
    help: 'a conv layer is c<kernel>x<filters>[s<stride>][p<padding>][r|s|t], e.g. c5x6p2r',
  },
  m: { pattern: /^m(\d+)(?:s(\d+))?$/, help: 'a max pool is m<size>[s<stride>], e.g. m2' },
  a: { pattern: /^a(\d+)(?:s(\d+))?$/, help: 'an average pool is a<size>[s<stride>], e.g. a2' },
  f: { pattern: /^f(\d+)([rst]?)$/, help: 'a fully connected layer is f<units>[r|s|t], e.g. f120r' },
  k: { pattern: /^k(\d+)$/, help: 'the classify layer is k<classes>, e.g. k10' },
};

/** The text could not be read as a spec; the message names the token and shows the form it should take. */
export class SpecCodecError extends Error {
  override name = 'SpecCodecError';
}

function sameInput(a: InputSpec, b: InputSpec): boolean {
  return a.channels === b.channels && a.height === b.height && a.width === b.width;
}

/** The preset whose input and layers equal `spec`'s, with defaults spelled out; null if none. */
export function matchingPreset(spec: NetworkSpec): PresetName | null {
  const tokens = layerTokens(spec).join('.');
  for (const name of PRESET_NAMES) {
    const p = preset(name);
    if (sameInput(p.input, spec.input) && layerTokens(p).join('.') === tokens) return name;
  }
  return null;
}

function layerToken(layer: LayerSpec): string {
  switch (layer.kind) {
    case 'conv': {
      const [kh, kw] = convKernel(layer);
      const kernel = kh === kw ? `${kh}` : `${kh}-${kw}`;
      const stride = convStride(layer) === 1 ? '' : `s${convStride(layer)}`;
      const padding = convPadding(layer) === 0 ? '' : `p${convPadding(layer)}`;
      return `c${kernel}x${layer.filters}${stride}${padding}${ACTIVATION_LETTER[layer.activation]}`;
    }
    case 'pool': {
      const stride = poolStride(layer) === layer.size ? '' : `s${poolStride(layer)}`;
      return `${layer.mode === 'max' ? 'm' : 'a'}${layer.size}${stride}`;
    }
    case 'fc':
      return `f${layer.units}${ACTIVATION_LETTER[layer.activation]}`;
    case 'classify':
      return `k${layer.classes}`;
  }
}

function layerTokens(spec: NetworkSpec): string[] {
  return spec.layers.map(layerToken);
}

/** The short form of `spec`: a preset's name when it is one, otherwise its tokens. */
export function encodeSpec(spec: NetworkSpec): string {
  const name = matchingPreset(spec);
  if (name) return name;
  const input = sameInput(spec.input, DEFAULT_INPUT)
    ? []
    : [`i${spec.input.channels}x${spec.input.height}x${spec.input.width}`];
  return [...input, ...layerTokens(spec)].join('.');
}

function decodeLayer(token: string, where: string): LayerSpec {
  const form = FORMS[token[0]];
  if (!form || token[0] === 'i') {
    const kinds = 'c (conv), m or a (max or average pool), f (fully connected), k (classify)';
    throw new SpecCodecError(`${where} "${token}" is not a layer: a layer starts with ${kinds}`);
  }
  const match = form.pattern.exec(token);
  if (!match) throw new SpecCodecError(`${where} "${token}" is not well formed: ${form.help}`);
  const n = (i: number) => Number(match[i]);
  switch (token[0]) {
    case 'c': {
      const kernel: number | [number, number] = match[2] === undefined ? n(1) : [n(1), n(2)];
      const stride = match[4] === undefined ? 1 : n(4);
      const padding = match[5] === undefined ? 0 : n(5);
      return {
        kind: 'conv',
        filters: n(3),
        kernel,
        stride,
        padding,
        activation: LETTER_ACTIVATION[match[6]],
      };
    }
    case 'm':
    case 'a': {
      const stride = match[2] === undefined ? n(1) : n(2);
      return { kind: 'pool', mode: token[0] === 'm' ? 'max' : 'avg', size: n(1), stride };
    }
    case 'f':
      return { kind: 'fc', units: n(1), activation: LETTER_ACTIVATION[match[2]] };
    default:
      return { kind: 'classify', classes: n(1) };
  }
}

/**
 * Reads a preset name (giving the preset, name included) or a token list. Throws SpecCodecError naming the bad token. Defaults come
 * back spelled out (stride 1, padding 0, pool stride = size), as the presets write them.
 */
export function decodeSpec(text: string): NetworkSpec {
  const trimmed = text.trim();
  const presets = PRESET_NAMES.join(', ');
  if ((PRESET_NAMES as readonly string[]).includes(trimmed)) return preset(trimmed as PresetName);
  if (trimmed === '') throw new SpecCodecError(`the network is empty: give a preset (${presets}) or layers`);
  if (/^[a-z][a-z][a-z0-9]*$/.test(trimmed)) {
    // A single word such as "lenet" would read as a bad layer; say it is not a preset instead.
    throw new SpecCodecError(
      `"${trimmed}" is neither a preset (${presets}) nor a list of layers like c5x6r.m2.k10`,
    );
  }
  const tokens = trimmed.split('.');
  let spec: NetworkSpec = { input: { ...DEFAULT_INPUT }, layers: [] };
  tokens.forEach((token, i) => {
    if (i === 0 && token.startsWith('i')) {
      const match = FORMS.i.pattern.exec(token);
      if (!match) throw new SpecCodecError(`"${token}" is not well formed: ${FORMS.i.help}`);
      spec = {
        input: { channels: Number(match[1]), height: Number(match[2]), width: Number(match[3]) },
        layers: [],
      };
      return;
    }
    const number = spec.layers.length + 1;
    if (token === '')
      throw new SpecCodecError(`layer ${number} is empty: remove the extra "." in "${trimmed}"`);
    spec.layers.push(decodeLayer(token, `layer ${number}`));
  });
  if (spec.layers.length === 0) throw new SpecCodecError(`"${trimmed}" has no layers; end with one like k10`);
  return spec;
}
