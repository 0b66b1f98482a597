// What Trainer (trainer.ts) needs for its snapshots and backend swaps that does not touch its
// private state: the TrainerSnapshot type, the checks a snapshot must pass before a restore
// changes anything, making a backend from the factory that already holds a given state, and the
// small metrics and optimizer helpers. Not the loop and not the checkpoint file (checkpoint.ts).

import type { Dataset } from '../data/dataset.ts';
import { validateAdam } from '../ops/adam.ts';
import { validateSgd } from '../ops/sgd.ts';
import type { Backend, OptimizerSettings, OptimizerState, StepMetrics } from './backend.ts';
import { checkCheckpoint, CheckpointError } from './checkpoint-checks.ts';
import type { Checkpoint } from './checkpoint.ts';
import { validateSchedule, type LearningRateSchedule } from './schedule.ts';
import type { NetworkDescription } from './shapes.ts';
import type { NetworkSpec } from './spec.ts';
import { describeNetwork, validateTraining } from './validate.ts';

/** Makes a backend for a network described at the training batch size (GPU or CPU). */
export type BackendFactory = (description: NetworkDescription) => Backend | Promise<Backend>;

/**
 * Everything a Trainer needs to go on exactly where it was: a Checkpoint (spec, seed, batch,
 * position, optimizer settings and state, parameters) plus the learning-rate schedule, which a
 * checkpoint file does not hold (absent: restore keeps the trainer's own). Treat it as read-only:
 * the trainer may keep it as the point a NaN diagnosis replays from.
 */
export interface TrainerSnapshot extends Checkpoint {
  schedule?: LearningRateSchedule;
}

export function emptyMetrics(): StepMetrics {
  return { steps: 0, examples: 0, lossSum: 0, correct: 0 };
}

export function addMetrics(total: StepMetrics, more: StepMetrics): void {
  total.steps += more.steps;
  total.examples += more.examples;
  total.lossSum += more.lossSum;
  total.correct += more.correct;
}

export function checkOptimizer(settings: OptimizerSettings): void {
  if (settings.kind === 'sgd') validateSgd(settings);
  else if (settings.kind === 'adam') validateAdam({ ...settings, step: 1 });
  else throw new Error(`optimizer: kind must be 'sgd' or 'adam', got ${JSON.stringify(settings.kind)}`);
}

/**
 * Throws CheckpointError unless `snapshot` can be restored into a trainer of `spec` on `dataset`:
 * a consistent checkpoint of the same network, a batch that fits the data, a position inside an
 * epoch at that batch, a valid schedule. Reads only.
 */
export function checkSnapshot(snapshot: TrainerSnapshot, spec: NetworkSpec, dataset: Dataset): void {
  checkCheckpoint(snapshot, { spec, dataset: dataset.name });
  const trainCount = dataset.train.count;
  const problems = validateTraining({ batch: snapshot.batch, trainCount });
  if (problems.length > 0) {
    throw new CheckpointError('mismatch', `its batch does not fit this dataset: ${problems[0].message}`);
  }
  const stepsPerEpoch = Math.floor(trainCount / snapshot.batch);
  if (snapshot.stepInEpoch > stepsPerEpoch) {
    throw new CheckpointError(
      'counters',
      `stepInEpoch ${snapshot.stepInEpoch} is past the ${stepsPerEpoch} steps of an epoch at batch ` +
        `${snapshot.batch} on ${trainCount} examples; it was saved for other data, load that dataset`,
    );
  }
  if (snapshot.schedule) {
    try {
      validateSchedule(snapshot.schedule);
    } catch (error) {
      throw new CheckpointError('optimizer', `bad learning-rate schedule (${(error as Error).message})`);
    }
  }
}

/** What a new backend must hold to take over a run. */
export interface BackendState {
  batch: number;
  parameters: Float32Array;
  optimizerState: OptimizerState;
  /** The current epoch's order. */
  order: Uint32Array;
}

/** A backend from `factory` with the dataset and `state` loaded; destroyed again if any of it fails. */
export async function makeLoadedBackend(
  factory: BackendFactory,
  spec: NetworkSpec,
  dataset: Dataset,
  state: BackendState,
): Promise<Backend> {
  const backend = await factory(describeNetwork(spec, state.batch));
  try {
    await backend.setData(dataset);
    loadBackend(backend, state);
    return backend;
  } catch (error) {
    backend.destroy();
    throw error;
  }
}

/** Parameters, optimizer state and epoch order into `backend` (lengths already checked). */
export function loadBackend(backend: Backend, state: Omit<BackendState, 'batch'>): void {
  const { kind, step, slots } = state.optimizerState;
  backend.setParameters(state.parameters);
  backend.setOptimizerState({ kind, step, slots });
  backend.setEpochOrder(state.order);
}
