// The printed benchmark table: number formats, the ours/tfjs and naive/fast ratios, and the
// columns that disappear when an implementation did not run.

import { describe, expect, it } from 'vitest';
import type { BenchRow, Impl } from '../../bench/api.ts';
import { formatError, formatMs, formatRatio, formatTable, groupRows, ratio } from '../../bench/table.ts';

function row(impl: Impl, median: number | null, extra: Partial<BenchRow> = {}): BenchRow {
  return {
    net: 'convnet',
    layer: 'conv2',
    op: 'conv2d',
    pass: 'forward',
    shape: '32x26x26 conv 3x3 -> 64x24x24',
    batch: 64,
    impl,
    median_ms: median,
    spread: median === null ? null : 0.05,
    min_ms: median,
    max_ms: median,
    gflops: median === null ? null : 1.359e9 / median / 1e6,
    gpu_ms: impl === 'webgpu' ? 9.5 : null,
    iterations: 3,
    samples: 7,
    max_error: 2e-6,
    ok: median !== null,
    flops: 1.359e9,
    adapter: 'test adapter',
    note: '',
    ...extra,
  };
}

describe('number formats', () => {
  it('keeps three significant digits', () => {
    expect([1234.5, 56.78, 3.14159, 0.012345].map(formatMs)).toEqual(['1235', '56.8', '3.14', '0.0123']);
    expect(formatMs(null)).toBe('-');
    expect([0, 2.4e-6, Infinity, null].map(formatError)).toEqual(['0', '2e-6', 'inf', '-']);
    expect(ratio(5, 20)).toBe(0.25);
    expect(ratio(5, null)).toBeNull();
    expect([3.14159, 0.5, 0.0046, null].map(formatRatio)).toEqual(['3.14', '0.50', '0.0046', '-']);
  });
});

describe('formatTable', () => {
  it('puts every impl of a (layer, pass) on one line with both ratios', () => {
    const rows = [row('webgpu', 10), row('tfjs-webgpu', 20), row('cpu-naive', 900), row('cpu-fast', 60)];
    expect(groupRows(rows)).toHaveLength(1);
    const [header, , line] = formatTable(rows).split('\n');
    const cells = line.split('|').map((c) => c.trim());
    const at = (title: string) =>
      cells[
        header
          .split('|')
          .map((c) => c.trim())
          .indexOf(title)
      ];
    expect(at('ours ms')).toBe('10.0');
    expect(at('ours gpu ms')).toBe('9.50');
    expect(at('tfjs ms')).toBe('20.0');
    expect(at('ours/tfjs')).toBe('0.50');
    expect(at('naive/fast')).toBe('15.0x');
    expect(at('max err ours/tfjs/fast')).toBe('2e-6 / 2e-6 / 2e-6');
    expect(formatTable(rows)).toContain('- convnet conv2 (conv2d): 32x26x26 conv 3x3 -> 64x24x24');
  });

  it('drops the columns of impls that did not run and marks wrong results', () => {
    const rows = [
      row('webgpu', null, { note: 'wrong result: not timed', max_error: 0.5 }),
      row('cpu-naive', 900),
    ];
    const text = formatTable(rows);
    expect(text).not.toContain('tfjs ms');
    expect(text).not.toContain('fast ms');
    expect(text).toContain('naive ms');
    expect(text).toMatch(/\| WRONG +\|/);
    expect(text).toContain('webgpu: wrong result: not timed');
  });

  it('states a note shared by several impls once', () => {
    const note = 'cpu batch 23 of 64 (naive JS too slow for more)';
    const rows = [
      row('webgpu', 10),
      row('cpu-naive', 900, { note, batch: 23 }),
      row('cpu-fast', 60, { note, batch: 23 }),
    ];
    const text = formatTable(rows);
    expect(text).toContain(`| cpu-naive, cpu-fast: ${note} |`);
    expect(text.split(note)).toHaveLength(2);
  });
});
