// CPU reference for image_ascent (src/ops/image_ascent.ts has the maths): naive loops in float64,
// each result rounded once to float32 on store. Independent of the WGSL; the kernel is checked
// against this, and the CPU dreams (src/model/cpu-ascent.ts) run it directly (images are small).

import {
  imageAscentPixels,
  NORMALIZE_EPSILON,
  validateImageAscent,
  type ImageAscentParams,
} from '../ops/image_ascent.ts';
import type { FloatArray } from '../ops/types.ts';
import { checkLength } from './check.ts';

const OP = 'image_ascent';

function shapeOf(p: ImageAscentParams): number[] {
  return [p.batch, p.channels, p.height, p.width];
}

/** [1, 2, 1] x [1, 2, 1] blur of one pixel, over the taps inside the plane, divided by their weight. */
function blurAt(plane: FloatArray, start: number, y: number, x: number, h: number, w: number): number {
  let sum = 0;
  let weight = 0;
  for (let dy = -1; dy <= 1; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= h) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      if (xx < 0 || xx >= w) continue;
      const tap = (dy === 0 ? 2 : 1) * (dx === 0 ? 2 : 1);
      sum += tap * plane[start + yy * w + xx];
      weight += tap;
    }
  }
  return sum / weight;
}

/** input = roll(blur?(image), shiftY, shiftX): what the network sees this step. */
export function imageAscentForward(input: FloatArray, image: FloatArray, p: ImageAscentParams): void {
  validateImageAscent(p);
  checkLength(OP, 'input', input, shapeOf(p));
  checkLength(OP, 'image', image, shapeOf(p));
  const { height: h, width: w } = p;
  for (let plane = 0; plane < p.batch * p.channels; plane++) {
    const start = plane * h * w;
    for (let y = 0; y < h; y++) {
      const sy = (y - p.shiftY + h) % h;
      for (let x = 0; x < w; x++) {
        const sx = (x - p.shiftX + w) % w;
        input[start + y * w + x] = p.blur ? blurAt(image, start, sy, sx, h, w) : image[start + sy * w + sx];
      }
    }
  }
}

/** -1, 0 or 1 by comparison (never a subtraction, which a flush-to-zero device could round to 0). */
function signOf(a: number, b: number): number {
  return a > b ? 1 : a < b ? -1 : 0;
}

/** image = clamp(v + stepSize * (scaled g - decay * v - tvWeight * tv), low, high), from input and gradient. */
export function imageAscentUpdate(
  image: FloatArray,
  input: FloatArray,
  gradient: FloatArray,
  p: ImageAscentParams,
): void {
  validateImageAscent(p);
  for (const [name, array] of [
    ['image', image],
    ['input', input],
    ['gradient', gradient],
  ] as const)
    checkLength(OP, name, array, shapeOf(p));
  const { height: h, width: w } = p;
  const pixels = imageAscentPixels(p);
  // The kernel receives these as f32 uniforms.
  const [step, scale, decay, tvWeight, low, high] = [
    p.stepSize,
    p.gradientScale,
    p.decay,
    p.tvWeight,
    p.low,
    p.high,
  ].map(Math.fround);
  for (let b = 0; b < p.batch; b++) {
    const base = b * pixels;
    let absSum = 0;
    for (let i = 0; i < pixels; i++) absSum += Math.abs(gradient[base + i]);
    const norm = p.normalize ? (Math.abs(scale) * absSum) / pixels + NORMALIZE_EPSILON : 1;
    for (let c = 0; c < p.channels; c++) {
      const start = base + c * h * w;
      // The value of image pixel (y, x) this step: where the roll put it in `input`.
      const at = (y: number, x: number) => start + ((y + p.shiftY) % h) * w + ((x + p.shiftX) % w);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const q = at(y, x);
          const v = input[q];
          let tv = 0;
          if (y > 0) tv += signOf(v, input[at(y - 1, x)]);
          if (y < h - 1) tv += signOf(v, input[at(y + 1, x)]);
          if (x > 0) tv += signOf(v, input[at(y, x - 1)]);
          if (x < w - 1) tv += signOf(v, input[at(y, x + 1)]);
          const g = (scale * gradient[q]) / norm;
          const next = v + step * (g - decay * v - tvWeight * tv);
          image[start + y * w + x] = Math.min(high, Math.max(low, next));
        }
      }
    }
  }
}
