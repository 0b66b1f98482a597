// The contract of the training benchmark between where it runs (the page bench/train.html, or Node
// on Dawn) and the command line that drives it (train-cli.ts): options in, rows out, plain JSON so
// they cross page.evaluate. Types and constants only.

import type { AdapterSummary } from '../src/runtime/gpu.ts';
import type { NetName } from './cases.ts';

/** Our GpuBackend (WGSL), TensorFlow.js on its WebGPU backend, our CpuBackend (src/fast). */
export type TrainImpl = 'webgpu' | 'tfjs-webgpu' | 'cpu';
export const TRAIN_IMPLS: readonly TrainImpl[] = ['webgpu', 'tfjs-webgpu', 'cpu'];

export type TrainEnvName = 'chromium' | 'node';
export const TRAIN_ENVS: readonly TrainEnvName[] = ['chromium', 'node'];

export type TrainOptimizer = 'sgd' | 'adam';

/** Defaults of the command line (train-args.ts) and the page's form. */
export const TRAIN_DEFAULTS = {
  batches: [64, 256],
  steps: 20,
  repeats: 3,
  warmup: 2,
  cellSeconds: 20,
  maxStepSeconds: 60,
} as const;

/** One cell: a net at a batch size, every impl asked for, in one environment. */
export interface TrainCellOptions {
  net: NetName;
  batch: number;
  impls: TrainImpl[];
  /** Untimed steps first, each followed by a metrics readback (compiles, first-use allocations). */
  warmup: number;
  /** Steps per timed repeat (fewer when the time box says so). */
  steps: number;
  repeats: number;
  /** Seconds of timed steps each impl may spend in a cell; steps and repeats shrink to fit. */
  cellSeconds: number;
  /** An impl whose step is predicted, or measured in warm-up, to take longer is not timed. */
  maxStepSeconds: number;
  optimizer: TrainOptimizer;
  seed: number;
  /** ms per image each impl took at a smaller batch of this net (predicts this batch's step). */
  msPerImage?: Partial<Record<TrainImpl, number>>;
}

/** One (env, net, batch, impl) measurement; the JSON line format of `npm run bench -- train --json`. */
export interface TrainRow {
  env: TrainEnvName;
  net: NetName;
  batch: number;
  impl: TrainImpl;
  /** Median over the repeats of images / second, each repeat timed from its first step to its metrics. */
  images_per_s: number | null;
  /** (max - min) / median of the repeats' images/s; 0 with one repeat. */
  spread: number | null;
  /** Median ms per step (the same measurement as images_per_s). */
  ms_per_step: number | null;
  steps: number;
  repeats: number;
  /** What the options asked for, before the time box. */
  nominal_steps: number;
  nominal_repeats: number;
  /** Untimed steps run first (each followed by a metrics readback), and how long each took. */
  warmup_ms: number[];
  /** Mean loss of each warm-up step: every impl starts from the same weights on the same batches. */
  warmup_loss: number[];
  /** max relative difference of warmup_loss from the webgpu row's (null for that row or without it). */
  loss_difference: number | null;
  adapter: string;
  optimizer: TrainOptimizer;
  /** Why the row is missing, time-boxed or odd. */
  note: string;
}

export interface TrainAdapter {
  env: TrainEnvName;
  summary: AdapterSummary;
  description: string;
  /** 'Chromium <version>' or 'Node <version> (Dawn)'. */
  runtime: string;
  /** Which GEMM tiles our kernels use here, in words. */
  tuning: string;
  /** TensorFlow.js version and the adapter its backend chose, or why it is unavailable. */
  tfjs: { label: string } | { unavailable: string };
}

export interface TrainBenchApi {
  adapter(): Promise<TrainAdapter>;
  runCell(options: TrainCellOptions): Promise<TrainRow[]>;
}

declare global {
  interface Window {
    convscopeTrainBench?: TrainBenchApi;
  }
}
