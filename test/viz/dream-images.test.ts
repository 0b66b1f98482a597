// Dream and saliency pictures (src/viz/dream-images.ts): greyscale at the pixel range, the overlay
// colours, and montage sizes and pixels, on hand-made tensors.

import { describe, expect, it } from 'vitest';
import { dreamMontage, greyRgb, maxAbsOf, overlayRgb, saliencyMontage } from '../../src/viz/dream-images.ts';

function pixel(image: { width: number; data: Uint8Array }, x: number, y: number): number[] {
  const at = 4 * (y * image.width + x);
  return Array.from(image.data.subarray(at, at + 4));
}

describe('dream images', () => {
  it('paint pixel values at the fixed range, clamped', () => {
    expect(greyRgb(0)).toEqual([0, 0, 0]);
    expect(greyRgb(0.5)).toEqual([128, 128, 128]);
    expect(greyRgb(1.7)).toEqual([255, 255, 255]);
    expect(maxAbsOf(Float32Array.of(0.5, -2, 1))).toBe(2);
    expect(maxAbsOf(new Float32Array(3))).toBe(1);
  });

  it('overlay: dimmed grey where the map is 0, red for +1 and blue for -1', () => {
    expect(overlayRgb(0, 0)).toEqual([40, 40, 40]);
    expect(overlayRgb(1, 0)).toEqual([130, 130, 130]);
    expect(overlayRgb(0.3, 1)).toEqual([255, 70, 40]);
    expect(overlayRgb(0.3, -1)).toEqual([50, 140, 255]);
    const half = overlayRgb(0, 0.5);
    expect(half[0]).toBeGreaterThan(half[2]);
  });

  it('lay out one row of dreams (first channels) with 4 px gaps', () => {
    const images = new Float32Array(3 * 2 * 2 * 3); // 3 images of 2 channels
    images[12] = 1; // image 1, channel 0, pixel (0, 0)
    images[6] = 1; // image 0, channel 1: not drawn
    const picture = dreamMontage(images, 3, [2, 2, 3], 2);
    expect([picture.width, picture.height]).toEqual([4 + 3 * (6 + 4), 4 + 4 + 4]);
    expect(pixel(picture, 4 + 10, 4)).toEqual([255, 255, 255, 255]);
    expect(pixel(picture, 4, 4)).toEqual([0, 0, 0, 255]);
    expect(pixel(picture, 0, 0)).toEqual([90, 90, 90, 255]);
  });

  it('lay out saliency rows: the image, then each map scaled by its own max |value|', () => {
    const image = Float32Array.of(1, 0, 0, 0);
    const maps = [Float32Array.of(0.5, 0, 0, -0.25), Float32Array.of(0, 0, 0, 0)];
    const picture = saliencyMontage([{ image, maps }], 2, 2, 1);
    expect([picture.width, picture.height]).toEqual([4 + 3 * 6, 10]);
    expect(pixel(picture, 4, 4)).toEqual([255, 255, 255, 255]);
    expect(pixel(picture, 10, 4)).toEqual([255, 70, 40, 255]); // the map's maximum: full red
    expect(pixel(picture, 11, 5)).toEqual([...overlayRgb(0, -0.5), 255]);
    expect(pixel(picture, 16, 4)).toEqual([...overlayRgb(1, 0), 255]); // all-zero map: just the image
  });
});
