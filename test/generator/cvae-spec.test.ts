// The generator's shared contract: config defaults and validation messages, the flat parameter
// layout (names, shapes, 64-float alignment, total length) and the seeded initialisation.

import { describe, expect, it } from 'vitest';
import {
  cvaeInitBounds,
  cvaeInitialParameters,
  cvaeLayout,
  DEFAULT_CVAE_CONFIG,
  resolveCvaeConfig,
  tensorView,
  validateCvaeConfig,
} from '../../src/generator/cvae-spec.ts';
import type { CvaeConfig } from '../../src/generator/types.ts';

describe('cvae config', () => {
  it('fills defaults and keeps given fields', () => {
    expect(resolveCvaeConfig()).toEqual({ latent: 2, seed: 0, batch: 64, learningRate: 3e-3 });
    expect(resolveCvaeConfig({ latent: 3, batch: undefined })).toEqual({ ...DEFAULT_CVAE_CONFIG, latent: 3 });
  });

  const bad: [Partial<CvaeConfig>, RegExp][] = [
    [{ latent: 0 }, /latent must be a positive integer, got 0/],
    [{ latent: 2.5 }, /latent must be a positive integer, got 2.5/],
    [{ latent: 65 }, /latent must be at most 64, got 65; try 8/],
    [{ batch: 0 }, /batch must be a positive integer, got 0/],
    [{ batch: 1.5 }, /batch must be a positive integer/],
    [{ seed: -1 }, /seed must be an integer in \[0, 4294967295\], got -1/],
    [{ seed: 2 ** 32 }, /seed must be an integer/],
    [{ learningRate: 0 }, /learningRate must be a finite number > 0, got 0; try 0.001/],
    [{ learningRate: Number.NaN }, /learningRate must be a finite number > 0, got NaN/],
  ];
  it.each(bad)('rejects %o naming the field and the fix', (change, message) => {
    expect(() => validateCvaeConfig({ ...DEFAULT_CVAE_CONFIG, ...change })).toThrow(message);
    expect(() => resolveCvaeConfig(change)).toThrow(/^cvae: /);
  });

  it('accepts the limits', () => {
    expect(() =>
      validateCvaeConfig({ latent: 64, seed: 2 ** 32 - 1, batch: 1, learningRate: 5 }),
    ).not.toThrow();
  });
});

describe('cvae parameter layout', () => {
  it('lists the tensors in order with PyTorch shapes and 64-float aligned offsets', () => {
    const layout = cvaeLayout(3);
    expect(layout.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['E1.weight', [256, 794]],
      ['E1.bias', [256]],
      ['E2.weight', [6, 256]],
      ['E2.bias', [6]],
      ['D1.weight', [1568, 13]],
      ['D1.bias', [1568]],
      ['D2.weight', [32, 16, 4, 4]],
      ['D2.bias', [16]],
      ['D3.weight', [16, 1, 4, 4]],
      ['D3.bias', [1]],
    ]);
    // 203264 = 256*794 (already a multiple of 64); then 256, 1536, 6 -> 64, 20384, 1568 -> 1600, ...
    expect(layout.tensors.map((t) => t.offset)).toEqual([
      0, 203264, 203520, 205056, 205120, 225536, 227136, 235328, 235392, 235648,
    ]);
    expect(layout.length).toBe(235712);
    for (const t of layout.tensors) {
      expect(t.offset % 64).toBe(0);
      expect(t.length).toBe(t.shape.reduce((a, b) => a * b, 1));
    }
    expect(layout.byName['D1.weight']).toBe(layout.tensors[4]);
  });

  it('has 246080 floats at the default latent 8', () => {
    expect(cvaeLayout(8).length).toBe(246080);
  });

  it('rejects a latent that is not a positive integer', () => {
    expect(() => cvaeLayout(0)).toThrow(/latent must be a positive integer/);
  });
});

describe('cvae initial parameters', () => {
  const config = { ...DEFAULT_CVAE_CONFIG, latent: 5, seed: 11 };
  const layout = cvaeLayout(5);
  const flat = cvaeInitialParameters(config);

  it('draws each weight uniformly within its He or Glorot bound, biases and gaps zero', () => {
    const bounds = cvaeInitBounds(5);
    expect(bounds.E1).toBeCloseTo(Math.sqrt(6 / 794), 12);
    expect(bounds.E2).toBeCloseTo(Math.sqrt(6 / (256 + 10)), 12);
    expect(bounds.D1).toBeCloseTo(Math.sqrt(6 / 15), 12);
    expect(bounds.D2).toBeCloseTo(Math.sqrt(6 / 128), 12); // 32 in-channels x (4/2)^2 taps
    expect(bounds.D3).toBeCloseTo(Math.sqrt(6 / (64 + 4)), 12);
    for (const layer of ['E1', 'E2', 'D1', 'D2', 'D3'] as const) {
      const w = tensorView(flat, layout, `${layer}.weight`);
      const most = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(most).toBeLessThanOrEqual(bounds[layer]);
      expect(most).toBeGreaterThan(0.8 * bounds[layer]); // filled, not left at zero
      expect(tensorView(flat, layout, `${layer}.bias`).every((v) => v === 0)).toBe(true);
    }
    const used = new Uint8Array(layout.length);
    for (const t of layout.tensors) used.fill(1, t.offset, t.offset + t.length);
    expect(flat.every((v, i) => used[i] === 1 || v === 0)).toBe(true);
  });

  it('is the same for the same seed and differs for another', () => {
    // Byte comparison: toEqual walks 236k elements slowly.
    const same = Buffer.from(cvaeInitialParameters(config).buffer).equals(Buffer.from(flat.buffer));
    expect(same).toBe(true);
    const other = cvaeInitialParameters({ ...config, seed: 12 });
    expect(other[0]).not.toBe(flat[0]);
  });
});
