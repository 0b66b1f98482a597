// Taking a checkpoint from a running Trainer and putting one back into a Trainer or a Backend.
// Restoring validates everything first (checkpoint-checks.ts) and only then changes the target,
// so a bad checkpoint leaves the run exactly as it was. Not the file format (checkpoint.ts).

import type { Backend } from './backend.ts';
import { checkCheckpoint, CheckpointError } from './checkpoint-checks.ts';
import type { Checkpoint } from './checkpoint.ts';
import { Trainer } from './trainer.ts';
import { validateTraining } from './validate.ts';

/** Everything needed to resume `trainer` (reads parameters and optimizer state back). */
export async function captureCheckpoint(trainer: Trainer): Promise<Checkpoint> {
  const backend = trainer.backend;
  const [parameters, optimizerState] = await Promise.all([
    backend.getParameters(),
    backend.getOptimizerState(),
  ]);
  return {
    spec: structuredClone(trainer.spec),
    seed: trainer.seed,
    batch: trainer.batch,
    epoch: trainer.epoch,
    stepInEpoch: trainer.stepInEpoch,
    step: trainer.totalSteps,
    optimizer: trainer.optimizer,
    optimizerState,
    parameters,
  };
}

/**
 * Puts `checkpoint`'s parameters and optimizer state into `target`; a Trainer also gets its
 * optimizer settings and batch size. Throws CheckpointError, changing nothing, when the checkpoint
 * is inconsistent or for another network (or its batch does not fit the trainer's data).
 * The Trainer's position (epoch, stepInEpoch, step) and seed are not restored: Trainer has no way
 * to set them yet, so the next step follows the trainer's own counters (docs/checkpoints.md).
 */
export async function restoreCheckpoint(target: Trainer | Backend, checkpoint: Checkpoint): Promise<void> {
  if (!(target instanceof Trainer)) {
    checkCheckpoint(checkpoint, { description: target.description });
    loadInto(target, checkpoint);
    return;
  }
  checkCheckpoint(checkpoint, { spec: target.spec });
  const problems = validateTraining({ batch: checkpoint.batch, trainCount: target.dataset.train.count });
  if (problems.length > 0) {
    throw new CheckpointError('mismatch', `its batch does not fit this dataset: ${problems[0].message}`);
  }
  // setBatchSize keeps the old backend if it fails, so the trainer is still unchanged then.
  await target.setBatchSize(checkpoint.batch);
  loadInto(target.backend, checkpoint);
  target.setOptimizer(checkpoint.optimizer);
}

function loadInto(backend: Backend, checkpoint: Checkpoint): void {
  const { kind, step, slots } = checkpoint.optimizerState;
  backend.setParameters(checkpoint.parameters);
  backend.setOptimizerState({ kind, step, slots });
}
