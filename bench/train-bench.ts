// One cell of the training benchmark (a net at a batch size), wherever it runs (the page or Node):
// each impl is built from the same seed (same initial weights, same synthetic data, same epoch
// order), warmed up (steps each followed by a metrics readback, untimed, losses compared across
// impls), then timed in repeats interleaved across impls, each repeat being N steps and the
// async metrics readback that ends them, as the CLI's loop does. Not the options or the table.

import type { Dataset } from '../src/data/dataset.ts';
import type { StepMetrics } from '../src/model/backend.ts';
import { CpuBackend } from '../src/model/cpu-backend.ts';
import { createGpuBackend } from '../src/model/gpu-backend.ts';
import type { KernelTuning } from '../src/model/kernel-tuning.ts';
import { initialParameters } from '../src/model/layout.ts';
import { preset } from '../src/model/presets.ts';
import { Trainer, type BackendFactory } from '../src/model/trainer.ts';
import { describeNetwork } from '../src/model/validate.ts';
import type { Gpu } from '../src/runtime/gpu.ts';
import type { TrainCellOptions, TrainEnvName, TrainImpl, TrainRow } from './train-api.ts';
import { benchOptimizer, syntheticDataset } from './train-data.ts';
import {
  maxRelativeDifference,
  planTimedRun,
  predictedSkip,
  predictStepMs,
  summarizeRepeats,
  warmupSkip,
  type TimedPlan,
} from './train-plan.ts';
import { TfjsTrainer } from './train-tfjs-loop.ts';

export interface TrainEnvironment {
  env: TrainEnvName;
  gpu: Gpu;
  /** Our adapter, as rows name it. */
  adapter: string;
  tuning: KernelTuning;
  /** TFJS's webgpu backend is selected, else why not ('unavailable: ...' in its rows). */
  tfjs: { label: string } | { unavailable: string };
}

/** What both trainers offer: Trainer (ours, GPU or CPU) and TfjsTrainer. */
interface Contender {
  step(count: number): void;
  takeMetrics(): Promise<StepMetrics>;
  destroy(): void;
}

let cachedData: { seed: number; dataset: Dataset } | undefined;
function benchData(seed: number): Dataset {
  if (cachedData?.seed !== seed) cachedData = { seed, dataset: syntheticDataset(seed) };
  return cachedData.dataset;
}

async function createContender(
  env: TrainEnvironment,
  impl: TrainImpl,
  o: TrainCellOptions,
): Promise<Contender> {
  const spec = preset(o.net);
  const settings = benchOptimizer(o.optimizer);
  const dataset = benchData(o.seed);
  if (impl === 'tfjs-webgpu') {
    const description = describeNetwork(spec, o.batch);
    const parameters = initialParameters(description, o.seed);
    return new TfjsTrainer({ description, dataset, seed: o.seed, settings, parameters });
  }
  const createBackend: BackendFactory =
    impl === 'cpu'
      ? (d) => CpuBackend.create(d)
      : (d) => createGpuBackend(env.gpu, spec, { batch: d.batch, seed: o.seed, tuning: env.tuning });
  return Trainer.create({ spec, dataset, createBackend, seed: o.seed, batch: o.batch, optimizer: settings });
}

interface Entry {
  row: TrainRow;
  contender: Contender | null;
  plan: TimedPlan | null;
  repeatMs: number[];
  /** Mean loss of each warm-up step, then of each timed repeat. */
  losses: number[];
}

/** Times `count` steps and the metrics readback that ends them; returns ms and mean loss. */
async function timeSteps(contender: Contender, count: number): Promise<{ ms: number; loss: number }> {
  const start = performance.now();
  contender.step(count);
  const metrics = await contender.takeMetrics();
  return { ms: performance.now() - start, loss: metrics.lossSum / Math.max(1, metrics.examples) };
}

function emptyRow(env: TrainEnvironment, o: TrainCellOptions, impl: TrainImpl): TrainRow {
  const adapter = impl === 'cpu' ? 'CPU (one thread)' : impl === 'webgpu' ? env.adapter : tfjsAdapter(env);
  return {
    env: env.env,
    net: o.net,
    batch: o.batch,
    impl,
    images_per_s: null,
    spread: null,
    ms_per_step: null,
    steps: 0,
    repeats: 0,
    nominal_steps: o.steps,
    nominal_repeats: o.repeats,
    warmup_ms: [],
    warmup_loss: [],
    loss_difference: null,
    adapter,
    optimizer: o.optimizer,
    note: '',
  };
}

const tfjsAdapter = (env: TrainEnvironment) => ('label' in env.tfjs ? env.tfjs.label : 'TensorFlow.js');

/** Builds and warms up one impl; leaves entry.plan null (with a note) when it is not to be timed. */
async function prepare(env: TrainEnvironment, o: TrainCellOptions, entry: Entry): Promise<void> {
  const { row } = entry;
  if (row.impl === 'tfjs-webgpu' && 'unavailable' in env.tfjs) {
    row.note = `unavailable: ${env.tfjs.unavailable}`;
    return;
  }
  const skip = predictedSkip(predictStepMs(o.msPerImage?.[row.impl], o.batch), o.maxStepSeconds);
  if (skip) {
    row.note = skip;
    return;
  }
  try {
    entry.contender = await createContender(env, row.impl, o);
    for (let i = 0; i < o.warmup; i++) {
      const { ms, loss } = await timeSteps(entry.contender, 1);
      row.warmup_ms.push(Math.round(ms));
      row.warmup_loss.push(loss);
      if (ms > o.maxStepSeconds * 1000) break;
    }
    entry.losses.push(...row.warmup_loss);
    const notTimed = warmupSkip(row.warmup_ms, o.maxStepSeconds);
    if (notTimed) row.note = notTimed;
    else entry.plan = planTimedRun(row.warmup_ms.at(-1) ?? 0, o);
  } catch (error) {
    row.note = `failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Fills the row's figures from the repeats; compares losses with the reference entry's. */
function finish(entry: Entry, reference: Entry | undefined): TrainRow {
  const { row, plan } = entry;
  if (plan && entry.repeatMs.length > 0) {
    const s = summarizeRepeats(entry.repeatMs, plan.steps, row.batch);
    Object.assign(row, { steps: plan.steps, repeats: entry.repeatMs.length, images_per_s: s.imagesPerS });
    Object.assign(row, { spread: s.spread, ms_per_step: s.msPerStep });
    row.note = [plan.note, row.note].filter(Boolean).join('; ');
  }
  if (reference && reference !== entry && entry.losses.length > 0) {
    // Repeats cover the same steps only when both ran the same plan; warm-up steps always do.
    const samePlan = plan && reference.plan && plan.steps === reference.plan.steps;
    const n = samePlan ? entry.losses.length : row.warmup_loss.length;
    row.loss_difference = maxRelativeDifference(entry.losses.slice(0, n), reference.losses.slice(0, n));
  }
  if (entry.losses.some((loss) => !Number.isFinite(loss)))
    row.note += `${row.note ? '; ' : ''}loss not finite`;
  return row;
}

export async function runCell(env: TrainEnvironment, o: TrainCellOptions): Promise<TrainRow[]> {
  const entries: Entry[] = o.impls.map((impl) => ({
    row: emptyRow(env, o, impl),
    contender: null,
    plan: null,
    repeatMs: [],
    losses: [],
  }));
  try {
    for (const entry of entries) await prepare(env, o, entry);
    // Interleaved, so that a change in load on a shared machine hits every impl alike.
    const rounds = Math.max(0, ...entries.map((e) => e.plan?.repeats ?? 0));
    for (let r = 0; r < rounds; r++) {
      for (const entry of entries) {
        if (!entry.contender || !entry.plan || r >= entry.plan.repeats) continue;
        try {
          const { ms, loss } = await timeSteps(entry.contender, entry.plan.steps);
          entry.repeatMs.push(ms);
          entry.losses.push(loss);
        } catch (error) {
          entry.row.note = `failed in repeat ${r + 1}: ${error instanceof Error ? error.message : error}`;
          entry.plan = null;
        }
      }
    }
  } finally {
    for (const entry of entries) entry.contender?.destroy();
  }
  const reference = entries.find((e) => e.row.impl === 'webgpu' && e.losses.length > 0);
  return entries.map((entry) => finish(entry, reference));
}
