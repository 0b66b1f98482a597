// Seeded per-epoch shuffling, batch iteration (drop / keep the last partial batch), and the CPU
// gather on a small hand-made dataset whose expected floats are written out.
import { describe, expect, it } from 'vitest';
import {
  PIXEL_SCALE,
  batchCount,
  batchIndices,
  createBatchStorage,
  epochPermutation,
  epochSeed,
  gatherBatch,
  normalizePixel,
} from '../../src/data/batching.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { assertClose } from '../helpers/allclose.ts';

const N = 997; // prime: no batch size below divides it

function isPermutation(order: Uint32Array): boolean {
  const sorted = Array.from(order).sort((a, b) => a - b);
  return sorted.every((v, i) => v === i);
}

describe('epochPermutation', () => {
  it('is a permutation that moves almost every index', () => {
    const order = epochPermutation(N, 42, 0);
    expect(order.length).toBe(N);
    expect(isPermutation(order)).toBe(true);
    const fixedPoints = order.filter((v, i) => v === i).length;
    expect(fixedPoints).toBeLessThan(10); // about 1 expected for a random permutation
  });

  it('is the same for the same seed and epoch, and different otherwise', () => {
    const a = epochPermutation(N, 42, 3);
    expect(Array.from(epochPermutation(N, 42, 3))).toEqual(Array.from(a));
    const differing = (b: Uint32Array) => a.filter((v, i) => v !== b[i]).length;
    expect(differing(epochPermutation(N, 42, 4))).toBeGreaterThan(N * 0.9);
    expect(differing(epochPermutation(N, 43, 3))).toBeGreaterThan(N * 0.9);
  });

  it('derives distinct seeds per epoch and per run', () => {
    const seeds = new Set<number>();
    for (const seed of [0, 1, 2, 0xffffffff]) for (let e = 0; e < 50; e++) seeds.add(epochSeed(seed, e));
    expect(seeds.size).toBe(200);
    expect(() => epochSeed(1, -1)).toThrow('epoch -1 must be integers, epoch >= 0');
  });
});

describe('batchIndices', () => {
  const order = epochPermutation(N, 7, 1);

  it("with 'drop' yields full batches only, each index at most once", () => {
    const batches = [...batchIndices(order, 64, 'drop')];
    expect(batches.length).toBe(15);
    expect(batches.every((b) => b.length === 64)).toBe(true);
    const seen = new Set(batches.flatMap((b) => Array.from(b)));
    expect(seen.size).toBe(960);
    expect(Array.from(batches[14])).toEqual(Array.from(order.subarray(896, 960)));
  });

  it("with 'keep' covers every index exactly once, the last batch partial", () => {
    const batches = [...batchIndices(order, 64, 'keep')];
    expect(batches.map((b) => b.length)).toEqual([...new Array(15).fill(64), 37]);
    const all = new Uint32Array(batches.flatMap((b) => Array.from(b)));
    expect(isPermutation(all)).toBe(true);
  });

  it('yields views into the order array', () => {
    const first = batchIndices(order, 10).next().value as Uint32Array;
    expect(first.buffer).toBe(order.buffer);
  });

  it('counts batches and rejects bad batch sizes', () => {
    expect([batchCount(N, 64), batchCount(N, 64, 'keep'), batchCount(N, N, 'drop')]).toEqual([15, 16, 1]);
    expect(() => batchCount(N, 0)).toThrow('Batch size 0 is invalid; use a whole number of at least 1.');
    expect(() => batchCount(N, 2.5)).toThrow('Batch size 2.5 is invalid');
    expect(() => batchCount(N, 998, 'keep')).toThrow(
      'Batch size 998 is larger than the 997 images; use at most 997.',
    );
  });
});

/** 3 images of 2x3 with hand-picked bytes, so the expected floats can be written out. */
function tinyDataset(): Dataset {
  const images = new Uint8Array([0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6, 128, 127, 254, 17, 85, 170]);
  const split = { count: 3, images, labels: new Uint8Array([4, 0, 9]) };
  return {
    name: 'mnist',
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    imageHeight: 2,
    imageWidth: 3,
    channels: 1,
    train: split,
    test: { count: 0, images: new Uint8Array(0), labels: new Uint8Array(0) },
  };
}

describe('gatherBatch', () => {
  it('gathers images in index order as NCHW floats with their labels', () => {
    const batch = gatherBatch(tinyDataset(), 'train', new Uint32Array([2, 0]));
    expect(batch.shape).toEqual([2, 1, 2, 3]);
    expect(Array.from(batch.labels)).toEqual([9, 4]);
    // image 2 then image 0; 0.2 = 51/255 etc., so these are the fractions the bytes stand for
    const fractions = [128 / 255, 127 / 255, 254 / 255, 17 / 255, 1 / 3, 2 / 3, 0, 0.2, 0.4, 0.6, 0.8, 1];
    assertClose(batch.images, fractions, { atol: 0, rtol: 2 ** -23 }, 'gathered pixels'); // one f32 step
    // and bit for bit what a WGSL kernel computing f32(byte) * PIXEL_SCALE gives
    const bytes = [128, 127, 254, 17, 85, 170, 0, 51, 102, 153, 204, 255];
    expect(Array.from(batch.images)).toEqual(bytes.map((b) => Math.fround(b * PIXEL_SCALE)));
    expect([batch.images[6], batch.images[11]]).toEqual([0, 1]);
  });

  it('writes into reusable storage and returns views of the used part', () => {
    const dataset = tinyDataset();
    const storage = createBatchStorage(dataset, 4);
    const batch = gatherBatch(dataset, 'train', new Uint32Array([1, 1, 0]), storage);
    expect(batch.images.buffer).toBe(storage.images.buffer);
    expect(batch.images.length).toBe(18);
    expect(Array.from(batch.labels)).toEqual([0, 0, 4]);
    expect(batch.images[5]).toBe(Math.fround(6 * PIXEL_SCALE));
    expect(() => gatherBatch(dataset, 'train', new Uint32Array(5), storage)).toThrow(
      'storage holds 4 images, batch has 5',
    );
  });

  it('rejects an index outside the split', () => {
    expect(() => gatherBatch(tinyDataset(), 'train', new Uint32Array([0, 3]))).toThrow(
      'index 3 outside the 3 train images',
    );
  });
});

describe('PIXEL_SCALE', () => {
  it('maps 0 and 255 to exactly 0 and 1, every byte within one f32 step of byte/255', () => {
    expect([normalizePixel(0), normalizePixel(255)]).toEqual([0, 1]);
    const bytes = Array.from({ length: 256 }, (_, b) => b);
    const normalised = bytes.map(normalizePixel);
    assertClose(
      normalised,
      bytes.map((b) => b / 255),
      { atol: 0, rtol: 2 ** -23 },
      'normalised bytes',
    );
  });
});
