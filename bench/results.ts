// Writes one benchmark run to bench/results/<date>-<adapter>-<kind>.md (header, table, how to
// read it) and .jsonl (one row per line), for the kernel and the training benchmark. Node only;
// the figures are committed, not regenerated.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchAdapter, BenchRow } from './api.ts';
import { adapterSlug } from './labels.ts';

/** Relative to the working directory (the repo root under npm), so a bundled copy writes there too. */
const RESULTS_DIR = resolve('bench/results');

const HOW_TO_READ = `How to read: times are medians of per-iteration times over the samples (± is (max - min) / median).
"ours ms" and "tfjs ms" are host wall clock from the start of encoding (ours) or of the first op call
(TFJS) to queue.onSubmittedWorkDone() over N back-to-back iterations, divided by N: the same clock for
both, so "ours/tfjs" compares like with like (< 1: convscope faster). "ours gpu ms" is the sum of
timestamp-query durations of our passes per iteration. GFLOP/s uses the FLOP helpers of src/ops and
the row's median. CPU rows run in the same page (V8, one thread) at "cpu batch"; "naive/fast" is the
speedup of src/fast over src/reference. Every result was compared with the naive reference (Float64)
before it was timed; "max err" is max |result - reference|. See docs/bench.md.`;

/** One run to write: `kind` names the benchmark in the file name ('kernels', 'train'). */
export interface SavedRun {
  kind: string;
  title: string;
  adapter: BenchAdapter['summary'];
  header: string[];
  table: string;
  howToRead: string;
  rows: readonly object[];
  suffix?: string;
}

/** Writes <date>-<adapter>-<kind>[-<suffix>].{md,jsonl}; returns the paths written. */
export function saveRun(run: SavedRun): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const name = `${date}-${adapterSlug(run.adapter)}-${run.kind}${run.suffix ? '-' + run.suffix : ''}`;
  const base = join(RESULTS_DIR, name);
  const md = [`# ${run.title}, ${date}`, '', ...run.header.map((line) => `- ${line}`), '', run.table, ''];
  writeFileSync(`${base}.md`, [...md, run.howToRead, ''].join('\n'));
  writeFileSync(`${base}.jsonl`, run.rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  return [`${base}.md`, `${base}.jsonl`];
}

/**
 * Writes <date>-<adapter>-kernels[-<suffix>].{md,jsonl}; the suffix names a run narrower than the
 * default (e.g. 'convnet-b64'). Returns the paths written.
 */
export function saveResults(
  adapter: BenchAdapter,
  header: string[],
  table: string,
  rows: BenchRow[],
  suffix = '',
): string[] {
  return saveRun({
    kind: 'kernels',
    title: 'Kernel benchmark',
    adapter: adapter.summary,
    header,
    table,
    howToRead: HOW_TO_READ,
    rows,
    suffix,
  });
}
