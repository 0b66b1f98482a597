// The layer editor's per-layer summary: shapes and parameter counts of a valid draft, problems
// placed beside the layer they name (without the "layer N (...)" prefix), shapes unknown past the
// first wrong layer, and network-wide problems kept apart.
import { describe, expect, it } from 'vitest';
import { decodeSpec } from '../../src/app/spec-codec.ts';
import { formatShape, summarizeSpec } from '../../src/app/spec-summary.ts';
import { preset } from '../../src/model/presets.ts';

describe('summarizeSpec', () => {
  it('gives lenet5 its shapes and parameter counts', () => {
    const summary = summarizeSpec(preset('lenet5'));
    expect(summary.valid).toBe(true);
    expect(summary.rows.map((r) => formatShape(r.outputShape))).toEqual([
      '6x28x28',
      '6x14x14',
      '16x10x10',
      '16x5x5',
      '120',
      '84',
      '10',
    ]);
    expect(summary.rows.map((r) => r.params)).toEqual([156, 0, 2416, 0, 48120, 10164, 850]);
    expect(summary.params).toBe(61706);
  });

  it('puts a problem beside its layer and leaves later shapes unknown', () => {
    const summary = summarizeSpec(decodeSpec('c5x6r.m2.c13x4r.m2.f20r.k10'));
    expect(summary.valid).toBe(false);
    expect(summary.rows[2].problems).toHaveLength(1);
    expect(summary.rows[2].problems[0]).toMatch(
      /^its 13x13 kernel is larger than its 12x12 input, so the output would be empty/,
    );
    expect(summary.rows.map((r) => formatShape(r.outputShape))).toEqual([
      '6x24x24',
      '6x12x12',
      '?',
      '?',
      '?',
      '?',
    ]);
    expect(summary.params).toBeNull();
  });

  it('keeps problems of the whole network apart', () => {
    const spec = decodeSpec('c5x6r.m2.f20r');
    const summary = summarizeSpec(spec);
    expect(summary.networkProblems).toEqual([
      'the network has no classify layer; end it with { "kind": "classify", "classes": 10 } (the number of classes in the data)',
    ]);
    expect(summary.rows.map((r) => [formatShape(r.outputShape), r.params, r.problems])).toEqual([
      ['6x24x24', 156, []],
      ['6x12x12', 0, []],
      ['20', 17300, []],
    ]);
  });

  it('shows a zero size as a problem on that layer', () => {
    const spec = decodeSpec('c5x6r.k10');
    spec.layers[0] = { ...spec.layers[0], filters: 0 } as never;
    const summary = summarizeSpec(spec);
    expect(summary.rows[0].problems.join(' ')).toMatch(/filters/);
    expect(summary.rows[0].outputShape).toBeNull();
  });
});
