// Test helper: small seeded datasets of any image size and class count (bytes, like MNIST), and
// the tiny network the CPU backend and trainer tests share. Not real data: labels are random,
// so nothing here can be learned beyond memorising.

import type { Dataset, DatasetSplit } from '../../src/data/dataset.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { Random } from '../../src/util/random.ts';

export interface TinyDataOptions {
  height: number;
  width: number;
  classes: number;
  train: number;
  test: number;
  seed: number;
}

function split(random: Random, count: number, pixels: number, classes: number): DatasetSplit {
  const images = new Uint8Array(count * pixels);
  for (let i = 0; i < images.length; i++) images[i] = random.int(256);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = random.int(classes);
  return { count, images, labels };
}

export function tinyDataset(o: TinyDataOptions): Dataset {
  const random = new Random(o.seed);
  const pixels = o.height * o.width;
  return {
    name: 'mnist', // any DatasetName; only used in messages
    classNames: Array.from({ length: o.classes }, (_, i) => `class ${i}`),
    imageHeight: o.height,
    imageWidth: o.width,
    channels: 1,
    train: split(random, o.train, pixels, o.classes),
    test: split(random, o.test, pixels, o.classes),
  };
}

/** conv 3x3 x2 -> maxpool 2 -> fc 5 -> classify 3 on 1x8x8 images. */
export function tinySpec(
  convActivation: 'tanh' | 'relu' = 'tanh',
  fcActivation: 'sigmoid' | 'relu' = 'sigmoid',
): NetworkSpec {
  return {
    name: 'tiny',
    input: { channels: 1, height: 8, width: 8 },
    layers: [
      { kind: 'conv', filters: 2, kernel: 3, activation: convActivation },
      { kind: 'pool', mode: 'max', size: 2 },
      { kind: 'fc', units: 5, activation: fcActivation },
      { kind: 'classify', classes: 3 },
    ],
  };
}
