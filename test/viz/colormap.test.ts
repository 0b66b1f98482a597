import { describe, expect, it } from 'vitest';
import { minMaxNormalise, viridis } from '../../src/viz/colormap.ts';

describe('viridis', () => {
  it('gives the end colours at 0 and 1 and clamps outside', () => {
    expect(viridis(0)).toEqual([68, 1, 84]);
    expect(viridis(1)).toEqual([253, 231, 37]);
    expect(viridis(-3)).toEqual([68, 1, 84]);
    expect(viridis(7)).toEqual([253, 231, 37]);
    expect(viridis(NaN)).toEqual([68, 1, 84]);
  });

  it('interpolates between stops', () => {
    // 0.0625 is halfway between the first two of nine stops.
    expect(viridis(0.0625)).toEqual([70, 23, 104]);
    expect(viridis(0.5)).toEqual([33, 145, 140]);
  });
});

describe('minMaxNormalise', () => {
  it('maps the minimum to 0 and the maximum to 1', () => {
    expect(Array.from(minMaxNormalise([-2, 0, 6, 1]))).toEqual([0, 0.25, 1, 0.375]);
  });

  it('maps a constant input to 0.5', () => {
    expect(Array.from(minMaxNormalise(new Float32Array([3, 3, 3])))).toEqual([0.5, 0.5, 0.5]);
  });
});
