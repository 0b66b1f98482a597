// The training benchmark's command line, whatever runs the cells: for each environment (headless
// Chromium, Node) a TrainDriver runs every (net, batch) cell in order, with progress on stderr;
// then the header (adapters, tiles, TFJS, load), the table or JSON lines, and optionally the
// saved files. Node only. The drivers are in train-run.ts; the measuring in train-bench.ts.

import os from 'node:os';
import { sourceVersion } from './cli.ts';
import { NET_NAMES } from './cases.ts';
import { saveRun } from './results.ts';
import type { TrainAdapter, TrainCellOptions, TrainEnvName, TrainImpl, TrainRow } from './train-api.ts';
import { TRAIN_DEFAULTS, TRAIN_ENVS, TRAIN_IMPLS } from './train-api.ts';
import type { TrainBenchArgs } from './train-args.ts';
import { benchOptimizer, SYNTHETIC_TRAIN_COUNT } from './train-data.ts';
import { msPerImageFrom } from './train-plan.ts';
import { formatTrainTable, IMPL_TITLES, rateCell, TRAIN_HOW_TO_READ } from './train-table.ts';

/** Runs cells in one environment: page.evaluate into bench/train-page.ts, or train-node.ts in-process. */
export interface TrainDriver {
  adapter(): Promise<TrainAdapter>;
  runCell(options: TrainCellOptions): Promise<TrainRow[]>;
  close(): Promise<void>;
}

export type TrainDriverFactory = (env: TrainEnvName, withTfjs: boolean) => Promise<TrainDriver>;

/** A loss further than this (relative) from ours GPU means the impls did not train the same network. */
export const LOSS_TOLERANCE = 1e-3;

const log = (line: string) => console.error(line);

/** Names what a run narrower than the default covered, for its result file: 'lenet5-b64-node'. */
export function trainRunSuffix(args: TrainBenchArgs): string {
  const parts: string[] = [];
  if (args.nets.length < NET_NAMES.length) parts.push(args.nets.join('-'));
  if (args.batches.join() !== TRAIN_DEFAULTS.batches.join()) parts.push(`b${args.batches.join('-')}`);
  if (args.envs.length < TRAIN_ENVS.length) parts.push(args.envs.join('-'));
  if (args.impls.length < TRAIN_IMPLS.length) parts.push(args.impls.join('-'));
  return parts.join('-');
}

export function describeOptimizer(args: TrainBenchArgs): string {
  const s = benchOptimizer(args.optimizer);
  const rule =
    s.kind === 'adam'
      ? `Adam lr ${s.learningRate}, betas ${s.beta1}/${s.beta2}, eps ${s.epsilon}`
      : `SGD lr ${s.learningRate}, momentum ${s.momentum}`;
  return `${rule}, no weight decay, identical in every impl`;
}

function adapterLines(a: TrainAdapter): string[] {
  const tfjs = 'label' in a.tfjs ? a.tfjs.label : `unavailable: ${a.tfjs.unavailable}`;
  return [
    `${a.env}: adapter ${a.description}`,
    `${a.env}: runtime ${a.runtime}; our kernel tiles: ${a.tuning}`,
    `${a.env}: TensorFlow.js: ${tfjs}`,
  ];
}

function progress(env: TrainEnvName, rows: TrainRow[], seconds: number): string {
  const { net, batch } = rows[0];
  const rates = rows.map((r) => `${IMPL_TITLES[r.impl]} ${rateCell(r)}`).join(', ');
  return `[${env}] ${net} batch ${batch}: ${rates} images/s (${seconds.toFixed(0)} s)`;
}

async function runEnvironment(
  driver: TrainDriver,
  env: TrainEnvName,
  args: TrainBenchArgs,
): Promise<TrainRow[]> {
  const rows: TrainRow[] = [];
  for (const net of args.nets) {
    let msPerImage: Partial<Record<TrainImpl, number>> = {};
    for (const batch of args.batches) {
      const start = performance.now();
      const { steps, repeats, warmup, cellSeconds, maxStepSeconds, optimizer, seed, impls } = args;
      const options = { net, batch, impls, steps, repeats, warmup, cellSeconds, maxStepSeconds };
      const got = await driver.runCell({ ...options, optimizer, seed, msPerImage });
      msPerImage = { ...msPerImage, ...msPerImageFrom(got) };
      log(progress(env, got, (performance.now() - start) / 1000));
      if (args.json) for (const row of got) console.log(JSON.stringify(row));
      rows.push(...got);
    }
  }
  return rows;
}

/** Runs the benchmark; returns the exit code (1 when an impl failed or the losses disagree). */
export async function runTrainCli(makeDriver: TrainDriverFactory, args: TrainBenchArgs): Promise<number> {
  const cpu = os.cpus();
  const head = [
    `host: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores; Node ${process.version}; load average ${os.loadavg()[0].toFixed(1)} at start`,
    `command: npm run bench -- ${args.argv.join(' ')}`,
    `source: ${sourceVersion() ?? 'unknown (no git)'}`,
    `data: synthetic MNIST-shaped (${SYNTHETIC_TRAIN_COUNT} train images of 1x28x28, 10 classes, seed ${args.seed}); optimizer: ${describeOptimizer(args)}`,
    `plan per impl and cell: ${args.warmup} warm-up step(s), then ${args.repeats} x ${args.steps} steps, cut to fit ${args.cellSeconds} s; not timed when a step takes > ${args.maxStepSeconds} s`,
  ];
  for (const line of head) log(line);
  const rows: TrainRow[] = [];
  const adapters: TrainAdapter[] = [];
  for (const env of args.envs) {
    let driver: TrainDriver;
    try {
      driver = await makeDriver(env, args.impls.includes('tfjs-webgpu'));
    } catch (error) {
      head.push(`${env}: could not start: ${error instanceof Error ? error.message : error}`);
      log(head.at(-1)!);
      continue;
    }
    try {
      const adapter = await driver.adapter();
      adapters.push(adapter);
      head.push(...adapterLines(adapter));
      for (const line of adapterLines(adapter)) log(line);
      rows.push(...(await runEnvironment(driver, env, args)));
    } finally {
      await driver.close();
    }
  }
  head.push(
    `load average ${os.loadavg()[0].toFixed(1)} at end (above ~1 on 2 cores: other work shared them)`,
  );
  const table = formatTrainTable(rows);
  if (!args.json) console.log(`\n${head.join('\n')}\n\n${table}`);
  if (args.save && adapters.length > 0) {
    const run = {
      kind: 'train',
      title: 'Training benchmark',
      adapter: adapters[0].summary,
      header: head,
      table,
    };
    for (const file of saveRun({ ...run, howToRead: TRAIN_HOW_TO_READ, rows, suffix: trainRunSuffix(args) }))
      log(`wrote ${file}`);
  }
  const bad = rows.filter(
    (r) =>
      r.note.includes('failed') || (r.loss_difference !== null && !(r.loss_difference <= LOSS_TOLERANCE)),
  );
  for (const r of bad)
    log(`${r.env} ${r.net} batch ${r.batch} ${IMPL_TITLES[r.impl]}: ${r.note || 'losses differ'}`);
  return bad.length === 0 && adapters.length > 0 ? 0 : 1;
}
