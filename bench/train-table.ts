// The training benchmark's table: one line per (env, net, batch) with our GPU, TensorFlow.js and our
// CPU images/s side by side, ours/TFJS and GPU/CPU, the steps each ran, the loss check and notes.
// Pure formatting (reuses table.ts), browser-safe, unit-tested; no measuring here.

import { alignColumns, formatError, formatRatio, formatMs, ratio } from './table.ts';
import type { TrainImpl, TrainRow } from './train-api.ts';

type Group = Partial<Record<TrainImpl, TrainRow>>;

export function groupTrainRows(rows: readonly TrainRow[]): Group[] {
  const groups = new Map<string, Group>();
  for (const row of rows) {
    const key = `${row.env} ${row.net} ${row.batch}`;
    groups.set(key, { ...groups.get(key), [row.impl]: row });
  }
  return [...groups.values()];
}

/** images/s with three significant digits (formatMs's rounding), or why there is no figure. */
export function rateCell(row: TrainRow | undefined): string {
  if (!row) return '-';
  if (row.images_per_s !== null) return formatMs(row.images_per_s);
  if (row.note.startsWith('unavailable')) return 'unavailable';
  if (row.note.startsWith('skipped')) return 'skipped';
  if (row.note.startsWith('not timed')) return 'not timed';
  return row.note.startsWith('failed') ? 'FAILED' : '-';
}

const spread = (row: TrainRow | undefined) =>
  row?.spread == null ? '-' : row.repeats < 2 ? '1 run' : `${Math.round(row.spread * 100)}%`;

const ran = (row: TrainRow | undefined) => (row && row.repeats > 0 ? `${row.steps}x${row.repeats}` : '-');

function first(g: Group): TrainRow {
  return (g.webgpu ?? g['tfjs-webgpu'] ?? g.cpu) as TrainRow;
}

/** Impls with the same note share it: 'ours GPU, TFJS WebGPU: 1 of 20 steps, ...'. */
function notes(g: Group): string {
  const byNote = new Map<string, string[]>();
  for (const impl of ['webgpu', 'tfjs-webgpu', 'cpu'] as const) {
    const note = g[impl]?.note;
    if (note) byNote.set(note, [...(byNote.get(note) ?? []), IMPL_TITLES[impl]]);
  }
  return [...byNote].map(([note, titles]) => `${titles.join(', ')}: ${note}`).join('; ');
}

export const IMPL_TITLES: Record<TrainImpl, string> = {
  webgpu: 'ours GPU',
  'tfjs-webgpu': 'TFJS WebGPU',
  cpu: 'ours CPU',
};

interface Column {
  title: string;
  needs?: TrainImpl[];
  cell(g: Group): string;
}

const COLUMNS: Column[] = [
  { title: 'env', cell: (g) => first(g).env },
  { title: 'net', cell: (g) => first(g).net },
  { title: 'batch', cell: (g) => String(first(g).batch) },
  { title: 'ours GPU img/s', needs: ['webgpu'], cell: (g) => rateCell(g.webgpu) },
  { title: '±', needs: ['webgpu'], cell: (g) => spread(g.webgpu) },
  { title: 'TFJS img/s', needs: ['tfjs-webgpu'], cell: (g) => rateCell(g['tfjs-webgpu']) },
  { title: '±', needs: ['tfjs-webgpu'], cell: (g) => spread(g['tfjs-webgpu']) },
  {
    title: 'ours/TFJS',
    needs: ['webgpu', 'tfjs-webgpu'],
    cell: (g) => formatRatio(ratio(g.webgpu?.images_per_s, g['tfjs-webgpu']?.images_per_s)),
  },
  { title: 'ours CPU img/s', needs: ['cpu'], cell: (g) => rateCell(g.cpu) },
  { title: '±', needs: ['cpu'], cell: (g) => spread(g.cpu) },
  {
    title: 'GPU/CPU',
    needs: ['webgpu', 'cpu'],
    cell: (g) => formatRatio(ratio(g.webgpu?.images_per_s, g.cpu?.images_per_s)),
  },
  {
    title: 'steps x repeats',
    cell: (g) => (['webgpu', 'tfjs-webgpu', 'cpu'] as const).map((i) => ran(g[i])).join(' / '),
  },
  {
    title: 'loss diff TFJS / CPU',
    cell: (g) => [g['tfjs-webgpu'], g.cpu].map((r) => formatError(r?.loss_difference)).join(' / '),
  },
  { title: 'notes', cell: notes },
];

/** The table; columns of impls that did not run are left out. */
export function formatTrainTable(rows: readonly TrainRow[]): string {
  const present = new Set(rows.map((r) => r.impl));
  const columns = COLUMNS.filter((c) => !c.needs || c.needs.every((impl) => present.has(impl)));
  const groups = groupTrainRows(rows);
  return alignColumns(
    columns.map((c) => c.title),
    groups.map((g) => columns.map((c) => c.cell(g))),
  );
}

export const TRAIN_HOW_TO_READ = `How to read: images/s is the median over timed repeats; a repeat is N training steps recorded
back to back and the async metrics readback that ends them (Trainer.step + takeMetrics, as
\`npm run train\` runs its loop; TFJS: optimizer.minimize steps + one data() read of its device-side
loss and accuracy sums), wall clock from the first step to the metrics. Warm-up steps (each with a
readback; they compile pipelines) are excluded. ± is (max - min) / median of the repeats' images/s.
"ours/TFJS" and "GPU/CPU" divide images/s measured in the same cell, repeats interleaved
(> 1: ours GPU faster). "steps x repeats" is what each of ours GPU / TFJS / ours CPU ran (the
time box cuts steps first, then repeats). All three start from the same weights (same seed) on the
same synthetic MNIST-shaped batches in the same order; "loss diff" is the largest relative
difference of their mean losses from ours GPU over the warm-up steps (and the repeats when the
plans match). See docs/bench.md.`;
