// Saliency maps (saliency.ts): the helpers on hand-made cases, then the maps of the trained lenet5
// (fixture) for the first 10 MNIST test digits, with two measures that can fail: the share of each
// map's |mass| on or next to the stroke pixels (reported against the share of the image the
// stroke mask covers), and the deletion check: erasing the 15 pixels a map ranks highest must cost
// the target logit far more than erasing 15 random ink pixels.

import { beforeAll, describe, expect, it } from 'vitest';
import { PIXEL_SCALE } from '../../src/data/batching.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { loadDataset } from '../../src/data/node-loader.ts';
import { CpuInputGradients } from '../../src/model/cpu-input-grad.ts';
import { CpuProbe } from '../../src/model/cpu-views.ts';
import * as S from '../../src/model/saliency.ts';
import { describeNetwork } from '../../src/model/validate.ts';
import { Random } from '../../src/util/random.ts';
import { loadModelFixture } from '../helpers/model-fixture.ts';

describe('saliency helpers', () => {
  it('place patches every stride plus one flush with the edge', () => {
    expect(S.patchStarts(28, 5, 2)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 23]);
    expect(S.patchStarts(4, 5, 1)).toEqual([0]);
  });

  it('grow the stroke mask by the dilation and measure the mass inside it', () => {
    const plane = new Float32Array(20);
    plane[7] = 0.9; // (1, 2) of a 4x5 plane
    const mask = S.strokeMask(plane, 4, 5);
    expect(Array.from(mask)).toEqual([0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const map = new Float32Array(20).fill(0.1);
    map[0] = -1.1;
    expect(S.massInMask(map, mask)).toBeCloseTo(0.9 / (0.9 + 1.1 + 1.0), 6);
    expect(S.topPixels(Float32Array.of(0.2, 3, -5, 3), 2)).toEqual([1, 3]);
  });

  it('occlusion gives each pixel the mean logit drop of the patches covering it', async () => {
    // A "network" whose logit 1 is the sum of the pixels times their weights: a patch's drop is the
    // weighted sum it erases.
    const weights = Float32Array.from({ length: 12 }, (_, i) => i);
    const image = new Float32Array(12).fill(1);
    const probe: S.ProbeFunction = async (images, count) => {
      const logits = new Float32Array(count * 2);
      for (let n = 0; n < count; n++)
        logits[n * 2 + 1] = images.subarray(n * 12, n * 12 + 12).reduce((s, v, i) => s + v * weights[i], 0);
      return { count, outputs: [logits], probabilities: logits };
    };
    const map = await S.occlusion(probe, image, [1, 3, 4], 1, { patch: 2, stride: 2, fill: 0 });
    // Patches at rows 0 and 1, columns 0 and 2: pixel 0 is covered by (0,0) only: 0+1+4+5 = 10.
    expect(map.values[0]).toBe(10);
    // Pixel 4 (row 1, col 0) by (0,0) and (1,0): (10 + (4+5+8+9)) / 2 = 18.
    expect(map.values[4]).toBe(18);
  });

  it('SmoothGrad of a linear source is its gradient, whatever the noise', async () => {
    const gradient = Float32Array.of(0.5, -2, 1);
    const source: S.GradientSource = {
      batch: 4,
      gradient: (images, count) => ({
        count,
        gradient: Float32Array.from({ length: count * 3 }, (_, i) => gradient[i % 3]),
        logits: new Float32Array(count * 2),
        probabilities: new Float32Array(count * 2),
      }),
    };
    const map = await S.smoothGrad(source, Float32Array.of(1, 1, 0), 0, 2, {
      samples: 9,
      sigma: 0.3,
      seed: 1,
    });
    expect(Array.from(map.values)).toEqual([0.5, -2, 1]);
    expect(Array.from((await S.gradientTimesInput(source, Float32Array.of(2, 1, 0), 1, 2)).values)).toEqual([
      1, -2, 0,
    ]);
  });
});

const COUNT = 10;
const K = 15;

describe('saliency of the trained lenet5 on MNIST test digits', () => {
  const fixture = loadModelFixture('lenet5-mnist');
  const description = describeNetwork(fixture.spec, 16);
  const source = new CpuInputGradients(description, 16);
  source.setParameters(fixture.parameters);
  const prober = new CpuProbe(description);
  const probe: S.ProbeFunction = async (images, count) => prober.run(fixture.parameters, images, count);
  let data: Dataset;
  beforeAll(async () => {
    data = await loadDataset('mnist');
  });

  it('puts its mass on or next to the strokes, and its top pixels matter', async () => {
    const sums: Record<string, { near1: number; near2: number; drop: number }> = {};
    let area1 = 0;
    let area2 = 0;
    let randomDrop = 0;
    for (let n = 0; n < COUNT; n++) {
      const image = Float32Array.from(
        data.test.images.subarray(n * 784, (n + 1) * 784),
        (b) => b * PIXEL_SCALE,
      );
      const target = data.test.labels[n];
      const [mask1, mask2] = [S.strokeMask(image, 28, 28, 0.5, 1), S.strokeMask(image, 28, 28, 0.5, 2)];
      area1 += mask1.reduce((a, b) => a + b, 0) / 784 / COUNT;
      area2 += mask2.reduce((a, b) => a + b, 0) / 784 / COUNT;
      const maps = {
        'gradient x input': (await S.gradientTimesInput(source, image, target, 10)).values,
        SmoothGrad: (await S.smoothGrad(source, image, target, 10)).values,
        occlusion: (
          await S.occlusion(probe, image, [1, 28, 28], target, { ...S.DEFAULT_OCCLUSION, stride: 2 })
        ).values,
      };
      for (const [name, map] of Object.entries(maps)) {
        const sum = (sums[name] ??= { near1: 0, near2: 0, drop: 0 });
        sum.near1 += S.massInMask(map, mask1) / COUNT;
        sum.near2 += S.massInMask(map, mask2) / COUNT;
        sum.drop += (await S.deletionDrop(probe, image, S.topPixels(map, K), target)) / COUNT;
      }
      const ink = Array.from({ length: 784 }, (_, i) => i).filter((i) => image[i] >= 0.5);
      const random = new Random(n);
      const pixels = Array.from({ length: K }, () => ink[random.int(ink.length)]);
      randomDrop += (await S.deletionDrop(probe, image, pixels, target)) / COUNT;
    }
    const lines = Object.entries(sums).map(
      ([name, s]) =>
        `${name}: ${(100 * s.near1).toFixed(1)}% within 1 px, ${(100 * s.near2).toFixed(1)}% within 2 px; ` +
        `erasing its top ${K} pixels drops the logit by ${s.drop.toFixed(2)}`,
    );
    console.log(
      `[saliency] ${COUNT} test digits; stroke masks cover ${(100 * area1).toFixed(1)}% (1 px) / ` +
        `${(100 * area2).toFixed(1)}% (2 px) of the image; ${K} random ink pixels drop the logit by ` +
        `${randomDrop.toFixed(2)}\n  ${lines.join('\n  ')}`,
    );
    // gradient x input is 0 wherever the input is (the MNIST background), so it is near the
    // strokes by construction; its deletion check is what says the gradient is right.
    expect(sums['gradient x input'].near1).toBeGreaterThan(0.99);
    // Measured: SmoothGrad ~40% within 1 px (1.6x the area) and ~59% within 2 px: the raw gradient
    // also marks the background just around the strokes, where added ink would change the class.
    expect(sums.SmoothGrad.near1).toBeGreaterThan(1.4 * area1);
    expect(sums.SmoothGrad.near2).toBeGreaterThan(0.5);
    expect(sums.occlusion.near1).toBeGreaterThan(0.6);
    for (const s of Object.values(sums)) expect(s.drop).toBeGreaterThan(2 * randomDrop);
  });
});
