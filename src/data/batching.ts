// Seeded per-epoch shuffling, batch iteration over index arrays, and the CPU gather that turns
// byte images into a normalised float batch (what the GPU gather_batch kernel will do from the
// same index buffer). Not a data loader and owns no GPU objects.
//
// Last partial batch: `lastBatch: 'drop'` (the default, for training) skips it, so every step
// has the same batch size and GPU pipelines made per (network, batch size) serve every step;
// each epoch reshuffles, so a different tail is skipped each time. `'keep'` yields it (use it
// for evaluation, where every image must be counted).

import { Random } from '../util/random.ts';
import type { Dataset, SplitName } from './dataset.ts';

/**
 * Pixel normalisation: value = f32(byte) * PIXEL_SCALE, rounded to f32 once. Defined as a
 * multiply by the f32 nearest 1/255 (not a divide) because WGSL's f32 multiply is correctly
 * rounded while its divide is not, and byte * PIXEL_SCALE is exact in float64, so the CPU value
 * here and `f32(byte) * PIXEL_SCALE` in WGSL agree bit for bit. Range: [0, 1].
 */
export const PIXEL_SCALE = Math.fround(1 / 255);

export function normalizePixel(byte: number): number {
  return Math.fround(byte * PIXEL_SCALE);
}

export type LastBatch = 'drop' | 'keep';

function mix32(x: number): number {
  // murmur3's 32-bit finaliser: every input bit affects every output bit.
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The shuffle seed of epoch `epoch` (0, 1, ...) of a run seeded with `seed`. */
export function epochSeed(seed: number, epoch: number): number {
  if (!Number.isInteger(seed) || !Number.isInteger(epoch) || epoch < 0) {
    throw new RangeError(`epochSeed: seed ${seed} and epoch ${epoch} must be integers, epoch >= 0`);
  }
  return mix32((seed >>> 0) ^ mix32(Math.imul(epoch + 1, 0x9e3779b9) >>> 0));
}

/** A seeded permutation of 0..count-1 for one epoch; the same (seed, epoch) gives the same order. */
export function epochPermutation(count: number, seed: number, epoch: number): Uint32Array {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`epochPermutation: bad count ${count}`);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return new Random(epochSeed(seed, epoch)).shuffle(order);
}

function checkBatchSize(count: number, batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`Batch size ${batchSize} is invalid; use a whole number of at least 1.`);
  }
  if (batchSize > count) {
    throw new RangeError(`Batch size ${batchSize} is larger than the ${count} images; use at most ${count}.`);
  }
}

/** How many batches one pass over `count` items gives. */
export function batchCount(count: number, batchSize: number, lastBatch: LastBatch = 'drop'): number {
  checkBatchSize(count, batchSize);
  return lastBatch === 'drop' ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/**
 * Splits `order` into batches of `batchSize` indices. Yields views into `order` (no copies):
 * they stay valid as long as `order` is not modified.
 */
export function* batchIndices(
  order: Uint32Array,
  batchSize: number,
  lastBatch: LastBatch = 'drop',
): Generator<Uint32Array> {
  const batches = batchCount(order.length, batchSize, lastBatch);
  for (let b = 0; b < batches; b++) {
    yield order.subarray(b * batchSize, Math.min((b + 1) * batchSize, order.length));
  }
}

/** A batch in NCHW: images [B, C, H, W] in [0, 1] and one class index per image. */
export interface Batch {
  shape: [number, number, number, number];
  images: Float32Array;
  labels: Uint32Array;
}

/** Storage for batches of up to `capacity` images, to reuse across steps instead of allocating. */
export function createBatchStorage(
  dataset: Dataset,
  capacity: number,
): { images: Float32Array; labels: Uint32Array } {
  const pixels = dataset.channels * dataset.imageHeight * dataset.imageWidth;
  return { images: new Float32Array(capacity * pixels), labels: new Uint32Array(capacity) };
}

/**
 * Gathers the images `indices` of a split into a float batch (pixels * PIXEL_SCALE) and their
 * labels. With `storage` (from createBatchStorage), writes into it and returns views of the
 * first indices.length images; otherwise allocates.
 */
export function gatherBatch(
  dataset: Dataset,
  split: SplitName,
  indices: Uint32Array,
  storage?: { images: Float32Array; labels: Uint32Array },
): Batch {
  const { count, images: bytes, labels: labelBytes } = dataset[split];
  const { channels, imageHeight, imageWidth } = dataset;
  const pixels = channels * imageHeight * imageWidth;
  const size = indices.length;
  const out = storage ?? createBatchStorage(dataset, size);
  if (out.labels.length < size || out.images.length < size * pixels) {
    throw new RangeError(`gatherBatch: storage holds ${out.labels.length} images, batch has ${size}`);
  }
  for (let b = 0; b < size; b++) {
    const index = indices[b];
    if (index >= count)
      throw new RangeError(`gatherBatch: index ${index} outside the ${count} ${split} images`);
    const from = index * pixels;
    const to = b * pixels;
    // Float32Array stores round to f32 once, exactly as normalizePixel does.
    for (let p = 0; p < pixels; p++) out.images[to + p] = bytes[from + p] * PIXEL_SCALE;
    out.labels[b] = labelBytes[index];
  }
  return {
    shape: [size, channels, imageHeight, imageWidth],
    images: out.images.subarray(0, size * pixels),
    labels: out.labels.subarray(0, size),
  };
}
