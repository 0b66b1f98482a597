// Argument checks shared by the CPU and GPU CVAE models (cpu-cvae.ts, gpu-cvae.ts): the dataset,
// step counts and sample inputs they accept, with messages that name the fix. Only reads.

import type { Dataset } from '../data/dataset.ts';
import * as spec from './cvae-spec.ts';
import type { CvaeConfig } from './types.ts';

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
