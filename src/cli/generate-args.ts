// Command-line arguments of `npm run generate`: parsing and checking, pure (no file, data or GPU
// access), so a bad argument is reported before anything loads. Settings left out come from
// GENERATE_RECIPE, then DEFAULT_CVAE_CONFIG (src/generator/cvae-spec.ts). Not the run itself (generate.ts).

import { parseArgs } from 'node:util';
import { choice, UsageError } from './cli-kit.ts';
import { DATASET_NAMES, type DatasetName } from '../data/dataset.ts';
import { DEFAULT_CLASSIFIER_PATH } from '../generator/agreement.ts';
import { CVAE_MAX_LATENT, DEFAULT_CVAE_CONFIG } from '../generator/cvae-spec.ts';

export const GENERATE_BACKENDS = ['cpu', 'gpu'] as const;
/**
 * The CLI's defaults where a flag is left out: the model's (DEFAULT_CVAE_CONFIG: latent 2, Adam lr
 * 0.003, measured in docs/generator.md) trained for 3 epochs, after which the lenet5 names 96.5% of
 * the samples as their label.
 */
export const GENERATE_RECIPE = Object.freeze({
  latent: DEFAULT_CVAE_CONFIG.latent,
  learningRate: DEFAULT_CVAE_CONFIG.learningRate,
  epochs: 3,
});

export interface GenerateArgs {
  dataset: DatasetName;
  backend: (typeof GENERATE_BACKENDS)[number];
  /** Whole epochs (ignored when `steps` is set). */
  epochs: number;
  /** Stop after this many steps (null: run whole epochs). */
  steps: number | null;
  latent: number;
  batch: number;
  learningRate: number;
  /** Seeds the init, the shuffles and the eps stream. */
  seed: number;
  /** Samples per class in the grid (and in the classifier check). */
  samples: number;
  /** Seeds the grid's z ~ N(0, I). */
  sampleSeed: number;
  /** Measure the classifier agreement every N steps during training (null: only at the end). */
  checkEvery: number | null;
  /** A .convscope checkpoint or a model fixture .f32 (with its .json) of a classifier. */
  classifier: string;
  /** null: out/cvae-<dataset>-<backend>. */
  out: string | null;
  json: boolean;
  help: boolean;
}

export const GENERATE_USAGE = `Usage: npm run generate -- [options]
  Trains the conditional generator (a CVAE, docs/generator.md), draws a grid of samples (a row per
  class) and reports how often a trained classifier names each sample's label.
  --dataset NAME        ${DATASET_NAMES.join(' | ')} (default mnist)
  --backend NAME        ${GENERATE_BACKENDS.join(' | ')} (default cpu)
  --epochs E            whole epochs to train (default ${GENERATE_RECIPE.epochs})
  --steps N             train N steps instead of whole epochs
  --latent Z            latent size, 1..${CVAE_MAX_LATENT} (default ${GENERATE_RECIPE.latent})
  --batch B             batch size (default ${DEFAULT_CVAE_CONFIG.batch})
  --lr X                Adam learning rate (default ${GENERATE_RECIPE.learningRate})
  --seed S              seeds the initial parameters, the shuffles and the latent noise (default 0)
  --samples N           samples per class in samples.png and the classifier check (default 20)
  --sample-seed S       seeds the samples' latents (default 1)
  --check-every N       also measure the classifier agreement every N steps (curve in summary.json)
  --classifier FILE     .convscope checkpoint or .f32 model fixture (default ${DEFAULT_CLASSIFIER_PATH})
  --out DIR             output folder (default out/cvae-<dataset>-<backend>)
  --json                print one JSON summary as the last line of stdout
  --help                show this text`;

const STRING_FLAGS = [
  'dataset',
  'backend',
  'epochs',
  'steps',
  'latent',
  'batch',
  'lr',
  'seed',
  'samples',
  'sample-seed',
  'check-every',
  'classifier',
  'out',
];

function whole(flag: string, value: string | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(parsed) || parsed < min || parsed > max)
    throw new UsageError(`--${flag}: expected a whole number in [${min}, ${max}], got "${value}"`);
  return parsed;
}

function positiveNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0)
    throw new UsageError(`--${flag}: expected a number > 0, got "${value}"`);
  return parsed;
}

/** Parses `argv` (without node and the script); throws UsageError naming the flag. */
export function parseGenerateArgs(argv: readonly string[]): GenerateArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(STRING_FLAGS.map((flag) => [flag, { type: 'string' as const }]));
    values = parseArgs({
      args: [...argv],
      options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean' } },
      strict: true,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = (flag: string) => values[flag] as string | undefined;
  if (text('epochs') !== undefined && text('steps') !== undefined)
    throw new UsageError('--epochs and --steps: give one of them, not both');
  const big = Number.MAX_SAFE_INTEGER;
  return {
    dataset: choice('dataset', text('dataset'), DATASET_NAMES, 'mnist'),
    backend: choice('backend', text('backend'), GENERATE_BACKENDS, 'cpu'),
    epochs: whole('epochs', text('epochs'), 1, 1000, GENERATE_RECIPE.epochs),
    steps: text('steps') === undefined ? null : whole('steps', text('steps'), 1, big, 0),
    latent: whole('latent', text('latent'), 1, CVAE_MAX_LATENT, GENERATE_RECIPE.latent),
    batch: whole('batch', text('batch'), 1, 60000, DEFAULT_CVAE_CONFIG.batch),
    learningRate: positiveNumber('lr', text('lr'), GENERATE_RECIPE.learningRate),
    seed: whole('seed', text('seed'), 0, 0xffffffff, DEFAULT_CVAE_CONFIG.seed),
    samples: whole('samples', text('samples'), 1, 100, 20),
    sampleSeed: whole('sample-seed', text('sample-seed'), 0, 0xffffffff, 1),
    checkEvery:
      text('check-every') === undefined ? null : whole('check-every', text('check-every'), 1, big, 0),
    classifier: text('classifier') ?? DEFAULT_CLASSIFIER_PATH,
    out: text('out') ?? null,
    json: values.json === true,
    help: values.help === true,
  };
}

export function generateOutputDir(args: GenerateArgs): string {
  return args.out ?? `out/cvae-${args.dataset}-${args.backend}`;
}
