// The generator's seeded run shared by both backends: batch order per step (epochPermutation,
// partial last batch dropped, a new shuffle each epoch) and the eps stream.

import { describe, expect, it } from 'vitest';
import { batchIndices, epochPermutation } from '../../src/data/batching.ts';
import { CvaeBatchOrder, CvaeNoise, cvaeNoiseSeed, sampleLatents } from '../../src/generator/cvae-run.ts';
import { Random } from '../../src/util/random.ts';

describe('CvaeBatchOrder', () => {
  it('walks each epoch permutation in batches, dropping the partial tail', () => {
    const order = new CvaeBatchOrder(23, 5, 4); // 4 batches per epoch, 3 images skipped each epoch
    expect(order.batchesPerEpoch).toBe(4);
    const expected = [0, 1].flatMap((epoch) => [...batchIndices(epochPermutation(23, 4, epoch), 5)]);
    for (let step = 0; step < 8; step++) expect([...order.indices(step)]).toEqual([...expected[step]]);
    expect([...order.indices(1)]).toEqual([...expected[1]]); // going back to epoch 0 works too
    expect(expected[4]).not.toEqual(expected[0]);
  });
});

describe('CvaeNoise', () => {
  it('draws N*Z normals per step from Random(cvaeNoiseSeed(seed)) and nothing else', () => {
    const noise = new CvaeNoise(6);
    const reference = new Random(cvaeNoiseSeed(6));
    const first = noise.next(new Float32Array(7));
    const second = noise.next(new Float32Array(7));
    const expected = Float32Array.from({ length: 14 }, () => reference.normal());
    expect([...first, ...second]).toEqual([...expected]);
    expect(cvaeNoiseSeed(6)).not.toBe(6);
  });

  it('sampleLatents is seeded and roughly standard normal', () => {
    const z = sampleLatents(300, 7, 3);
    expect(z).toEqual(sampleLatents(300, 7, 3));
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.06); // 2100 draws: standard error 0.022
    expect(Math.abs(variance - 1)).toBeLessThan(0.1);
  });
});
