import { describe, expect, it } from 'vitest';
import { featureMapMontage, filterMontage, scaleFor } from '../../src/viz/layer-montages.ts';
import { Random } from '../../src/util/random.ts';

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  new Random(seed).fillUniform(out, -1, 1);
  return out;
}

const first = (t: number): [number, number, number] => [Math.round(t * 250), 0, 0];
const red = (image: { width: number; data: Uint8Array }, x: number, y: number) =>
  image.data[(y * image.width + x) * 4];

describe('scaleFor', () => {
  it('makes a cell about 48 pixels', () => {
    expect([scaleFor(5), scaleFor(28), scaleFor(14), scaleFor(100)]).toEqual([10, 2, 4, 1]);
  });
});

describe('filterMontage', () => {
  it('puts single-channel filters in a near-square grid', () => {
    const shape = { outChannels: 7, inChannels: 1, kernelH: 3, kernelW: 5 };
    const image = filterMontage(values(7 * 15, 1), shape, { scale: 2, gap: 1 });
    // ceil(sqrt(7)) = 3 columns, 3 rows of 5x3-pixel kernels scaled by 2
    expect([image.width, image.height]).toEqual([1 + 3 * 11, 1 + 3 * 7]);
  });

  it('lays out one row per filter, one column per input channel, normalised per filter', () => {
    const shape = { outChannels: 2, inChannels: 3, kernelH: 1, kernelW: 1 };
    // filter 0: -1, 0, 3 -> 0, 0.25, 1; filter 1: 10, 10, 12 -> 0, 0, 1
    const weights = new Float32Array([-1, 0, 3, 10, 10, 12]);
    const image = filterMontage(weights, shape, { scale: 1, gap: 1, colormap: first });
    expect([image.width, image.height]).toEqual([7, 5]);
    expect([red(image, 1, 1), red(image, 3, 1), red(image, 5, 1)]).toEqual([0, 63, 250]);
    expect([red(image, 1, 3), red(image, 3, 3), red(image, 5, 3)]).toEqual([0, 0, 250]);
  });

  it('rejects weights of another shape', () => {
    const shape = { outChannels: 2, inChannels: 3, kernelH: 5, kernelW: 5 };
    expect(() => filterMontage(new Float32Array(149), shape)).toThrow(/expected 150 values.*got 149/);
  });
});

describe('featureMapMontage', () => {
  it('has one row per image and one column per channel, each map normalised on its own', () => {
    const shape = { count: 3, channels: 5, height: 7, width: 9 };
    const image = featureMapMontage(values(3 * 5 * 63, 2), shape);
    expect([image.width, image.height]).toEqual([2 + 5 * (9 * 6 + 2), 2 + 3 * (7 * 6 + 2)]);

    const maps = new Float32Array([1, 2, 5, 5]); // 2 images x 2 channels of 1x1 maps
    const tiny = featureMapMontage(
      maps,
      { count: 2, channels: 2, height: 1, width: 1 },
      { scale: 1, gap: 0, colormap: first },
    );
    expect(Array.from({ length: 4 }, (_, i) => red(tiny, i % 2, Math.floor(i / 2)))).toEqual([
      125, 125, 125, 125,
    ]);
  });
});
