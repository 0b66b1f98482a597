// Command-line arguments of `npm run dream`: parsing and checking, pure (no file, data or GPU
// access), so a bad argument is reported before anything loads. Not the run itself (dream.ts).

import { parseArgs } from 'node:util';
import { choice, UsageError } from './cli-kit.ts';
import { DATASET_NAMES, type DatasetName } from '../data/dataset.ts';
import { DEFAULT_DREAM, type DreamOptions, type DreamStart } from '../model/dream.ts';

export interface DreamArgs {
  checkpoint: string;
  backend: 'gpu' | 'cpu';
  dataset: DatasetName;
  steps: number;
  objective: DreamOptions['objective'];
  start: DreamStart;
  seed: number;
  /** Test images whose saliency maps are drawn (0: none). */
  saliency: number;
  /** null: the checkpoint's folder. */
  out: string | null;
  help: boolean;
}

export const DREAM_USAGE = `Usage: npm run dream -- --checkpoint FILE [options]
  Draws what a trained network thinks each class looks like (gradient ascent on the input) and
  saliency maps of test images, as PNGs beside the checkpoint (or in --out).
  --checkpoint FILE     a .convscope checkpoint (npm run train writes one)
  --backend NAME        gpu | cpu (default gpu)
  --dataset NAME        ${DATASET_NAMES.join(' | ')}: where the saliency images come from (default mnist)
  --steps N             ascent steps (default ${DEFAULT_DREAM.steps})
  --objective NAME      logprob | logit: ascend the class log-probability or its logit (default logprob)
  --start NAME          grey | noise (default ${DEFAULT_DREAM.start})
  --seed S              seeds the noise and the jitter (default 0)
  --saliency N          saliency maps of the first N test images (default 4, 0 for none)
  --out DIR             output folder (default: the checkpoint's)
  --help                show this text`;

function whole(flag: string, value: string | undefined, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(parsed) || parsed < min)
    throw new UsageError(`--${flag}: expected a whole number >= ${min}, got "${value}"`);
  return parsed;
}

/** Parses `argv` (without node and the script); throws UsageError naming the flag. */
export function parseDreamArgs(argv: readonly string[]): DreamArgs {
  const flags = [
    'checkpoint',
    'backend',
    'dataset',
    'steps',
    'objective',
    'start',
    'seed',
    'saliency',
    'out',
  ];
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(flags.map((flag) => [flag, { type: 'string' as const }]));
    values = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean' } },
      strict: true,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = (flag: string) => values[flag] as string | undefined;
  const help = values.help === true;
  const checkpoint = text('checkpoint');
  if (!checkpoint && !help)
    throw new UsageError('--checkpoint: give the .convscope file of a trained network');
  const objective = choice('objective', text('objective'), ['logprob', 'logit'], 'logprob');
  return {
    checkpoint: checkpoint ?? '',
    backend: choice('backend', text('backend'), ['gpu', 'cpu'], 'gpu'),
    dataset: choice('dataset', text('dataset'), DATASET_NAMES, 'mnist'),
    steps: whole('steps', text('steps'), 1, DEFAULT_DREAM.steps),
    objective: objective === 'logprob' ? 'logProbability' : 'logit',
    start: choice('start', text('start'), ['grey', 'noise'], DEFAULT_DREAM.start),
    seed: whole('seed', text('seed'), 0, 0),
    saliency: whole('saliency', text('saliency'), 0, 4),
    out: text('out') ?? null,
    help,
  };
}
