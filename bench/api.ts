// The contract between the benchmark page (bench/kernels.ts, or the Node entry) and the runner
// (bench/run.ts): options in, result rows out, all plain JSON so they cross page.evaluate. Types
// only, so both sides import it.

import type { BenchOp, BenchPass, NetName } from './cases.ts';
import type { TilesChoice } from './tuning.ts';

/** Names one layer of one net (a max-pool layer and its avg_pool2d twin share `layer`). */
export interface LayerKey {
  net: NetName;
  layer: string;
  op: BenchOp;
}
import type { AdapterSummary } from '../src/runtime/gpu.ts';

/** What ran the op: our WGSL, TensorFlow.js on WebGPU, the naive CPU reference, the fast CPU path. */
export type Impl = 'webgpu' | 'tfjs-webgpu' | 'cpu-naive' | 'cpu-fast';
export const IMPLS: readonly Impl[] = ['webgpu', 'tfjs-webgpu', 'cpu-naive', 'cpu-fast'];

export interface KernelBenchOptions {
  nets: NetName[];
  batch: number;
  impls: Impl[];
  /** Only these ops (e.g. ['conv2d']); all when absent. */
  ops?: string[];
  /** Fixed iterations per sample; adaptive when absent (see stats.ts planSamples). */
  iterations?: number;
  samples?: number;
  /** CPU rows shrink their batch until one pass is at most this many FLOPs (naive JS is slow). */
  cpuMaxFlops: number;
  /** Our kernels' tiles: the adapter's own ('auto', as the product runs) or the real-GPU defaults. */
  tiles: TilesChoice;
}

/** One (layer, pass, impl) measurement; the JSON line format of `npm run bench -- kernels --json`. */
export interface BenchRow {
  net: NetName;
  layer: string;
  op: string;
  pass: BenchPass;
  shape: string;
  /** The batch this row ran (CPU rows may run fewer images than the GPU rows; see note). */
  batch: number;
  impl: Impl;
  /** Median per-iteration time in ms: host wall clock, submit (or first call) to GPU done. */
  median_ms: number | null;
  /** (max - min) / median over the samples. */
  spread: number | null;
  min_ms: number | null;
  max_ms: number | null;
  /** GFLOP/s from median_ms. */
  gflops: number | null;
  /** webgpu only: median per-iteration GPU time from timestamp queries (null without them). */
  gpu_ms: number | null;
  iterations: number;
  samples: number;
  /** max |result - reference| on the row's batch; Infinity for NaN or an unwritten output. */
  max_error: number | null;
  /** Whether max_error was within the accepted bound (rows that fail are not timed). */
  ok: boolean;
  flops: number;
  adapter: string;
  /** Why the row is missing, shrunk or odd ('cpu batch 16 of 64', 'no kernel yet', error text). */
  note: string;
}

export interface BenchAdapter {
  summary: AdapterSummary;
  description: string;
  /** Whether timestamp-query is available to our device (else GPU times are wall-clock only). */
  timestamps: boolean;
  /** Where the page or process runs: 'Chromium <version>' or 'Node <version> (Dawn)'. */
  runtime: string;
  /** TensorFlow.js version and the adapter its backend chose, when it was loaded. */
  tfjs?: string;
}

export interface KernelBenchApi {
  /** The adapter; with `withTfjs`, also loads TensorFlow.js and names the adapter it chose. */
  adapter(withTfjs: boolean): Promise<BenchAdapter>;
  /** Runs the rows of one layer at options.batch, every pass and impl asked for. */
  runLayer(options: KernelBenchOptions, layer: LayerKey): Promise<BenchRow[]>;
  /** The layers options select, in order, so the runner can report progress between them. */
  listLayers(options: KernelBenchOptions): LayerKey[];
}

declare global {
  interface Window {
    convscopeBench?: KernelBenchApi;
  }
}
