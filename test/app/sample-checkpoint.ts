// Test helper: a small, valid checkpoint of the tiny network (seeded), as a Checkpoint and as
// .convscope bytes, for the autosave and checkpoint-file tests.

import { DEFAULT_OPTIMIZER } from '../../src/model/backend.ts';
import { encodeCheckpoint, type Checkpoint } from '../../src/model/checkpoint.ts';
import { initialParameters } from '../../src/model/layout.ts';
import { describeNetwork } from '../../src/model/validate.ts';
import { tinySpec } from '../model/tiny-data.ts';

export function sampleCheckpoint(step = 12): Checkpoint {
  const spec = tinySpec();
  const parameters = initialParameters(describeNetwork(spec, 4), 31);
  return {
    spec,
    seed: 31,
    batch: 4,
    epoch: 1,
    stepInEpoch: 3,
    step,
    optimizer: { ...DEFAULT_OPTIMIZER, learningRate: 0.07 },
    optimizerState: { kind: 'sgd', step, slots: [parameters.map((v) => v / 10)] },
    parameters,
  };
}

export function sampleCheckpointBytes(step = 12): Uint8Array {
  return encodeCheckpoint(sampleCheckpoint(step));
}
