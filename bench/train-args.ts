// Options of `npm run bench -- train`: parsed and checked before anything starts. Pure, unit-tested.

import { parseArgs } from 'node:util';
import { NET_NAMES, type NetName } from './cases.ts';
import { commaList } from './cli.ts';
import {
  TRAIN_DEFAULTS,
  TRAIN_ENVS,
  TRAIN_IMPLS,
  type TrainEnvName,
  type TrainImpl,
  type TrainOptimizer,
} from './train-api.ts';

const D = TRAIN_DEFAULTS;
export const TRAIN_USAGE = `usage: npm run bench -- train [--nets seed,lenet5,convnet] [--batches ${D.batches.join(',')}]
         [--envs chromium,node] [--impls ${TRAIN_IMPLS.join(',')}] [--steps ${D.steps}] [--repeats ${D.repeats}]
         [--warmup ${D.warmup}] [--cell-seconds ${D.cellSeconds}] [--max-step-seconds ${D.maxStepSeconds}]
         [--optimizer sgd|adam] [--seed 1] [--json] [--save]`;

export interface TrainBenchArgs {
  nets: NetName[];
  batches: number[];
  envs: TrainEnvName[];
  impls: TrainImpl[];
  steps: number;
  repeats: number;
  warmup: number;
  cellSeconds: number;
  maxStepSeconds: number;
  optimizer: TrainOptimizer;
  seed: number;
  json: boolean;
  save: boolean;
  argv: string[];
}

function choices<T extends string>(what: string, value: string | undefined, allowed: readonly T[]): T[] {
  const got = commaList(value) ?? [...allowed];
  const unknown = got.filter((g) => !allowed.includes(g as T));
  if (unknown.length > 0 || got.length === 0) {
    throw new Error(
      `--${what}: unknown ${unknown.join(', ') || '(empty)'}; choose from ${allowed.join(', ')}`,
    );
  }
  return got as T[];
}

function count(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be a whole number >= ${min}, got '${value}'`);
  return n;
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`--${name} must be a number > 0, got '${value}'`);
  return n;
}

/** argv after `npm run bench --` (starting with 'train'); throws an Error that ends with the usage. */
export function parseTrainArgs(argv: string[]): TrainBenchArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        nets: { type: 'string' },
        batches: { type: 'string' },
        envs: { type: 'string' },
        impls: { type: 'string' },
        steps: { type: 'string' },
        repeats: { type: 'string' },
        warmup: { type: 'string' },
        'cell-seconds': { type: 'string' },
        'max-step-seconds': { type: 'string' },
        optimizer: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean', default: false },
        save: { type: 'boolean', default: false },
      },
    });
    if (positionals[0] !== 'train' || positionals.length > 1) {
      throw new Error(`expected 'train' and options, got '${positionals.join(' ')}'`);
    }
    const batches = commaList(values.batches)?.map((b) => count('batches', b, 0)) ?? [
      ...TRAIN_DEFAULTS.batches,
    ];
    const optimizer = values.optimizer ?? 'sgd';
    if (optimizer !== 'sgd' && optimizer !== 'adam')
      throw new Error(`--optimizer: sgd or adam, got '${optimizer}'`);
    return {
      nets: choices('nets', values.nets, NET_NAMES),
      batches: [...new Set(batches)].sort((a, b) => a - b),
      envs: choices('envs', values.envs, TRAIN_ENVS),
      impls: choices('impls', values.impls, TRAIN_IMPLS),
      steps: count('steps', values.steps, TRAIN_DEFAULTS.steps),
      repeats: count('repeats', values.repeats, TRAIN_DEFAULTS.repeats),
      warmup: count('warmup', values.warmup, TRAIN_DEFAULTS.warmup),
      cellSeconds: positive('cell-seconds', values['cell-seconds'], TRAIN_DEFAULTS.cellSeconds),
      maxStepSeconds: positive('max-step-seconds', values['max-step-seconds'], TRAIN_DEFAULTS.maxStepSeconds),
      optimizer,
      seed: count('seed', values.seed, 1, 0),
      json: values.json,
      save: values.save,
      argv,
    };
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : error}\n${TRAIN_USAGE}`);
  }
}
