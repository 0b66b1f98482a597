// Taking a checkpoint from a running Trainer and putting one back into a Trainer or a Backend.
// Restoring validates everything first (checkpoint-checks.ts, trainer-state.ts) and only then
// changes the target, so a bad checkpoint leaves the run exactly as it was. A Trainer gets its
// whole run back, position included (Trainer.snapshot / restore). Not the file format (checkpoint.ts).

import type { Backend } from './backend.ts';
import { checkCheckpoint } from './checkpoint-checks.ts';
import type { Checkpoint } from './checkpoint.ts';
import { Trainer } from './trainer.ts';

/**
 * Everything needed to resume `trainer` (reads parameters and optimizer state back). The file
 * format has no learning-rate schedule: the snapshot's is left out.
 */
export async function captureCheckpoint(trainer: Trainer): Promise<Checkpoint> {
  const { schedule: _, ...checkpoint } = await trainer.snapshot();
  return checkpoint;
}

/**
 * Puts `checkpoint` into `target`. A backend gets parameters and optimizer state. A Trainer gets
 * the run back (Trainer.restore): parameters, optimizer settings and state, batch size, seed and
 * position (epoch, stepInEpoch, step), so the next step trains the batch it would have trained;
 * it keeps its own learning-rate schedule. Throws CheckpointError, changing nothing, when the
 * checkpoint is inconsistent, for another network, or its batch or position does not fit the data.
 */
export async function restoreCheckpoint(target: Trainer | Backend, checkpoint: Checkpoint): Promise<void> {
  if (target instanceof Trainer) return target.restore(checkpoint);
  checkCheckpoint(checkpoint, { description: target.description });
  const { kind, step, slots } = checkpoint.optimizerState;
  target.setParameters(checkpoint.parameters);
  target.setOptimizerState({ kind, step, slots });
}
