// Synthetic byte datasets for the gather_batch GPU check (any image size, seeded, every byte value
// present), so the check runs in the browser, which has no MNIST files; and the case where an
// order buffer holds an index outside the split (uploaded behind the host check's back).

import { epochPermutation, gatherBatch } from '../../src/data/batching.ts';
import type { Dataset, DatasetSplit } from '../../src/data/dataset.ts';
import { BAD_LABEL, GatherBatchKernel } from '../../src/kernels/gather_batch.ts';
import { createBufferWithData } from '../../src/runtime/buffers.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import type { Outcome } from './check.ts';
import { bitsOutcome, combine, createOutput, readF32, readU32, submitPass } from './kernel_io.ts';

export interface SyntheticShape {
  imageHeight: number;
  imageWidth: number;
  trainCount: number;
  testCount: number;
  seed: number;
}

function syntheticSplit(random: Random, count: number, pixels: number): DatasetSplit {
  const images = Uint8Array.from({ length: count * pixels }, () => random.int(256));
  // Every byte value (given 256+ bytes), shuffled, at a random place spanning several images, so
  // each value's scaling is checked bit for bit.
  if (images.length >= 256) {
    const values = random.shuffle(Uint8Array.from({ length: 256 }, (_, v) => v));
    images.set(values, random.int(images.length - 255));
  }
  const labels = Uint8Array.from({ length: count }, () => random.int(10));
  return { count, images, labels };
}

/** A Dataset of random bytes shaped like MNIST's type (name 'mnist', 10 classes, 1 channel). */
export function syntheticDataset(shape: SyntheticShape): Dataset {
  const random = new Random(shape.seed);
  const pixels = shape.imageHeight * shape.imageWidth;
  return {
    name: 'mnist',
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    imageHeight: shape.imageHeight,
    imageWidth: shape.imageWidth,
    channels: 1,
    train: syntheticSplit(random, shape.trainCount, pixels),
    test: syntheticSplit(random, shape.testCount, pixels),
  };
}

/**
 * An order whose third index is past the split: that image's pixels must be NaN and its label
 * BAD_LABEL (no read outside the data), while the other images are gathered as usual.
 */
export async function checkBadIndex(gpu: Gpu, dataset: Dataset): Promise<Outcome> {
  const kernel = await GatherBatchKernel.create(gpu);
  const count = dataset.train.count;
  const pixels = dataset.imageHeight * dataset.imageWidth;
  const good = epochPermutation(count, 9, 0).subarray(0, 5);
  const order = Uint32Array.from(good);
  order[2] = count + 1000;
  const resident = kernel.uploadSplit(dataset, 'train');
  const orderBuffer = createBufferWithData(gpu, 'bad order', order, GPUBufferUsage.STORAGE);
  const gpuOrder = { buffer: orderBuffer, length: order.length, count, destroy: () => orderBuffer.destroy() };
  const images = createOutput(gpu, 'images', order.length * pixels, 0, 'f32');
  const labels = createOutput(gpu, 'labels', order.length, 0, 'u32');
  const binding = kernel.bind({ images, labels }, resident, gpuOrder, { batchSize: order.length });
  try {
    submitPass(gpu, 'gather_batch bad index', (pass) => kernel.encodeForward(pass, binding, 0));
    const gotImages = (await readF32(gpu, images)).subarray(0, order.length * pixels);
    const gotLabels = (await readU32(gpu, labels)).subarray(0, order.length);
    const expected = gatherBatch(
      dataset,
      'train',
      Uint32Array.from([...good.subarray(0, 2), 0, ...good.subarray(3)]),
    );
    expected.images.fill(NaN, 2 * pixels, 3 * pixels);
    expected.labels[2] = BAD_LABEL;
    return combine(
      bitsOutcome('images', gotImages, expected.images),
      bitsOutcome('labels', gotLabels, expected.labels),
    );
  } finally {
    binding.destroy();
    gpuOrder.destroy();
    resident.destroy();
    images.destroy();
    labels.destroy();
  }
}
