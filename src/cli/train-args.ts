// Command-line arguments of `npm run train`: parsing and checking, pure (no file, data or GPU
// access), so a bad argument is reported before anything is loaded. Not the training itself (train.ts).

import { parseArgs } from 'node:util';
import { DATASET_NAMES, type DatasetName } from '../data/dataset.ts';
import { PRESET_NAMES, type PresetName } from '../model/presets.ts';

export const BACKEND_NAMES = ['gpu', 'cpu'] as const;
export const OPTIMIZER_NAMES = ['sgd', 'adam'] as const;

export interface TrainArgs {
  net: PresetName;
  dataset: DatasetName;
  backend: (typeof BACKEND_NAMES)[number];
  epochs: number;
  batch: number;
  /** Stop after this many steps (null: run whole epochs). */
  steps: number | null;
  seed: number;
  optimizer: (typeof OPTIMIZER_NAMES)[number];
  /** null: the optimizer's usual default (SGD 0.05, Adam 0.001). */
  learningRate: number | null;
  momentum: number;
  weightDecay: number;
  /** null: out/<net>-<dataset>-<backend>. */
  out: string | null;
  json: boolean;
  /** Evaluate on the first N test images only (null: the full test set). For quick tests. */
  evalLimit: number | null;
  help: boolean;
}

/** A bad command line: the CLI prints the message and the usage, and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: npm run train -- [options]
  --net NAME            ${PRESET_NAMES.join(' | ')} (default lenet5)
  --dataset NAME        ${DATASET_NAMES.join(' | ')} (default mnist)
  --backend NAME        ${BACKEND_NAMES.join(' | ')} (default gpu)
  --epochs N            whole epochs to train (default 1)
  --steps N             stop after N steps instead (the test set is still evaluated in full)
  --batch N             batch size (default 64)
  --seed S              seeds the initial parameters and the shuffles (default 0)
  --optimizer NAME      ${OPTIMIZER_NAMES.join(' | ')} (default sgd)
  --lr X                learning rate (default 0.05 for sgd, 0.001 for adam)
  --momentum M          SGD momentum (default 0.9)
  --weight-decay W      L2 weight decay (default 0)
  --out DIR             where to write the checkpoint and images (default out/<net>-<dataset>-<backend>)
  --eval-limit N        evaluate on the first N test images only (default: all)
  --json                print one JSON summary as the last line of stdout
  --help                show this text`;

const STRING_FLAGS = [
  'net',
  'dataset',
  'backend',
  'epochs',
  'steps',
  'batch',
  'seed',
  'optimizer',
  'lr',
  'momentum',
  'weight-decay',
  'out',
  'eval-limit',
] as const;

function choice<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag}: unknown value "${value}"; accepted values: ${allowed.join(', ')}`);
}

function number(
  flag: string,
  value: string | undefined,
  kind: 'count' | 'integer' | 'real' | 'positive',
): number | null {
  if (value === undefined) return null;
  const parsed = value.trim() === '' ? NaN : Number(value);
  const wanted = {
    count: 'a whole number >= 1',
    integer: 'a whole number >= 0',
    real: 'a finite number >= 0',
    positive: 'a finite number > 0',
  }[kind];
  const ok =
    Number.isFinite(parsed) &&
    (kind === 'positive' ? parsed > 0 : parsed >= (kind === 'count' ? 1 : 0)) &&
    (kind === 'real' || kind === 'positive' || Number.isSafeInteger(parsed));
  if (!ok) throw new UsageError(`--${flag}: expected ${wanted}, got "${value}"`);
  return parsed;
}

/** Parses `argv` (without node and the script). Throws UsageError naming the flag and what it accepts. */
export function parseTrainArgs(argv: readonly string[]): TrainArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(STRING_FLAGS.map((flag) => [flag, { type: 'string' as const }]));
    const parsed = parseArgs({
      args: [...argv],
      options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    });
    values = parsed.values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = (flag: string) => values[flag] as string | undefined;
  return {
    net: choice('net', text('net'), PRESET_NAMES, 'lenet5'),
    dataset: choice('dataset', text('dataset'), DATASET_NAMES, 'mnist'),
    backend: choice('backend', text('backend'), BACKEND_NAMES, 'gpu'),
    epochs: number('epochs', text('epochs'), 'count') ?? 1,
    batch: number('batch', text('batch'), 'count') ?? 64,
    steps: number('steps', text('steps'), 'count'),
    seed: number('seed', text('seed'), 'integer') ?? 0,
    optimizer: choice('optimizer', text('optimizer'), OPTIMIZER_NAMES, 'sgd'),
    learningRate: number('lr', text('lr'), 'positive'),
    momentum: number('momentum', text('momentum'), 'real') ?? 0.9,
    weightDecay: number('weight-decay', text('weight-decay'), 'real') ?? 0,
    out: text('out') ?? null,
    json: values.json === true,
    evalLimit: number('eval-limit', text('eval-limit'), 'integer'),
    help: values.help === true,
  };
}

/** The output folder the run writes to. */
export function outputDir(args: TrainArgs): string {
  return args.out ?? `out/${args.net}-${args.dataset}-${args.backend}`;
}
