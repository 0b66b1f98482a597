// CPU reference for image_ascent against hand-computed values: the roll matches torch.roll's
// direction, the blur keeps a flat image flat and weights taps [1,2,1] x [1,2,1], and the update
// undoes the roll, normalises, decays, applies the total-variation signs and clamps.

import { describe, expect, it } from 'vitest';
import type { ImageAscentParams } from '../../src/ops/image_ascent.ts';
import { wrapShift } from '../../src/ops/image_ascent.ts';
import { imageAscentForward, imageAscentUpdate } from '../../src/reference/image_ascent.ts';

const P: ImageAscentParams = {
  ...{ batch: 1, channels: 1, height: 2, width: 3, shiftX: 0, shiftY: 0, blur: false, normalize: false },
  ...{ stepSize: 1, gradientScale: 1, decay: 0, tvWeight: 0, low: -10, high: 10 },
};

describe('imageAscentForward', () => {
  it('rolls like torch.roll(image, (shiftY, shiftX)): out[y][x] = image[y - shiftY][x - shiftX]', () => {
    const out = new Float32Array(6);
    imageAscentForward(out, Float32Array.of(1, 2, 3, 4, 5, 6), { ...P, shiftX: 1, shiftY: 1 });
    // torch.roll(tensor([[1,2,3],[4,5,6]]), shifts=(1,1), dims=(0,1)) = [[6,4,5],[3,1,2]]
    expect(Array.from(out)).toEqual([6, 4, 5, 3, 1, 2]);
  });

  it('blurs with [1,2,1] x [1,2,1] over the taps inside the image, so a flat image stays flat', () => {
    const flat = new Float32Array(12).fill(0.3);
    const out = new Float32Array(12);
    const p = { ...P, height: 3, width: 4, blur: true };
    imageAscentForward(out, flat, p);
    for (const v of out) expect(v).toBeCloseTo(0.3, 7);
    const spike = new Float32Array(12);
    spike[5] = 16; // (y 1, x 1): its own weight 4 of 16 at the centre of a full 3x3 window
    imageAscentForward(out, spike, p);
    expect(out[5]).toBe(4);
    expect(out[4]).toBeCloseTo((2 * 16) / 12, 6); // (1, 0): a 2x3 window of weight 12, spike tap 2
    expect(out[0]).toBeCloseTo(16 / 9, 6); // corner (0, 0): 2x2 window weight 9, spike tap 1
    expect(out[3]).toBe(0); // (0, 3) does not touch (1, 1)
  });

  it('rejects a shift outside the image', () => {
    expect(() => imageAscentForward(new Float32Array(6), new Float32Array(6), { ...P, shiftX: 3 })).toThrow(
      /shiftX must be a whole number in \[0, 2\], got 3/,
    );
    expect(wrapShift(-1, 3)).toBe(2);
    expect(wrapShift(4, 3)).toBe(1);
  });
});

describe('imageAscentUpdate', () => {
  it('steps each pixel by its gradient read where the roll put it', () => {
    // Image (y, x) sits at input ((y + 1) % 2, (x + 2) % 3) with shiftY 1, shiftX 2.
    const input = Float32Array.of(1, 2, 3, 4, 5, 6);
    const gradient = Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6);
    const image = new Float32Array(6);
    imageAscentUpdate(image, input, gradient, { ...P, shiftX: 2, shiftY: 1, stepSize: 2 });
    // pixel (0,0) <- input (1,2) = 6 + 2 * 0.6; pixel (0,1) <- input (1,0) = 4 + 2 * 0.4; ...
    const expected = [6 + 1.2, 4 + 0.8, 5 + 1, 3 + 0.6, 1 + 0.2, 2 + 0.4];
    expected.forEach((v, i) => expect(image[i]).toBeCloseTo(v, 5));
  });

  it('normalises by the mean |gradient| of each image, decays, and clamps', () => {
    const input = Float32Array.of(0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1, 1);
    const gradient = Float32Array.of(2, -2, 2, -2, 2, -2, 0, 0, 0, 0, 0, 3);
    const image = new Float32Array(12);
    const p = { ...P, batch: 2, normalize: true, stepSize: 0.1, decay: 0.5, low: 0, high: 1.02 };
    imageAscentUpdate(image, input, gradient, p);
    // image 0: mean |g| = 2, g/norm = +-1: 0.5 + 0.1 * (+-1 - 0.25) = 0.575 / 0.375
    expect(image[0]).toBeCloseTo(0.575, 6);
    expect(image[1]).toBeCloseTo(0.375, 6);
    // image 1: mean |g| = 0.5, last g/norm = 6: 1 + 0.1 * (6 - 0.5) = 1.55, clamped to 1.02
    expect(image[11]).toBeCloseTo(1.02, 6);
    expect(image[6]).toBeCloseTo(1 - 0.05, 6);
    // The norm is taken of the scaled gradient: a scale of -4 only flips the direction.
    imageAscentUpdate(image, input, gradient, { ...p, gradientScale: -4 });
    expect(image[0]).toBeCloseTo(0.5 + 0.1 * (-1 - 0.25), 6);
  });

  it('adds tvWeight * (number of lower minus higher 4-neighbours), against the step', () => {
    const input = Float32Array.of(0, 1, 0, 0, 0, 0);
    const image = new Float32Array(6);
    imageAscentUpdate(image, input, new Float32Array(6), { ...P, tvWeight: 0.25 });
    // (0,1) = 1 has three lower neighbours: 1 - 0.75. Its neighbours each have one higher: +0.25.
    expect(Array.from(image)).toEqual([0.25, 0.25, 0.25, 0, 0.25, 0]);
  });
});
