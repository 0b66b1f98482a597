// The training benchmark's table: figures side by side per (env, net, batch), ratios, why a cell
// has no figure, steps run, loss check and notes; columns of impls that did not run left out.

import { describe, expect, it } from 'vitest';
import type { TrainRow } from '../../bench/train-api.ts';
import { formatTrainTable, groupTrainRows, rateCell } from '../../bench/train-table.ts';

function row(impl: TrainRow['impl'], fields: Partial<TrainRow> = {}): TrainRow {
  return {
    env: 'node',
    net: 'lenet5',
    batch: 64,
    impl,
    images_per_s: null,
    spread: null,
    ms_per_step: null,
    steps: 0,
    repeats: 0,
    nominal_steps: 20,
    nominal_repeats: 3,
    warmup_ms: [],
    warmup_loss: [],
    loss_difference: null,
    adapter: 'test',
    optimizer: 'sgd',
    note: '',
    ...fields,
  };
}

const timed = (images_per_s: number, spread: number, steps: number, repeats: number) => ({
  images_per_s,
  spread,
  steps,
  repeats,
});

describe('formatTrainTable', () => {
  it('puts the impls of one cell on one line with their ratios', () => {
    const rows = [
      row('webgpu', timed(1234.5, 0.031, 20, 3)),
      row('tfjs-webgpu', { ...timed(411.5, 0.12, 20, 3), loss_difference: 2.1e-7 }),
      row('cpu', { ...timed(96.04, 0, 3, 1), loss_difference: 0, note: '3 of 20 steps per repeat' }),
      row('webgpu', { ...timed(50, 0.2, 3, 2), batch: 256, note: '3 of 20 steps per repeat' }),
      row('tfjs-webgpu', { ...timed(25, 0.2, 3, 2), batch: 256, note: '3 of 20 steps per repeat' }),
    ];
    const lines = formatTrainTable(rows).split('\n');
    expect(lines).toHaveLength(4);
    const shared = lines[3].split('|').map((c) => c.trim());
    expect(shared.slice(3, 9)).toEqual(['256', '50.0', '20%', '25.0', '20%', '2.00']);
    expect(shared.slice(-4, -1)).toEqual([
      '3x2 / 3x2 / -',
      '- / -',
      'ours GPU, TFJS WebGPU: 3 of 20 steps per repeat',
    ]);
    const cells = lines[2].split('|').map((c) => c.trim());
    expect(cells.slice(1, -1)).toEqual([
      'node',
      'lenet5',
      '64',
      '1235',
      '3%',
      '412',
      '12%',
      '3.00',
      '96.0',
      '1 run',
      '12.85',
      '20x3 / 20x3 / 3x1',
      '2e-7 / 0',
      'ours CPU: 3 of 20 steps per repeat',
    ]);
    expect(lines[0]).toMatch(/^\| env +\| net +\| batch +\| ours GPU img\/s \|/);
    expect(lines[1]).toMatch(/^\|-+\|/);
  });

  it('says why a cell has no figure, and leaves out columns of impls that did not run', () => {
    const rows = [
      row('webgpu', {
        batch: 256,
        note: 'skipped for time: a step would take ~154 s (from the smaller batch) > 60 s',
      }),
      row('tfjs-webgpu', { batch: 256, note: 'unavailable: no navigator.gpu' }),
      row('webgpu', { env: 'chromium', note: 'not timed: the warm-up step took 62 s > 60 s' }),
      row('tfjs-webgpu', { env: 'chromium', note: 'failed: out of memory' }),
    ];
    const table = formatTrainTable(rows);
    expect(table).not.toContain('CPU img/s');
    expect(table).toContain('ours/TFJS');
    const [, , first, second] = table.split('\n').map((l) => l.split('|').map((c) => c.trim()));
    expect(first.slice(1, 8)).toEqual(['node', 'lenet5', '256', 'skipped', '-', 'unavailable', '-']);
    expect(second.slice(1, 9)).toEqual(['chromium', 'lenet5', '64', 'not timed', '-', 'FAILED', '-', '-']);
    expect(second.at(-2)).toBe(
      'ours GPU: not timed: the warm-up step took 62 s > 60 s; TFJS WebGPU: failed: out of memory',
    );
  });
});

describe('groupTrainRows and rateCell', () => {
  it('groups by env, net and batch in first-seen order', () => {
    const groups = groupTrainRows([row('webgpu'), row('cpu', { batch: 256 }), row('cpu')]);
    expect(groups.map((g) => Object.keys(g))).toEqual([['webgpu', 'cpu'], ['cpu']]);
  });

  it('prints three significant digits', () => {
    expect(rateCell(row('cpu', { images_per_s: 2.3876 }))).toBe('2.39');
    expect(rateCell(row('cpu', { images_per_s: 18211.6 }))).toBe('18212');
    expect(rateCell(undefined)).toBe('-');
  });
});
