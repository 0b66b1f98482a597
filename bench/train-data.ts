// What every impl of the training benchmark trains on: a seeded synthetic dataset shaped like MNIST
// (28x28 bytes, 10 classes), made in memory so the page and Node train on the same bytes without
// fetching files (speed does not depend on pixel values or labels: the work per step is MNIST's),
// and the optimizer settings. Pure; not a loader for real datasets (src/data).

import { DATASET_INFO, type Dataset, type DatasetSplit } from '../src/data/dataset.ts';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../src/model/backend.ts';
import { Random } from '../src/util/random.ts';
import type { TrainOptimizer } from './train-api.ts';

/**
 * Train images per synthetic set. Enough for hundreds of steps at batch 256 before an epoch ends,
 * and small enough (51 MB as TFJS's float tensor) to stay under every adapter's binding limit.
 */
export const SYNTHETIC_TRAIN_COUNT = 16_384;
export const SYNTHETIC_TEST_COUNT = 256;

function split(random: Random, count: number, pixels: number, classes: number): DatasetSplit {
  const images = new Uint8Array(count * pixels);
  for (let i = 0; i < images.length; i++) images[i] = random.int(256);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = random.int(classes);
  return { count, images, labels };
}

/** Uniform random bytes and labels; the same seed gives the same dataset everywhere. */
export function syntheticDataset(seed: number, trainCount = SYNTHETIC_TRAIN_COUNT): Dataset {
  const { classNames, imageHeight, imageWidth } = DATASET_INFO.mnist;
  const random = new Random(seed);
  const pixels = imageHeight * imageWidth;
  return {
    name: 'mnist',
    classNames,
    imageHeight,
    imageWidth,
    channels: 1,
    train: split(random, trainCount, pixels, classNames.length),
    test: split(random, SYNTHETIC_TEST_COUNT, pixels, classNames.length),
  };
}

/** The same hyper-parameters for every impl; no weight decay (TFJS optimizers have none). */
export function benchOptimizer(kind: TrainOptimizer): OptimizerSettings {
  return kind === 'adam'
    ? { ...DEFAULT_OPTIMIZER, kind, learningRate: 1e-3, weightDecay: 0 }
    : { ...DEFAULT_OPTIMIZER, kind, learningRate: 0.01, momentum: 0.9, weightDecay: 0 };
}
