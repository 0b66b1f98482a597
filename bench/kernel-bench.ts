// Runs one layer of the kernel benchmark: for each pass and implementation, check the result
// against the naive reference first (a wrong result is reported, never timed), then warm up, then
// time samples of N iterations and summarise. Runs wherever a Gpu exists (Chromium page or Node);
// TensorFlow.js is injected by the page, since it needs the browser.

import type { BenchRow, Impl, KernelBenchOptions, LayerKey } from './api.ts';
import {
  benchLayers,
  caseFlops,
  describeShape,
  layerPasses,
  withBatch,
  type BenchPass,
  type LayerSpec,
} from './cases.ts';
import { fastCpuCase, naiveCpuCase, type CpuCaseRun } from './cpu-ops.ts';
import { acceptableError, makeLayerData, maxError, sliceLayerData, type LayerData } from './data.ts';
import { GPU_PREPARERS } from './gpu-ops.ts';
import { GpuTimer, MAX_TIMED_ITERATIONS } from './gpu-timing.ts';
import { gflops, planSamples, summarize, type SamplePlan } from './stats.ts';
import type { TfjsCaseRun } from './tfjs-ops.ts';
import { tuningFor } from './tuning.ts';
import type { Gpu } from '../src/runtime/gpu.ts';
import { readFloat32 } from '../src/runtime/buffers.ts';
import { withValidation } from '../src/runtime/validation.ts';

/** TensorFlow.js as the page provides it (tfjs-ops.ts; a type import, so Node never loads TFJS). */
export interface TfjsProvider {
  prepare(data: LayerData, pass: BenchPass): TfjsCaseRun;
  /** Submits everything enqueued and waits for the GPU. */
  sync(): Promise<void>;
}

export interface BenchEnvironment {
  gpu: Gpu;
  adapter: string;
  tfjs?: TfjsProvider;
}

/** What one implementation's measurement produced, before it becomes a row. */
interface Measured {
  batch: number;
  error: number;
  ok: boolean;
  perIteration?: number[];
  gpuPerIteration?: number[];
  plan?: SamplePlan;
  note: string;
}

export function listLayers(options: KernelBenchOptions): LayerKey[] {
  return benchLayers(options.nets, options.batch, options.ops).map(({ net, layer, op }) => ({
    net,
    layer,
    op,
  }));
}

function findLayer(options: KernelBenchOptions, key: LayerKey): LayerSpec {
  const found = benchLayers(options.nets, options.batch).find(
    (l) => l.net === key.net && l.layer === key.layer && l.op === key.op,
  );
  if (!found) throw new Error(`no layer ${key.net}/${key.layer} (${key.op}) at batch ${options.batch}`);
  return found;
}

/** Times `plan.samples` samples after an optional warm-up; `sample` returns ms per iteration. */
async function timeSamples<T>(plan: SamplePlan, sample: (iterations: number) => Promise<T>): Promise<T[]> {
  if (plan.warmup) await sample(plan.iterations);
  const results: T[] = [];
  for (let s = 0; s < plan.samples; s++) results.push(await sample(plan.iterations));
  return results;
}

async function measureWebgpu(
  env: BenchEnvironment,
  data: LayerData,
  pass: BenchPass,
  options: KernelBenchOptions,
): Promise<Measured> {
  const prepare = GPU_PREPARERS[data.layer.op];
  const batch = data.layer.params.batch;
  if (!prepare) return { batch, error: NaN, ok: false, note: `no ${data.layer.op} kernel yet` };
  const { gpu } = env;
  const { tuning } = tuningFor(gpu.adapterInfo, options.tiles);
  const run = await withValidation(
    gpu.device,
    () => prepare(gpu, data, pass, tuning),
    `prepare ${data.layer.op}.${pass}`,
  );
  const timer = new GpuTimer(gpu, MAX_TIMED_ITERATIONS);
  try {
    const first = await withValidation(
      gpu.device,
      () => timer.sample(run.encode, 1),
      `${data.layer.op}.${pass}`,
    );
    const error = maxError(await readFloat32(gpu, run.output, run.outputLength), data.expected(pass));
    if (!(error <= acceptableError(data.layer, pass)))
      return { batch, error, ok: false, note: 'wrong result: not timed' };
    const plan = planSamples(first.wallMs, options);
    const samples = await timeSamples(plan, (n) => timer.sample(run.encode, n));
    const gpuTimes = samples.map((s) => s.gpuMs);
    const gpuPerIteration = gpuTimes.every((t) => t !== null) ? (gpuTimes as number[]) : undefined;
    return {
      batch,
      error,
      ok: true,
      plan,
      perIteration: samples.map((s) => s.wallMs),
      gpuPerIteration,
      note: '',
    };
  } finally {
    timer.destroy();
    run.destroy();
  }
}

async function measureTfjs(
  tfjs: TfjsProvider,
  data: LayerData,
  pass: BenchPass,
  options: KernelBenchOptions,
): Promise<Measured> {
  const batch = data.layer.params.batch;
  const run = tfjs.prepare(data, pass);
  try {
    const start = performance.now();
    const result = await run.result(); // compiles TFJS's pipelines; includes one readback
    const firstMs = performance.now() - start;
    const error = maxError(result, data.expected(pass));
    if (!(error <= acceptableError(data.layer, pass)))
      return { batch, error, ok: false, note: 'wrong result: not timed' };
    const plan = planSamples(firstMs, options);
    const perIteration = await timeSamples(plan, async (n) => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) run.run();
      await tfjs.sync();
      return (performance.now() - t0) / n;
    });
    return { batch, error, ok: true, plan, perIteration, note: '' };
  } finally {
    run.destroy();
  }
}

/** Largest batch whose pass stays within options.cpuMaxFlops (FLOPs grow linearly with batch). */
export function cpuBatch(flops: number, batch: number, maxFlops: number): number {
  return flops <= maxFlops ? batch : Math.max(1, Math.floor((batch * maxFlops) / flops));
}

/** ms per call over enough calls to last >= 20 ms (browsers coarsen performance.now()). */
function calibrate(run: () => void): number {
  for (let n = 1; ; n *= 4) {
    const start = performance.now();
    for (let i = 0; i < n; i++) run();
    const ms = performance.now() - start;
    if (ms >= 20 || n >= 1 << 20) return ms / n;
  }
}

async function measureCpu(
  make: () => CpuCaseRun | null,
  data: LayerData,
  pass: BenchPass,
  options: KernelBenchOptions,
  note: string,
): Promise<Measured | null> {
  const run = make();
  if (!run) return null;
  const batch = data.layer.params.batch;
  const start = performance.now();
  run.run();
  const firstMs = performance.now() - start;
  const error = maxError(run.output, data.expected(pass));
  if (!(error <= acceptableError(data.layer, pass)))
    return { batch, error, ok: false, note: 'wrong result: not timed' };
  // Tiny passes take microseconds: many calls per sample keep the browser's coarse clock honest.
  // 50 ms samples suffice: no submit overhead to amortise, unlike the GPU rows' 200 ms.
  const perCall = firstMs >= 20 ? firstMs : calibrate(run.run);
  const plan = planSamples(perCall, { sampleMs: 50, ...options, maxIterations: 1_000_000 });
  const perIteration = await timeSamples(plan, async (n) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) run.run();
    return (performance.now() - t0) / n;
  });
  return { batch, error, ok: true, plan, perIteration, note };
}

function toRow(env: BenchEnvironment, layer: LayerSpec, pass: BenchPass, impl: Impl, m: Measured): BenchRow {
  const flops = caseFlops({ layer: withBatch(layer, m.batch), pass });
  const t = m.perIteration ? summarize(m.perIteration) : null;
  return {
    net: layer.net,
    layer: layer.layer,
    op: layer.op,
    pass,
    shape: describeShape(layer),
    batch: m.batch,
    impl,
    median_ms: t?.median ?? null,
    spread: t?.spread ?? null,
    min_ms: t?.min ?? null,
    max_ms: t?.max ?? null,
    gflops: t ? gflops(flops, t.median) : null,
    gpu_ms: m.gpuPerIteration ? summarize(m.gpuPerIteration).median : null,
    iterations: m.plan?.iterations ?? 0,
    samples: m.plan?.samples ?? 0,
    max_error: Number.isNaN(m.error) ? null : m.error,
    ok: m.ok,
    flops,
    adapter: env.adapter,
    note: m.note,
  };
}

/** Every requested impl for one pass; a failure becomes a row with the error in `note`. */
async function measurePass(
  env: BenchEnvironment,
  data: LayerData,
  pass: BenchPass,
  options: KernelBenchOptions,
): Promise<BenchRow[]> {
  const { layer } = data;
  const batch = layer.params.batch;
  const small = cpuBatch(caseFlops({ layer, pass }), batch, options.cpuMaxFlops);
  const cpuData = sliceLayerData(data, small);
  const cpuNote = small < batch ? `cpu batch ${small} of ${batch} (naive JS too slow for more)` : '';
  const jobs: Record<Impl, () => Promise<Measured | null>> = {
    webgpu: () => measureWebgpu(env, data, pass, options),
    'tfjs-webgpu': async () => (env.tfjs ? measureTfjs(env.tfjs, data, pass, options) : null),
    'cpu-naive': () => measureCpu(() => naiveCpuCase(cpuData, pass), cpuData, pass, options, cpuNote),
    'cpu-fast': () => measureCpu(() => fastCpuCase(cpuData, pass), cpuData, pass, options, cpuNote),
  };
  const rows: BenchRow[] = [];
  for (const impl of options.impls) {
    let measured: Measured | null;
    try {
      measured = await jobs[impl]();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      measured = { batch, error: NaN, ok: false, note: `failed: ${message.split('\n')[0]}` };
    }
    if (measured) rows.push(toRow(env, layer, pass, impl, measured));
  }
  return rows;
}

/** All passes of one layer, every impl asked for, in a fixed order. */
export async function runLayer(
  env: BenchEnvironment,
  options: KernelBenchOptions,
  key: LayerKey,
): Promise<BenchRow[]> {
  const data = makeLayerData(findLayer(options, key));
  const rows: BenchRow[] = [];
  for (const pass of layerPasses(data.layer)) rows.push(...(await measurePass(env, data, pass, options)));
  return rows;
}
