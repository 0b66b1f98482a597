// Turns benchmark rows into the printed table: one line per (layer, pass) with our WebGPU time,
// TensorFlow.js's, their ratio, the CPU times and the fast/naive speedup; then the layer shapes.
// Pure formatting (markdown-compatible pipes), unit-tested; no measuring here.

import type { BenchRow, Impl } from './api.ts';

/** Three significant digits, no exponent for the usual ms range. */
export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '-';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toPrecision(3);
}

export function formatError(error: number | null | undefined): string {
  if (error == null) return '-';
  if (!Number.isFinite(error)) return 'inf';
  return error === 0 ? '0' : error.toExponential(0);
}

const percent = (spread: number | null | undefined) =>
  spread == null ? '-' : `${Math.round(spread * 100)}%`;
const gflops = (g: number | null | undefined) => (g == null || !Number.isFinite(g) ? '-' : g.toPrecision(3));

/** a / b, or null when either is missing. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a == null || b == null || b <= 0 ? null : a / b;
}

/** Two decimals, or two significant digits below 0.1 (so 0.0046 does not print as 0.00). */
export function formatRatio(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return '-';
  return r >= 0.1 ? r.toFixed(2) : r.toPrecision(2);
}

/** Pads cells into aligned, pipe-separated columns (valid markdown with a separator line). */
export function alignColumns(header: string[], body: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** The rows of one (layer, pass), by implementation. */
export type RowGroup = Partial<Record<Impl, BenchRow>>;

/** Groups rows by (net, layer, op, pass), in first-seen order. */
export function groupRows(rows: readonly BenchRow[]): RowGroup[] {
  const groups = new Map<string, RowGroup>();
  for (const row of rows) {
    const key = `${row.net} ${row.layer} ${row.op} ${row.pass}`;
    const group = groups.get(key) ?? {};
    group[row.impl] = row;
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** A timed row's median, else why there is none (WRONG result, n/a, or not run). */
function time(row: BenchRow | undefined): string {
  if (row?.median_ms != null) return formatMs(row.median_ms);
  if (!row) return '-';
  return row.note.startsWith('wrong') ? 'WRONG' : 'n/a';
}

function first(g: RowGroup): BenchRow {
  return (g.webgpu ?? g['tfjs-webgpu'] ?? g['cpu-naive'] ?? g['cpu-fast']) as BenchRow;
}

interface Column {
  title: string;
  /** Shown only when some row of one of these impls exists. */
  needs?: Impl[];
  cell(g: RowGroup): string;
}

const COLUMNS: Column[] = [
  { title: 'layer', cell: (g) => `${first(g).net} ${first(g).layer}` },
  { title: 'pass', cell: (g) => `${first(g).op}.${first(g).pass}` },
  { title: 'batch', cell: (g) => String((g.webgpu ?? g['tfjs-webgpu'] ?? first(g)).batch) },
  { title: 'ours ms', needs: ['webgpu'], cell: (g) => time(g.webgpu) },
  { title: '±', needs: ['webgpu'], cell: (g) => percent(g.webgpu?.spread) },
  { title: 'GFLOP/s', needs: ['webgpu'], cell: (g) => gflops(g.webgpu?.gflops) },
  { title: 'ours gpu ms', needs: ['webgpu'], cell: (g) => formatMs(g.webgpu?.gpu_ms) },
  { title: 'tfjs ms', needs: ['tfjs-webgpu'], cell: (g) => time(g['tfjs-webgpu']) },
  { title: '±', needs: ['tfjs-webgpu'], cell: (g) => percent(g['tfjs-webgpu']?.spread) },
  { title: 'GFLOP/s', needs: ['tfjs-webgpu'], cell: (g) => gflops(g['tfjs-webgpu']?.gflops) },
  {
    title: 'ours/tfjs',
    needs: ['tfjs-webgpu'],
    cell: (g) => formatRatio(ratio(g.webgpu?.median_ms, g['tfjs-webgpu']?.median_ms)),
  },
  {
    title: 'cpu batch',
    needs: ['cpu-naive', 'cpu-fast'],
    cell: (g) => String((g['cpu-naive'] ?? g['cpu-fast'])?.batch ?? '-'),
  },
  { title: 'naive ms', needs: ['cpu-naive'], cell: (g) => time(g['cpu-naive']) },
  { title: 'fast ms', needs: ['cpu-fast'], cell: (g) => time(g['cpu-fast']) },
  {
    title: 'naive/fast',
    needs: ['cpu-fast'],
    cell: (g) => {
      const r = ratio(g['cpu-naive']?.median_ms, g['cpu-fast']?.median_ms);
      return r === null ? '-' : `${r.toFixed(1)}x`;
    },
  },
  {
    title: 'max err ours/tfjs/fast',
    cell: (g) =>
      [g.webgpu, g['tfjs-webgpu'], g['cpu-fast']].map((r) => formatError(r?.max_error)).join(' / '),
  },
  {
    title: 'notes',
    cell: (g) => {
      // Impls with the same note share it: 'cpu-naive, cpu-fast: cpu batch 23 of 64 (...)'.
      const byNote = new Map<string, Impl[]>();
      for (const r of Object.values(g))
        if (r.note) byNote.set(r.note, [...(byNote.get(r.note) ?? []), r.impl]);
      return [...byNote].map(([note, impls]) => `${impls.join(', ')}: ${note}`).join('; ');
    },
  },
];

/** The whole table plus a legend of layer shapes; columns of impls that did not run are left out. */
export function formatTable(rows: readonly BenchRow[]): string {
  const present = new Set(rows.map((row) => row.impl));
  const columns = COLUMNS.filter((c) => !c.needs || c.needs.some((impl) => present.has(impl)));
  const groups = groupRows(rows);
  const table = alignColumns(
    columns.map((c) => c.title),
    groups.map((g) => columns.map((c) => c.cell(g))),
  );
  const shapes = new Map<string, string>();
  for (const row of rows) shapes.set(`${row.net} ${row.layer} (${row.op})`, row.shape);
  const legend = [...shapes].map(([layer, shape]) => `- ${layer}: ${shape}`);
  return `${table}\n\nLayer shapes (per image):\n${legend.join('\n')}`;
}
