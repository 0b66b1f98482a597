// Argument checks and loss bookkeeping of the GPU CVAE (gpu-cvae.ts): the dataset and sample
// inputs it accepts, with messages that name the fix, and the per-step losses read back from the
// GPU, averaged the way the CPU model does (per-row sums / batch, then mean over steps).

import type { Dataset } from '../data/dataset.ts';
import * as spec from './cvae-spec.ts';
import type { CvaeConfig, GeneratorStepResult } from './types.ts';

/** Throws naming the problem and the fix when the dataset cannot feed this model. */
export function checkCvaeDataset(dataset: Dataset, config: CvaeConfig): void {
  const { imageHeight, imageWidth, channels, classNames } = dataset;
  if (imageHeight !== spec.CVAE_IMAGE_SIZE || imageWidth !== spec.CVAE_IMAGE_SIZE || channels !== 1) {
    throw new Error(
      `cvae: dataset ${dataset.name} has ${channels}x${imageHeight}x${imageWidth} images; ` +
        'the generator draws 1x28x28, use mnist or fashion-mnist',
    );
  }
  if (classNames.length !== spec.CVAE_CLASSES) {
    throw new Error(`cvae: dataset ${dataset.name} has ${classNames.length} classes; the generator needs 10`);
  }
  if (config.batch > dataset.train.count) {
    throw new Error(
      `cvae: batch ${config.batch} is larger than the ${dataset.train.count} training images; ` +
        `use at most ${dataset.train.count}`,
    );
  }
}

export function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new Error(`cvae train: steps must be a positive integer, got ${steps}; use e.g. 100`);
  }
}

/** labels [N] in [0, 10) and z [N * latent]: the GPU cannot report a bad label itself. */
export function checkSampleRequest(labels: Int32Array, z: Float32Array, latent: number): void {
  if (labels.length < 1 || z.length !== labels.length * latent) {
    throw new Error(
      `cvae sample: ${labels.length} labels need z of ${labels.length} x ${latent} = ` +
        `${labels.length * latent} floats, got ${z.length}; pass one latent row per label`,
    );
  }
  const bad = labels.findIndex((label) => label < 0 || label >= spec.CVAE_CLASSES);
  if (bad >= 0) {
    throw new Error(
      `cvae sample: labels[${bad}] is ${labels[bad]}; use a class in 0..${spec.CVAE_CLASSES - 1}`,
    );
  }
}

/** One step's batch means. */
export class StepLosses {
  constructor(
    readonly step: number,
    readonly reconstruction: number,
    readonly kl: number,
  ) {}

  get loss(): number {
    return this.reconstruction + this.kl;
  }

  /** `words` holds, per step, `batch` reconstruction losses then `batch` KL terms. */
  static parse(words: Float32Array, steps: number, batch: number, firstStep: number): StepLosses[] {
    const mean = (start: number) => {
      let sum = 0;
      for (let r = 0; r < batch; r++) sum += words[start + r];
      return sum / batch;
    };
    return Array.from(
      { length: steps },
      (_, i) => new StepLosses(firstStep + i, mean(2 * i * batch), mean((2 * i + 1) * batch)),
    );
  }

  /** Mean over the steps of one train() call; throws at the first non-finite loss. */
  static mean(
    losses: StepLosses[],
    before: number,
    after: number,
    learningRate: number,
  ): GeneratorStepResult {
    const sum = { loss: 0, reconstruction: 0, kl: 0 };
    for (const s of losses) {
      if (!Number.isFinite(s.loss)) {
        throw new Error(
          `cvae: the loss became ${s.loss} at step ${s.step}; lower the learning rate (now ${learningRate})`,
        );
      }
      sum.loss += s.loss;
      sum.reconstruction += s.reconstruction;
      sum.kl += s.kl;
    }
    const steps = after - before;
    return {
      step: after,
      loss: sum.loss / steps,
      reconstruction: sum.reconstruction / steps,
      kl: sum.kl / steps,
    };
  }
}
