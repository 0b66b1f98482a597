// Turns a drawn digit (ink on a canvas of any size) into a 28x28 input made the way MNIST's digits
// were: crop to the ink's bounding box, scale (anti-aliased) so its longer side fits a 20x20 box
// keeping the aspect ratio, and place it in 28x28 so its centre of mass is the image centre.
// Pure; the draw pad (src/ui/draw-pad.ts) reads the canvas and calls this.
//
// Coordinates are continuous: pixel i covers [i, i+1), so a 28x28 image's centre is (14, 14).
// Scaling and the sub-pixel shift are one area-weighted resampling (each output pixel is the mean
// of the ink under its footprint), which anti-aliases when shrinking and when enlarging.

import { PIXEL_SCALE } from '../data/batching.ts';

/** Ink in [0, 1], row-major, width x height. */
export interface InkImage {
  width: number;
  height: number;
  ink: ArrayLike<number>;
}

export interface CentringOptions {
  /** Output side (MNIST: 28). */
  size?: number;
  /** Side of the box the longer side of the digit is scaled to (MNIST: 20). */
  box?: number;
  /** Ink at or below this is background when finding the bounding box (stray anti-aliasing). */
  threshold?: number;
}

/** Ink per alpha channel of RGBA bytes (a pad draws opaque strokes on a transparent canvas). */
export function inkFromRgba(rgba: ArrayLike<number>, width: number, height: number): Float32Array {
  const ink = new Float32Array(width * height);
  for (let p = 0; p < ink.length; p++) ink[p] = rgba[p * 4 + 3] / 255;
  return ink;
}

/** Centre of mass in continuous coordinates and the total mass; (NaN, NaN) when there is none. */
export function centreOfMass(values: ArrayLike<number>, width: number, height: number) {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x];
      mass += v;
      sx += v * (x + 0.5);
      sy += v * (y + 0.5);
    }
  }
  return { x: sx / mass, y: sy / mass, mass };
}

/** Smallest box holding every pixel with ink above `threshold`, or null when there is none. */
export function inkBounds(image: InkImage, threshold: number) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.ink[y * image.width + x] <= threshold) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * Weights [size, hi - lo] of area resampling along one axis: output pixel o covers source
 * [origin + o / scale, origin + (o + 1) / scale); each weight is the covered part of a source
 * pixel times `scale`, so weights of a fully covered footprint sum to 1. Source outside [lo, hi)
 * counts as empty (the crop).
 */
function axisWeights(size: number, scale: number, origin: number, lo: number, hi: number): Float32Array {
  const span = hi - lo;
  const weights = new Float32Array(size * span);
  for (let o = 0; o < size; o++) {
    const a = origin + o / scale;
    const b = origin + (o + 1) / scale;
    for (let j = Math.max(lo, Math.floor(a)); j < Math.min(hi, Math.ceil(b)); j++) {
      const covered = Math.min(b, j + 1) - Math.max(a, j);
      if (covered > 0) weights[o * span + (j - lo)] = covered * scale;
    }
  }
  return weights;
}

/**
 * The drawn digit as the network's input: [size * size] values scaled like training inputs
 * (byte * PIXEL_SCALE, so exactly what a dataset image could hold), contrast stretched so the
 * brightest pixel is 1 as MNIST's strokes are. Null when the canvas has no ink.
 */
export function centreDigit(image: InkImage, options: CentringOptions = {}): Float32Array | null {
  const { size = 28, box = 20, threshold = 0.05 } = options;
  if (image.ink.length !== image.width * image.height) {
    throw new Error(`centreDigit: ${image.ink.length} values for a ${image.width}x${image.height} image`);
  }
  const bounds = inkBounds(image, threshold);
  if (!bounds) return null;
  const { x0, y0, x1, y1 } = bounds;
  const scale = box / Math.max(x1 - x0, y1 - y0);
  const crop = new Float32Array((x1 - x0) * (y1 - y0));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) crop[(y - y0) * (x1 - x0) + x - x0] = image.ink[y * image.width + x];
  }
  const com = centreOfMass(crop, x1 - x0, y1 - y0);
  // Output u maps to source x0 + com.x + (u - size / 2) / scale: the centre of mass lands on the centre.
  const wx = axisWeights(size, scale, x0 + com.x - size / 2 / scale, x0, x1);
  const wy = axisWeights(size, scale, y0 + com.y - size / 2 / scale, y0, y1);
  const [spanX, spanY] = [x1 - x0, y1 - y0];
  const rows = new Float32Array(spanY * size); // source rows resampled along x
  for (let y = 0; y < spanY; y++) {
    for (let o = 0; o < size; o++) {
      let sum = 0;
      for (let x = 0; x < spanX; x++) sum += wx[o * spanX + x] * crop[y * spanX + x];
      rows[y * size + o] = sum;
    }
  }
  const out = new Float32Array(size * size);
  let peak = 0;
  for (let o = 0; o < size; o++) {
    for (let x = 0; x < size; x++) {
      let sum = 0;
      for (let y = 0; y < spanY; y++) sum += wy[o * spanY + y] * rows[y * size + x];
      out[o * size + x] = sum;
      peak = Math.max(peak, sum);
    }
  }
  for (let p = 0; p < out.length; p++)
    out[p] = Math.round((Math.min(1, out[p] / peak) || 0) * 255) * PIXEL_SCALE;
  return out;
}
