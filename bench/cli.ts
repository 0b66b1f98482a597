// The kernel benchmark's command line, whatever runs the kernels: parse the options, walk the
// layers through a BenchDriver (the Chromium page, or Dawn in this Node process), print progress,
// then the table with the adapter (or JSON lines), and optionally save both. Node only.

import { execSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { BenchAdapter, BenchRow, KernelBenchOptions, LayerKey } from './api.ts';
import { IMPLS, type Impl } from './api.ts';
import { NET_NAMES, type NetName } from './cases.ts';
import { isSwiftShader } from './labels.ts';
import { saveResults } from './results.ts';
import { formatTable } from './table.ts';
import { TILES_CHOICES, tuningFor, type TilesChoice } from './tuning.ts';

export const USAGE = `usage: npm run bench -- kernels [--batch 64,256] [--net seed,lenet5,convnet] [--op conv2d,dense,...]
         [--impl ${IMPLS.join(',')}] [--iterations N] [--samples N] [--cpu-max-gflop 0.5]
         [--tiles auto|default] [--json] [--save] [--node]
       npm run bench -- train --help   (the training benchmark: bench/train-args.ts)
       npm run bench -- app --help     (training speed with the app's views open or closed: bench/app-views.ts)`;

/** SwiftShader runs WGSL at ~0.1-0.3 GFLOP/s: the default run uses this batch there so it ends in minutes. */
export const SWIFTSHADER_DEFAULT_BATCH = 8;
export const GPU_DEFAULT_BATCHES = [64, 256];

/** What runs the layers: page.evaluate into bench/kernels.ts, or kernel-bench.ts in Node. */
export interface BenchDriver {
  /** Implementations this driver can run (Node has no TensorFlow.js). */
  readonly impls: readonly Impl[];
  adapter(withTfjs: boolean): Promise<BenchAdapter>;
  listLayers(options: KernelBenchOptions): Promise<LayerKey[]>;
  runLayer(options: KernelBenchOptions, key: LayerKey): Promise<BenchRow[]>;
  close(): Promise<void>;
}

export interface BenchArgs {
  options: Omit<KernelBenchOptions, 'batch'>;
  batches?: number[];
  json: boolean;
  save: boolean;
  node: boolean;
  argv: string[];
}

/** A comma-separated flag value as trimmed, non-empty items; undefined when the flag is absent. */
export const commaList = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Throws an Error with the usage on anything it does not understand. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      batch: { type: 'string' },
      net: { type: 'string' },
      op: { type: 'string' },
      impl: { type: 'string' },
      iterations: { type: 'string' },
      samples: { type: 'string' },
      'cpu-max-gflop': { type: 'string' },
      tiles: { type: 'string', default: 'auto' },
      json: { type: 'boolean', default: false },
      save: { type: 'boolean', default: false },
      node: { type: 'boolean', default: false },
    },
  });
  if ((positionals[0] ?? 'kernels') !== 'kernels' || positionals.length > 1) {
    throw new Error(`unknown benchmark '${positionals.join(' ')}'\n${USAGE}`);
  }
  const nets = (commaList(values.net) ?? [...NET_NAMES]) as NetName[];
  const impls = (commaList(values.impl) ?? [...IMPLS]) as Impl[];
  const tiles = values.tiles as TilesChoice;
  const unknown = [
    ...nets.filter((n) => !NET_NAMES.includes(n)),
    ...impls.filter((i) => !IMPLS.includes(i)),
    ...(TILES_CHOICES.includes(tiles) ? [] : [`--tiles ${tiles}`]),
  ];
  const batches = commaList(values.batch)?.map(Number);
  const counts = [values.iterations, values.samples].filter((v) => v !== undefined).map(Number);
  const maxGflop = Number(values['cpu-max-gflop'] ?? 0.5);
  if (
    unknown.length > 0 ||
    batches?.some((b) => !Number.isInteger(b) || b < 1) ||
    counts.some((n) => !Number.isInteger(n) || n < 1) ||
    !(maxGflop > 0)
  ) {
    throw new Error(`bad option value(s)${unknown.length ? ': ' + unknown.join(', ') : ''}\n${USAGE}`);
  }
  const options = {
    nets,
    impls,
    ops: commaList(values.op),
    iterations: values.iterations ? Number(values.iterations) : undefined,
    samples: values.samples ? Number(values.samples) : undefined,
    cpuMaxFlops: maxGflop * 1e9,
    tiles,
  };
  return { options, batches, json: values.json, save: values.save, node: values.node, argv };
}

/** Which code was measured: the commit, and whether the tree had changes (null without git). */
export function sourceVersion(): string | null {
  try {
    const run = (command: string) =>
      execSync(command, { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    const changed = run('git status --porcelain').length > 0;
    return `git ${run('git rev-parse --short HEAD')}${changed ? ' + uncommitted changes' : ''}`;
  } catch {
    return null;
  }
}

function header(adapter: BenchAdapter, batches: number[], args: BenchArgs): string[] {
  const cpu = os.cpus();
  const batchLine =
    args.batches === undefined && isSwiftShader(adapter.summary)
      ? `batch ${batches.join(', ')} (SwiftShader default instead of ${GPU_DEFAULT_BATCHES.join(', ')}, so the run ends in minutes; --batch chooses)`
      : `batch ${batches.join(', ')}`;
  return [
    `adapter: ${adapter.description}`,
    `runtime: ${adapter.runtime}; GPU time also from timestamp queries: ${adapter.timestamps ? 'yes' : 'no'}`,
    `our kernel tiles: ${tuningFor(adapter.summary, args.options.tiles).label}`,
    `host: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores; Node ${process.version}; load average ${os.loadavg()[0].toFixed(1)} at start`,
    ...(adapter.tfjs ? [`tfjs: ${adapter.tfjs}`] : []),
    `command: npm run bench -- ${args.argv.join(' ')}`.trimEnd(),
    `source: ${sourceVersion() ?? 'unknown (no git)'}`,
    batchLine,
  ];
}

/** Names what a run narrower than the default covered, for its result file: 'convnet-b64'. */
export function runSuffix(args: BenchArgs): string {
  const parts: string[] = [];
  if (args.options.nets.length < NET_NAMES.length) parts.push(args.options.nets.join('-'));
  if (args.options.ops) parts.push(args.options.ops.join('-'));
  if (args.batches) parts.push(`b${args.batches.join('-')}`);
  if (args.node) parts.push('node');
  return parts.join('-');
}

/** Runs the benchmark through `driver`; returns the exit code (1 when a result was wrong or failed). */
export async function runBenchCli(driver: BenchDriver, args: BenchArgs): Promise<number> {
  const impls = args.options.impls.filter((impl) => driver.impls.includes(impl));
  const adapter = await driver.adapter(impls.includes('tfjs-webgpu'));
  const batches =
    args.batches ?? (isSwiftShader(adapter.summary) ? [SWIFTSHADER_DEFAULT_BATCH] : GPU_DEFAULT_BATCHES);
  const head = header(adapter, batches, args);
  for (const line of head) console.error(line);
  const rows: BenchRow[] = [];
  for (const batch of batches) {
    const options: KernelBenchOptions = { ...args.options, impls, batch };
    const layers = await driver.listLayers(options);
    for (const [i, key] of layers.entries()) {
      const start = performance.now();
      const got = await driver.runLayer(options, key);
      const seconds = ((performance.now() - start) / 1000).toFixed(1);
      console.error(
        `[${i + 1}/${layers.length}] batch ${batch} ${key.net} ${key.layer} (${key.op}): ${seconds} s`,
      );
      if (args.json) for (const row of got) console.log(JSON.stringify(row));
      rows.push(...got);
    }
  }
  head.push(
    `load average ${os.loadavg()[0].toFixed(1)} at end (above ~1 on 2 cores: other work shared them)`,
  );
  const table = formatTable(rows);
  if (!args.json) console.log(`\n${head.join('\n')}\n\n${table}`);
  if (args.save) {
    for (const file of saveResults(adapter, head, table, rows, runSuffix(args)))
      console.error(`wrote ${file}`);
  }
  const bad = rows.filter((r) => !r.ok && !r.note.startsWith('no '));
  if (bad.length === 0) return 0;
  console.error(
    `${bad.length} row(s) wrong or failed: ${bad.map((r) => `${r.net} ${r.layer} ${r.pass} ${r.impl}`).join(', ')}`,
  );
  return 1;
}
