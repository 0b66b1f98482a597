// The consistency checks a checkpoint must pass before it is written, returned by the decoder or
// restored: a valid spec (parseNetworkSpec), counters and optimizer settings in range, parameters
// and optimizer slots in the spec's flat layout (layout.ts), and, when asked, the same network as
// an expected spec or backend. Only reads its inputs; no bytes (checkpoint.ts) and no backends.

import { DATASET_INFO, DATASET_NAMES, type DatasetName } from '../data/dataset.ts';
import { validateAdam } from '../ops/adam.ts';
import { validateSgd } from '../ops/sgd.ts';
import type { OptimizerSettings } from './backend.ts';
import type { Checkpoint } from './checkpoint.ts';
import { parameterLayout } from './layout.ts';
import { parseNetworkSpec } from './parse.ts';
import type { NetworkDescription } from './shapes.ts';
import { SpecError, type NetworkSpec } from './spec.ts';
import { describeNetwork } from './validate.ts';

/** What is wrong: which check failed (tests and the app branch on it; the message explains). */
export type CheckpointProblem =
  | 'magic'
  | 'version'
  | 'truncated'
  | 'checksum'
  | 'header'
  | 'tensors'
  | 'spec'
  | 'layout'
  | 'counters'
  | 'optimizer'
  | 'dataset'
  | 'mismatch';

/** A checkpoint that cannot be used; the message names the problem and the fix. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
  constructor(
    readonly problem: CheckpointProblem,
    message: string,
  ) {
    super(`checkpoint: ${message}`);
  }
}

/** The network a checkpoint must have been saved for: a spec, or a backend's description. */
export interface CheckpointExpectation {
  spec?: NetworkSpec;
  description?: NetworkDescription;
  /** The dataset of the run it goes into; a checkpoint that names another one is refused. */
  dataset?: DatasetName;
}

/** The recorded dataset must be a known one and, when expected is given, that one. */
function checkDataset(recorded: unknown, expected: DatasetName | undefined): void {
  if (recorded === undefined) return; // saved before datasets were recorded: trust the caller
  if (!(DATASET_NAMES as readonly unknown[]).includes(recorded)) {
    throw new CheckpointError(
      'dataset',
      `it names an unknown dataset ${JSON.stringify(recorded)} (known: ${DATASET_NAMES.join(', ')}); it was edited or is from a newer convscope`,
    );
  }
  if (expected !== undefined && recorded !== expected) {
    const was = DATASET_INFO[recorded as DatasetName].title;
    throw new CheckpointError(
      'mismatch',
      `it was trained on ${was} and this run uses ${DATASET_INFO[expected].title}; switch the dataset to ${was} and open it again`,
    );
  }
}

/**
 * The first difference between the networks of `spec` and `expected` ("layer 3: the checkpoint has
 * conv 3x3 x8, the current network conv 5x5 x8"), or null when they match. Names are ignored.
 */
export function networkMismatch(spec: NetworkSpec, expected: NetworkDescription): string | null {
  const actual = describeNetwork(spec, 1);
  if (actual.input.join('x') !== expected.input.join('x')) {
    return `the checkpoint's input is ${actual.input.join('x')}, the current network's ${expected.input.join('x')}`;
  }
  const count = Math.max(actual.layers.length, expected.layers.length);
  for (let i = 0; i < count; i++) {
    // Labels spell out every field of a layer (defaults left out), so equal labels mean equal layers.
    const have = actual.layers[i]?.label ?? 'no layer';
    const want = expected.layers[i]?.label ?? 'no layer';
    if (have !== want) return `layer ${i + 1}: the checkpoint has ${have}, the current network ${want}`;
  }
  return null;
}

function checkCounters(data: Checkpoint): void {
  const counters = {
    seed: data.seed,
    batch: data.batch,
    epoch: data.epoch,
    stepInEpoch: data.stepInEpoch,
    step: data.step,
    'optimizerState.step': data.optimizerState?.step,
  };
  for (const [name, value] of Object.entries(counters)) {
    const ok = Number.isInteger(value) && (name === 'seed' || value >= (name === 'batch' ? 1 : 0));
    if (!ok) {
      throw new CheckpointError(
        'counters',
        `${name} must be a whole number in range, got ${JSON.stringify(value)}; the file is damaged, save it again`,
      );
    }
  }
}

function checkOptimizer(settings: OptimizerSettings, state: Checkpoint['optimizerState']): void {
  try {
    if (settings?.kind === 'sgd') validateSgd(settings);
    else if (settings?.kind === 'adam') validateAdam({ ...settings, step: 1 });
    else throw new Error(`kind must be 'sgd' or 'adam', got ${JSON.stringify(settings?.kind)}`);
  } catch (error) {
    throw new CheckpointError(
      'optimizer',
      `bad optimizer settings (${(error as Error).message}); save it again`,
    );
  }
  const slots = { sgd: 1, adam: 2 }[state.kind];
  if (!slots || !Array.isArray(state.slots) || state.slots.length !== slots) {
    throw new CheckpointError(
      'optimizer',
      `optimizer state ${JSON.stringify(state.kind)} needs ${slots ?? '?'} slot(s), got ${state.slots?.length}; save it again`,
    );
  }
}

/**
 * Throws CheckpointError unless `data` is a usable checkpoint (and for `expected`'s network, if
 * given); returns a validated deep copy of its spec. Reads `data` only.
 */
export function checkCheckpoint(data: Checkpoint, expected: CheckpointExpectation = {}): NetworkSpec {
  let spec: NetworkSpec;
  try {
    spec = parseNetworkSpec(data.spec);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    throw new CheckpointError(
      'spec',
      `its network spec is invalid: ${error.message}; it was not saved by this convscope, or was edited`,
    );
  }
  checkCounters(data);
  checkDataset(data.dataset, expected.dataset);
  checkOptimizer(data.optimizer, data.optimizerState);
  const length = parameterLayout(describeNetwork(spec, 1)).length;
  const arrays: [string, unknown][] = [
    ['parameters', data.parameters],
    ...data.optimizerState.slots.map((s, i): [string, unknown] => [`optimizer slot ${i}`, s]),
  ];
  for (const [name, array] of arrays) {
    if (!(array instanceof Float32Array) || array.length !== length) {
      const got = array instanceof Float32Array ? `${array.length} floats` : 'no Float32Array';
      throw new CheckpointError(
        'layout',
        `${name}: the spec's flat layout has ${length} floats, the checkpoint ${got}; it is damaged or from another version, save it again`,
      );
    }
  }
  const wanted = expected.description ?? (expected.spec ? describeNetwork(expected.spec, 1) : null);
  const mismatch = wanted ? networkMismatch(spec, wanted) : null;
  if (mismatch) {
    throw new CheckpointError(
      'mismatch',
      `it was saved for a different network (${mismatch}); load it with that network, or pick a checkpoint of this one`,
    );
  }
  return spec;
}
