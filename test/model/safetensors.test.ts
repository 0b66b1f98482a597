// The .safetensors export: the nn.Sequential module indices for the presets and a network with
// avg pooling and 'none' activations, tensor names and shapes PyTorch expects, values read back
// from the file bytes, the published header layout, and malformed files rejected. PyTorch itself
// loads the file in scripts/check_safetensors.py (not run here: CI has no torch).

import { describe, expect, it } from 'vitest';
import { initialParameters, parameterLayout } from '../../src/model/layout.ts';
import { preset } from '../../src/model/presets.ts';
import {
  exportSafetensors,
  readSafetensors,
  SafetensorsError,
  torchSequential,
  writeSafetensors,
} from '../../src/model/safetensors.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { describeNetwork } from '../../src/model/validate.ts';

const oddSpec: NetworkSpec = {
  input: { channels: 2, height: 11, width: 9 },
  layers: [
    { kind: 'conv', filters: 5, kernel: [3, 2], stride: 2, padding: 1, activation: 'none' },
    { kind: 'pool', mode: 'avg', size: 2, stride: 1 },
    { kind: 'fc', units: 7, activation: 'none' },
    { kind: 'fc', units: 6, activation: 'sigmoid' },
    { kind: 'classify', classes: 3 },
  ],
};

describe('torchSequential', () => {
  it('numbers lenet5 modules as PyTorch does, activations, pools and Flatten included', () => {
    expect(torchSequential(preset('lenet5')).map((m) => m.source)).toEqual([
      'nn.Conv2d(1, 6, kernel_size=(5, 5), stride=1, padding=2)',
      'nn.ReLU()',
      'nn.MaxPool2d(kernel_size=2, stride=2)',
      'nn.Conv2d(6, 16, kernel_size=(5, 5), stride=1, padding=0)',
      'nn.ReLU()',
      'nn.MaxPool2d(kernel_size=2, stride=2)',
      'nn.Flatten()',
      'nn.Linear(400, 120)',
      'nn.ReLU()',
      'nn.Linear(120, 84)',
      'nn.ReLU()',
      'nn.Linear(84, 10)',
    ]);
  });

  it("leaves out 'none' activations and uses AvgPool2d", () => {
    const modules = torchSequential(oddSpec);
    expect(modules.map((m) => `${m.index}:${m.layerIndex}:${m.source}`)).toEqual([
      '0:0:nn.Conv2d(2, 5, kernel_size=(3, 2), stride=2, padding=1)',
      '1:1:nn.AvgPool2d(kernel_size=2, stride=1)',
      '2:2:nn.Flatten()',
      '3:2:nn.Linear(100, 7)',
      '4:3:nn.Linear(7, 6)',
      '5:3:nn.Sigmoid()',
      '6:4:nn.Linear(6, 3)',
    ]);
  });
});

describe('exportSafetensors / readSafetensors', () => {
  it.each([
    [
      'lenet5',
      preset('lenet5'),
      { '0': [6, 1, 5, 5], '3': [16, 6, 5, 5], '7': [120, 400], '9': [84, 120], '11': [10, 84] },
    ],
    ['seed', preset('seed'), { '0': [20, 1, 5, 5], '4': [30, 2880], '6': [10, 30] }],
    ['odd', oddSpec, { '0': [5, 2, 3, 2], '3': [7, 100], '4': [6, 7], '6': [3, 6] }],
  ] as const)('writes %s under PyTorch names with the right shapes and values', (_, spec, weights) => {
    const description = describeNetwork(spec);
    const parameters = initialParameters(description, 23);
    for (let i = 0; i < parameters.length; i++) parameters[i] += i * 1e-3; // biases non-zero too
    const file = readSafetensors(exportSafetensors(spec, parameters, { note: 'test' }));
    const expected = Object.entries(weights).flatMap(([index, shape]) => [
      [`${index}.weight`, shape],
      [`${index}.bias`, [shape[0]]],
    ]);
    expect(file.tensors.map((t) => [t.name, t.shape])).toEqual(expected);
    // Element by element (toEqual on 86k-float arrays is slow): each tensor is its slice of the flat buffer.
    const sameAsSlice = (data: Float32Array, slice: { offset: number; length: number }) =>
      data.length === slice.length && data.every((v, j) => v === parameters[slice.offset + j]);
    parameterLayout(description).layers.forEach((slice, i) => {
      expect(sameAsSlice(file.tensors[2 * i].data, slice.weight)).toBe(true);
      expect(sameAsSlice(file.tensors[2 * i + 1].data, slice.bias)).toBe(true);
    });
    expect(JSON.parse(file.metadata['convscope.spec'])).toEqual(spec);
    expect(file.metadata.note).toBe('test');
    expect(file.metadata['convscope.sequential']).toContain('nn.Sequential(');
  });

  it('follows the published layout: u64 LE header length, 8-aligned JSON, contiguous F32 data', () => {
    const a = new Float32Array([1.5, -2, 3.25, 1e-30, 7, 8]);
    const bytes = writeSafetensors([
      { name: 'a', shape: [2, 3], data: a },
      { name: 'b', shape: [1], data: new Float32Array([-0.5]) },
    ]);
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({
      a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
      b: { dtype: 'F32', shape: [1], data_offsets: [24, 28] },
    });
    expect(bytes.length).toBe(8 + n + 28);
    expect(view.getFloat32(8 + n + 8, true)).toBe(3.25);
    expect(view.getFloat32(8 + n + 24, true)).toBe(-0.5);
  });

  it('rejects malformed files and parameters of the wrong length', () => {
    const bytes = writeSafetensors([{ name: 'w', shape: [3], data: new Float32Array([1, 2, 3]) }]);
    const long = bytes.slice();
    new DataView(long.buffer).setBigUint64(0, 1000n, true);
    expect(() => readSafetensors(long)).toThrow(
      `header length 1000 runs past the end of the ${bytes.length}-byte file`,
    );
    expect(() => readSafetensors(bytes.slice(0, bytes.length - 4))).toThrow(
      /tensor w: .*do not fit the file/,
    );
    const f16 = new TextEncoder().encode(
      JSON.stringify({ w: { dtype: 'F16', shape: [1], data_offsets: [0, 2] } }),
    );
    const file = new Uint8Array(8 + f16.length + 2);
    new DataView(file.buffer).setBigUint64(0, BigInt(f16.length), true);
    file.set(f16, 8);
    expect(() => readSafetensors(file)).toThrow(SafetensorsError);
    expect(() => readSafetensors(file)).toThrow(/dtype F16, only F32/);
    expect(() => exportSafetensors(oddSpec, new Float32Array(64))).toThrow(
      /layout has \d+ floats, the parameters 64/,
    );
  });
});
