// The whole run configuration as a URL query, so a run can be shared and reproduced:
//   ?ds=mnist&net=lenet5&opt=sgd&lr=0.05&mom=0.9&l2=0&batch=64&seed=1&backend=gpu
// `net` uses the spec codec (spec-codec.ts). Reading never throws: each bad or unknown parameter
// becomes a problem that names it and what was used instead, so a broken link still opens.
// Pure (strings in, strings out); the session applies it and writes it back with replaceState.

import { DATASET_NAMES, type DatasetName } from '../data/dataset.ts';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../model/backend.ts';
import { preset } from '../model/presets.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { validateNetwork } from '../model/validate.ts';
import { decodeSpec, encodeSpec } from './spec-codec.ts';

export type BackendKind = 'gpu' | 'cpu';

export interface RunConfig {
  dataset: DatasetName;
  spec: NetworkSpec;
  optimizer: OptimizerSettings;
  batch: number;
  seed: number;
  backend: BackendKind;
}

export const DEFAULT_CONFIG: Readonly<RunConfig> = {
  dataset: 'mnist',
  spec: preset('lenet5'),
  optimizer: { ...DEFAULT_OPTIMIZER },
  batch: 64,
  seed: 1,
  backend: 'gpu',
};

export function defaultConfig(): RunConfig {
  return structuredClone(DEFAULT_CONFIG) as RunConfig;
}

/** Short dataset names in URLs. */
const DATASET_PARAM: Readonly<Record<DatasetName, string>> = { mnist: 'mnist', 'fashion-mnist': 'fashion' };

/** Parameter names, in the order they are written. */
export const URL_PARAMS = [
  'ds',
  'net',
  'opt',
  'lr',
  'mom',
  'b1',
  'b2',
  'eps',
  'l2',
  'batch',
  'seed',
  'backend',
];

export interface ParsedUrl {
  config: RunConfig;
  /** One line per parameter that was ignored, saying why and what was used instead. */
  problems: string[];
  /** A `net` that decoded but is not a valid network: the editor can show its errors beside its layers. */
  rejectedSpec: NetworkSpec | null;
  /** The parameters the link set (and were used), e.g. to tell a chosen backend from the default. */
  given: string[];
}

/** The query string (without '?') for `config`; Adam's betas and epsilon only when not the defaults. */
export function configToQuery(config: RunConfig): string {
  const o = config.optimizer;
  const entries: [string, string][] = [
    ['ds', DATASET_PARAM[config.dataset]],
    ['net', encodeSpec(config.spec)],
    ['opt', o.kind],
    ['lr', String(o.learningRate)],
  ];
  if (o.kind === 'sgd') entries.push(['mom', String(o.momentum)]);
  if (o.kind === 'adam') {
    if (o.beta1 !== DEFAULT_OPTIMIZER.beta1) entries.push(['b1', String(o.beta1)]);
    if (o.beta2 !== DEFAULT_OPTIMIZER.beta2) entries.push(['b2', String(o.beta2)]);
    if (o.epsilon !== DEFAULT_OPTIMIZER.epsilon) entries.push(['eps', String(o.epsilon)]);
  }
  entries.push(['l2', String(o.weightDecay)], ['batch', String(config.batch)]);
  entries.push(['seed', String(config.seed)], ['backend', config.backend]);
  return entries.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
}

type NumberRule = {
  min: number;
  max: number;
  integer?: boolean;
  minExclusive?: boolean;
  maxExclusive?: boolean;
};

const NUMBER_RULES: Readonly<Record<string, NumberRule & { what: string }>> = {
  lr: { what: 'the learning rate', min: 0, max: 10, minExclusive: true },
  mom: { what: 'the momentum', min: 0, max: 1, maxExclusive: true },
  b1: { what: "Adam's beta1", min: 0, max: 1, maxExclusive: true },
  b2: { what: "Adam's beta2", min: 0, max: 1, maxExclusive: true },
  eps: { what: "Adam's epsilon", min: 0, max: 1, minExclusive: true },
  l2: { what: 'the L2 weight decay', min: 0, max: 1 },
  batch: { what: 'the batch size', min: 1, max: 4096, integer: true },
  seed: { what: 'the seed', min: 0, max: 2 ** 31 - 1, integer: true },
};

function describeRule(rule: NumberRule): string {
  const low = `${rule.minExclusive ? '>' : '>='} ${rule.min}`;
  const high = `${rule.maxExclusive ? '<' : '<='} ${rule.max}`;
  return `${rule.integer ? 'a whole number' : 'a number'} ${low} and ${high}`;
}

/** The value of a numeric parameter, or an explanation of why it is not usable. */
export function parseNumberParam(key: string, text: string): number | string {
  const rule = NUMBER_RULES[key];
  const value = text.trim() === '' ? NaN : Number(text);
  const ok =
    Number.isFinite(value) &&
    (rule.minExclusive ? value > rule.min : value >= rule.min) &&
    (rule.maxExclusive ? value < rule.max : value <= rule.max) &&
    (!rule.integer || Number.isInteger(value));
  return ok ? value : `${rule.what} must be ${describeRule(rule)}`;
}

/** Reads a query string ("?ds=..." or "ds=..."); anything missing or unusable keeps the default. */
export function configFromQuery(query: string, defaults: RunConfig = defaultConfig()): ParsedUrl {
  const config = structuredClone(defaults);
  const problems: string[] = [];
  let rejectedSpec: NetworkSpec | null = null;
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const ignore = (key: string, value: string, why: string, used: string) =>
    problems.push(`${key}=${value} was ignored: ${why}; using ${used}.`);
  const numbers: Record<string, number> = {};
  const given: string[] = [];
  for (const [key, value] of params) {
    const problemsBefore = problems.length;
    if (key === 'ds') {
      const name = (Object.keys(DATASET_PARAM) as DatasetName[]).find((d) => DATASET_PARAM[d] === value);
      if (name) config.dataset = name;
      else
        ignore(
          key,
          value,
          `the datasets are ${DATASET_NAMES.map((d) => DATASET_PARAM[d]).join(', ')}`,
          DATASET_PARAM[config.dataset],
        );
    } else if (key === 'net') {
      try {
        const spec = decodeSpec(value);
        const invalid = validateNetwork(spec);
        if (invalid.length === 0) config.spec = spec;
        else {
          rejectedSpec = spec;
          ignore(key, value, invalid.map((p) => p.message).join('; '), encodeSpec(config.spec));
        }
      } catch (error) {
        ignore(key, value, (error as Error).message, encodeSpec(config.spec));
      }
    } else if (key === 'opt') {
      if (value === 'sgd' || value === 'adam') config.optimizer.kind = value;
      else ignore(key, value, 'the optimizers are sgd and adam', config.optimizer.kind);
    } else if (key === 'backend') {
      if (value === 'gpu' || value === 'cpu') config.backend = value;
      else ignore(key, value, 'the backends are gpu and cpu', config.backend);
    } else if (key in NUMBER_RULES) {
      const parsed = parseNumberParam(key, value);
      if (typeof parsed === 'number') numbers[key] = parsed;
      else ignore(key, value, parsed, String(defaultNumber(config, key)));
    } else {
      problems.push(`${key}=${value} was ignored: convscope knows ${URL_PARAMS.join(', ')}.`);
    }
    if (problems.length === problemsBefore) given.push(key);
  }
  applyNumbers(config, numbers);
  return { config, problems, rejectedSpec, given };
}

function defaultNumber(config: RunConfig, key: string): number {
  const o = config.optimizer;
  const table: Record<string, number> = {
    lr: o.learningRate,
    mom: o.momentum,
    b1: o.beta1,
    b2: o.beta2,
    eps: o.epsilon,
    l2: o.weightDecay,
    batch: config.batch,
    seed: config.seed,
  };
  return table[key];
}

function applyNumbers(config: RunConfig, n: Record<string, number>): void {
  const o = config.optimizer;
  if (n.lr !== undefined) o.learningRate = n.lr;
  if (n.mom !== undefined) o.momentum = n.mom;
  if (n.b1 !== undefined) o.beta1 = n.b1;
  if (n.b2 !== undefined) o.beta2 = n.b2;
  if (n.eps !== undefined) o.epsilon = n.eps;
  if (n.l2 !== undefined) o.weightDecay = n.l2;
  if (n.batch !== undefined) config.batch = n.batch;
  if (n.seed !== undefined) config.seed = n.seed;
}
