// The reference networks named in DESIGN.md, used by tests, benchmarks and the app's presets.
// Every field is spelled out (no defaults) so each preset doubles as a complete JSON example.
// Not validated here: test/model/presets.test.ts checks their shapes and parameter counts.

import type { NetworkSpec } from './spec.ts';

export const PRESET_NAMES = ['seed', 'lenet5', 'convnet'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const MNIST_INPUT = { channels: 1, height: 28, width: 28 };

const PRESETS: Readonly<Record<PresetName, NetworkSpec>> = {
  // The original NumPy project's network.
  seed: {
    name: 'seed',
    input: MNIST_INPUT,
    layers: [
      { kind: 'conv', filters: 20, kernel: 5, stride: 1, padding: 0, activation: 'sigmoid' },
      { kind: 'pool', mode: 'max', size: 2, stride: 2 },
      { kind: 'fc', units: 30, activation: 'sigmoid' },
      { kind: 'classify', classes: 10 },
    ],
  },
  lenet5: {
    name: 'lenet5',
    input: MNIST_INPUT,
    layers: [
      { kind: 'conv', filters: 6, kernel: 5, stride: 1, padding: 2, activation: 'relu' },
      { kind: 'pool', mode: 'max', size: 2, stride: 2 },
      { kind: 'conv', filters: 16, kernel: 5, stride: 1, padding: 0, activation: 'relu' },
      { kind: 'pool', mode: 'max', size: 2, stride: 2 },
      { kind: 'fc', units: 120, activation: 'relu' },
      { kind: 'fc', units: 84, activation: 'relu' },
      { kind: 'classify', classes: 10 },
    ],
  },
  convnet: {
    name: 'convnet',
    input: MNIST_INPUT,
    layers: [
      { kind: 'conv', filters: 32, kernel: 3, stride: 1, padding: 0, activation: 'relu' },
      { kind: 'conv', filters: 64, kernel: 3, stride: 1, padding: 0, activation: 'relu' },
      { kind: 'pool', mode: 'max', size: 2, stride: 2 },
      { kind: 'fc', units: 128, activation: 'relu' },
      { kind: 'classify', classes: 10 },
    ],
  },
};

/** A fresh deep copy of a preset, safe for the caller (e.g. the editor) to change. */
export function preset(name: PresetName): NetworkSpec {
  return structuredClone(PRESETS[name]);
}
