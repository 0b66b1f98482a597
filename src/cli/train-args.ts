// Command-line arguments of `npm run train`: parsing and checking, pure (no file, data or GPU
// access), so a bad argument is reported before anything is loaded. Every training setting a flag
// leaves out comes from the network's recipe (src/model/recipes.ts). Not the training itself (train.ts).

import { parseArgs } from 'node:util';
import { choice, UsageError } from './cli-kit.ts';
import { DATASET_NAMES, type DatasetName } from '../data/dataset.ts';
import { PRESET_NAMES, type PresetName } from '../model/presets.ts';
import { DEFAULT_LEARNING_RATES, recipe } from '../model/recipes.ts';
import { SCHEDULE_KINDS, type ScheduleKind } from '../model/schedule.ts';

export { UsageError } from './cli-kit.ts';

export const BACKEND_NAMES = ['gpu', 'cpu'] as const;
export const OPTIMIZER_NAMES = ['sgd', 'adam'] as const;

export interface TrainArgs {
  net: PresetName;
  dataset: DatasetName;
  backend: (typeof BACKEND_NAMES)[number];
  /** Default: the recipe's. */
  epochs: number;
  /** Default: the recipe's. */
  batch: number;
  /** Stop after this many steps (null: run whole epochs). */
  steps: number | null;
  seed: number;
  /** Default: the recipe's. */
  optimizer: (typeof OPTIMIZER_NAMES)[number];
  /** Base (peak) rate. Default: the recipe's, or with another optimizer its usual rate (SGD 0.05, Adam 0.001). */
  learningRate: number;
  /** Default: the recipe's. */
  momentum: number;
  /** Default: the recipe's. */
  weightDecay: number;
  /** Learning-rate schedule over the run. Default: the recipe's. */
  schedule: ScheduleKind;
  /** Linear warm-up steps. Default: the recipe's; 0 with `--schedule constant`. */
  warmup: number;
  /** null: out/<net>-<dataset>-<backend>. */
  out: string | null;
  json: boolean;
  /** Evaluate on the first N test images only (null: the full test set). For quick tests. */
  evalLimit: number | null;
  /** GPU only: destroy the device once after this step, to rehearse the recovery (null: never). */
  loseDeviceAt: number | null;
  help: boolean;
}

export const USAGE = `Usage: npm run train -- [options]
  --net NAME            ${PRESET_NAMES.join(' | ')} (default lenet5)
  --dataset NAME        ${DATASET_NAMES.join(' | ')} (default mnist)
  --backend NAME        ${BACKEND_NAMES.join(' | ')} (default gpu)
  --epochs N            whole epochs to train
  --steps N             stop after N steps instead (the test set is still evaluated in full)
  --batch N             batch size
  --seed S              seeds the initial parameters and the shuffles (default 0)
  --optimizer NAME      ${OPTIMIZER_NAMES.join(' | ')}
  --lr X                base (peak) learning rate (another optimizer than the recipe's: 0.05 sgd, 0.001 adam)
  --momentum M          SGD momentum
  --weight-decay W      L2 weight decay
  --schedule NAME       ${SCHEDULE_KINDS.join(' | ')}: learning rate over the run (decays reach 0 at its end)
  --warmup N            steps of linear learning-rate warm-up (0 with --schedule constant)
  --out DIR             where to write the checkpoint and images (default out/<net>-<dataset>-<backend>)
  --eval-limit N        evaluate on the first N test images only (default: all)
  --lose-device-at N    gpu: destroy the device once after step N, to rehearse recovering from a lost device
  --json                print one JSON summary as the last line of stdout
  --help                show this text
Training settings left out come from the network's recipe (src/model/recipes.ts):
${recipeLines()}`;

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
  'schedule',
  'warmup',
  'lose-device-at',
] as const;

function recipeLines(): string {
  return PRESET_NAMES.map((name) => {
    const r = recipe(name);
    const o = r.optimizer;
    const optimizer =
      o.kind === 'sgd' ? `sgd lr ${o.learningRate} momentum ${o.momentum}` : `adam lr ${o.learningRate}`;
    const decay = o.weightDecay > 0 ? ` weight decay ${o.weightDecay}` : '';
    const warmup = r.warmupSteps > 0 ? ` (warm-up ${r.warmupSteps})` : '';
    return `    ${name.padEnd(8)} ${optimizer}${decay}, batch ${r.batch}, ${r.schedule}${warmup}, ${r.epochs} epoch(s)`;
  }).join('\n');
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
  const net = choice('net', text('net'), PRESET_NAMES, 'lenet5');
  const r = recipe(net);
  const optimizer = choice('optimizer', text('optimizer'), OPTIMIZER_NAMES, r.optimizer.kind);
  const rate = optimizer === r.optimizer.kind ? r.optimizer.learningRate : DEFAULT_LEARNING_RATES[optimizer];
  const schedule = choice('schedule', text('schedule'), SCHEDULE_KINDS, r.schedule);
  const backend = choice('backend', text('backend'), BACKEND_NAMES, 'gpu');
  const loseDeviceAt = number('lose-device-at', text('lose-device-at'), 'count');
  if (loseDeviceAt !== null && backend !== 'gpu') {
    throw new UsageError('--lose-device-at: only the gpu backend has a device to lose; add --backend gpu');
  }
  return {
    net,
    dataset: choice('dataset', text('dataset'), DATASET_NAMES, 'mnist'),
    backend,
    epochs: number('epochs', text('epochs'), 'count') ?? r.epochs,
    batch: number('batch', text('batch'), 'count') ?? r.batch,
    steps: number('steps', text('steps'), 'count'),
    seed: number('seed', text('seed'), 'integer') ?? 0,
    optimizer,
    learningRate: number('lr', text('lr'), 'positive') ?? rate,
    momentum: number('momentum', text('momentum'), 'real') ?? r.optimizer.momentum,
    weightDecay: number('weight-decay', text('weight-decay'), 'real') ?? r.optimizer.weightDecay,
    schedule,
    // `--schedule constant` asks for the plain fixed rate: no warm-up unless --warmup says so.
    warmup:
      number('warmup', text('warmup'), 'integer') ?? (text('schedule') === 'constant' ? 0 : r.warmupSteps),
    out: text('out') ?? null,
    json: values.json === true,
    evalLimit: number('eval-limit', text('eval-limit'), 'integer'),
    loseDeviceAt,
    help: values.help === true,
  };
}

/** The output folder the run writes to. */
export function outputDir(args: TrainArgs): string {
  return args.out ?? `out/${args.net}-${args.dataset}-${args.backend}`;
}
