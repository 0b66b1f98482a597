// The health table's rules, without a DOM: numbers shortened, the update/weight ratio flagged
// outside 1e-4 .. 1e-2 with a tooltip that says why, dead units flagged above half, NaN / Inf
// flagged as broken, and layers without parameters shown as a dash.

import { describe, expect, it } from 'vitest';
import type { LayerHealth } from '../../src/app/view-types.ts';
import { HELP, formatNumber, healthRow, healthRows, ratioCell } from '../../src/ui/health-format.ts';

const range = (min: number, max: number, rms: number) => ({ min, max, mean: (min + max) / 2, rms });

function layer(over: Partial<LayerHealth>): LayerHealth {
  return {
    layerIndex: 0,
    label: 'conv 5x5 x6',
    activation: range(0, 2.5, 0.8),
    deadFraction: 0,
    weight: range(-0.3, 0.31, 0.12),
    gradient: range(-0.002, 0.004, 0.00071),
    updateRatio: 0.002,
    ...over,
  };
}

describe('formatNumber', () => {
  it('3 significant digits, exponent form for tiny and huge values, proper minus and NaN', () => {
    expect([0.12345, -2.5, 1234.5, 0.00071, 123456, 0, NaN, -Infinity].map(formatNumber)).toEqual([
      '0.123',
      '−2.5',
      '1230',
      '7.1e−4',
      '1.2e+5',
      '0',
      'NaN',
      '−∞',
    ]);
  });
});

describe('ratioCell', () => {
  it('flags ratios outside 1e-4 .. 1e-2 and explains why in the tooltip', () => {
    expect(ratioCell(0.002, true)).toMatchObject({ text: '0.002', flag: 'ok' });
    expect(ratioCell(5e-5, true)).toMatchObject({ text: '5.0e−5', flag: 'warn' });
    expect(ratioCell(5e-5, true).title).toBe(`low: ${HELP.ratio}`);
    expect(ratioCell(0.03, true)).toMatchObject({ text: '0.03', flag: 'warn', title: `high: ${HELP.ratio}` });
    expect(ratioCell(1e-4, true).flag).toBe('ok');
    expect(ratioCell(1e-2, true).flag).toBe('ok');
    expect(ratioCell(NaN, true).flag).toBe('bad');
    expect(ratioCell(null, true)).toMatchObject({ text: '—', title: 'no update yet' });
    expect(ratioCell(null, false)).toMatchObject({ text: '—', title: 'no parameters' });
  });
});

describe('healthRow', () => {
  it('a healthy conv row: range, percent dead, rms with detail in the tooltip, nothing flagged', () => {
    const row = healthRow(layer({ deadFraction: 0.5 }));
    expect(row.activation).toEqual({ text: '0 … 2.5', title: 'mean 1.25, rms 0.8', flag: 'ok' });
    expect(row.dead).toMatchObject({ text: '50%', flag: 'ok' });
    expect(row.weight).toEqual({ text: '0.12', title: 'min −0.3, max 0.31, mean 0.005', flag: 'ok' });
    expect(row.gradient.text).toBe('7.1e−4');
    expect(
      [row.activation, row.dead, row.weight, row.gradient, row.ratio].every((c) => c.flag === 'ok'),
    ).toBe(true);
  });

  it('flags more than half dead, and NaN anywhere; a pool row shows dashes', () => {
    const dead = healthRow(layer({ deadFraction: 0.67 }));
    expect(dead.dead).toEqual({ text: '67%', title: HELP.dead, flag: 'warn' });
    const broken = healthRow(
      layer({ activation: range(NaN, NaN, NaN), gradient: range(0, Infinity, Infinity) }),
    );
    expect([broken.activation.flag, broken.gradient.flag, broken.weight.flag]).toEqual(['bad', 'bad', 'ok']);
    const pool = healthRow(layer({ label: 'maxpool 2', weight: null, gradient: null, updateRatio: null }));
    expect([pool.weight.text, pool.gradient.text, pool.ratio.text]).toEqual(['—', '—', '—']);
  });

  it('keeps the order and indices of the view', () => {
    const rows = healthRows({
      step: 9,
      layers: [layer({ layerIndex: 0 }), layer({ layerIndex: 1, label: 'fc 30' })],
    });
    expect(rows.map((r) => [r.layerIndex, r.label])).toEqual([
      [0, 'conv 5x5 x6'],
      [1, 'fc 30'],
    ]);
  });
});
