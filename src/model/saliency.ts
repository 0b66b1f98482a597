// Saliency for one image: which pixels drove the score of a target class (its logit). Three maps:
// gradient x input (Simonyan et al. 2014; Shrikumar et al. 2016), SmoothGrad (Smilkov et al. 2017:
// the mean gradient over noisy copies, run as ONE batch), and an occlusion sweep (Zeiler & Fergus
// 2014: patches greyed out, run as batches through Backend.probe; each pixel gets the mean logit
// drop of the patches covering it). Works on either backend: GpuInputGradients and
// CpuInputGradients are both a GradientSource. Also the measure the tests report: how much of a
// map's mass lies on or next to the stroke pixels. Maps are signed, [H*W] per channel plane.

import { PROBE_MAX, type ProbeResult } from './backend.ts';
import { classLogits, type InputGradientResult, type Objective } from './input-gradient.ts';
import { Random } from '../util/random.ts';

export interface GradientSource {
  readonly batch: number;
  gradient(
    images: Float32Array,
    count: number,
    objective: Objective,
  ): InputGradientResult | Promise<InputGradientResult>;
}

export type ProbeFunction = (images: Float32Array, count: number) => Promise<ProbeResult>;

export interface SaliencyMap {
  /** Same shape as the image. */
  values: Float32Array;
  target: number;
}

/** The first maximum of `scores` (the predicted class). */
export function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  return best;
}

/** d logit_target / d input, times the input. */
export async function gradientTimesInput(
  source: GradientSource,
  image: Float32Array,
  target: number,
  classCount: number,
): Promise<SaliencyMap> {
  const result = await source.gradient(image, 1, classLogits([target], classCount));
  const values = result.gradient.map((g, i) => g * image[i]);
  return { values, target };
}

export interface SmoothGradOptions {
  /** Noisy copies; at most the source's batch (they run as one batch). */
  samples: number;
  /** Standard deviation of the Gaussian noise, in pixel units (the pixel range is 0..1). */
  sigma: number;
  seed: number;
}

export const DEFAULT_SMOOTHGRAD: SmoothGradOptions = { samples: 16, sigma: 0.15, seed: 0 };

/** The mean over noisy copies of d logit_target / d input: one gradient call of `samples` images. */
export async function smoothGrad(
  source: GradientSource,
  image: Float32Array,
  target: number,
  classCount: number,
  options: SmoothGradOptions = DEFAULT_SMOOTHGRAD,
): Promise<SaliencyMap> {
  const n = Math.min(options.samples, source.batch);
  const pixels = image.length;
  const random = new Random(options.seed);
  const noisy = new Float32Array(n * pixels);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < pixels; i++) noisy[s * pixels + i] = image[i] + options.sigma * random.normal();
  }
  const result = await source.gradient(noisy, n, classLogits(new Array<number>(n).fill(target), classCount));
  const values = new Float32Array(pixels);
  for (let s = 0; s < n; s++)
    for (let i = 0; i < pixels; i++) values[i] += result.gradient[s * pixels + i] / n;
  return { values, target };
}

export interface OcclusionOptions {
  /** Side of the square patch. */
  patch: number;
  stride: number;
  /** Value the patch is set to. */
  fill: number;
}

/**
 * Patches are set to 0, the MNIST background ("greyed out" in the digits' own terms): the map then
 * says what the ink there contributed. A mid-grey patch would add a blob the network never saw
 * and mostly measure that (measured: 32% of its mass near the strokes, against 75% for 0).
 */
export const DEFAULT_OCCLUSION: OcclusionOptions = { patch: 5, stride: 1, fill: 0 };

/** Top-left corners along one side: every `stride`, plus the last one flush with the edge. */
export function patchStarts(size: number, patch: number, stride: number): number[] {
  const last = Math.max(0, size - patch);
  const starts: number[] = [];
  for (let s = 0; s < last; s += stride) starts.push(s);
  starts.push(last);
  return starts;
}

/**
 * Occlusion of a [C, H, W] image: for each patch position, the drop of the target logit when the
 * patch (all channels) is set to `fill`; each pixel gets the mean drop over the patches covering it.
 * Runs the occluded images through `probe` PROBE_MAX at a time.
 */
export async function occlusion(
  probe: ProbeFunction,
  image: Float32Array,
  shape: readonly [number, number, number],
  target: number,
  options: OcclusionOptions = DEFAULT_OCCLUSION,
): Promise<SaliencyMap> {
  const [channels, height, width] = shape;
  const plane = height * width;
  const patches = patchStarts(height, options.patch, options.stride).flatMap((y) =>
    patchStarts(width, options.patch, options.stride).map((x) => [y, x] as const),
  );
  const base = (await probe(image, 1)).outputs.at(-1)![target];
  const drops = new Float32Array(patches.length);
  for (let first = 0; first < patches.length; first += PROBE_MAX) {
    const chunk = patches.slice(first, first + PROBE_MAX);
    const batch = new Float32Array(chunk.length * image.length);
    chunk.forEach(([y0, x0], k) => {
      const copy = batch.subarray(k * image.length, (k + 1) * image.length);
      copy.set(image);
      for (let c = 0; c < channels; c++)
        for (let y = y0; y < Math.min(height, y0 + options.patch); y++)
          copy.fill(
            options.fill,
            c * plane + y * width + x0,
            c * plane + y * width + Math.min(width, x0 + options.patch),
          );
    });
    const logits = (await probe(batch, chunk.length)).outputs.at(-1)!;
    const classes = logits.length / chunk.length;
    chunk.forEach((_, k) => (drops[first + k] = base - logits[k * classes + target]));
  }
  const sum = new Float64Array(plane);
  const covered = new Float64Array(plane);
  patches.forEach(([y0, x0], k) => {
    for (let y = y0; y < Math.min(height, y0 + options.patch); y++)
      for (let x = x0; x < Math.min(width, x0 + options.patch); x++) {
        sum[y * width + x] += drops[k];
        covered[y * width + x] += 1;
      }
  });
  const values = new Float32Array(image.length);
  for (let c = 0; c < channels; c++)
    for (let i = 0; i < plane; i++) values[c * plane + i] = sum[i] / covered[i];
  return { values, target };
}

/**
 * Pixels of a [H, W] plane at or above `threshold`, grown by `dilation` pixels (8-neighbourhood):
 * "on or next to the stroke".
 */
export function strokeMask(
  plane: ArrayLike<number>,
  height: number,
  width: number,
  threshold = 0.5,
  dilation = 1,
): Uint8Array {
  const mask = new Uint8Array(height * width);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      if (plane[y * width + x] < threshold) continue;
      for (let yy = Math.max(0, y - dilation); yy <= Math.min(height - 1, y + dilation); yy++)
        for (let xx = Math.max(0, x - dilation); xx <= Math.min(width - 1, x + dilation); xx++)
          mask[yy * width + xx] = 1;
    }
  return mask;
}

/** The share of sum |map| that lies where mask is 1 (0 for an all-zero map). */
export function massInMask(map: ArrayLike<number>, mask: Uint8Array): number {
  let inside = 0;
  let total = 0;
  for (let i = 0; i < mask.length; i++) {
    const v = Math.abs(map[i]);
    total += v;
    if (mask[i]) inside += v;
  }
  return total > 0 ? inside / total : 0;
}

/** Indices of the `k` largest values of `map` (ties: the lower index first). */
export function topPixels(map: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: map.length }, (_, i) => i)
    .sort((a, b) => map[b] - map[a] || a - b)
    .slice(0, k);
}

/**
 * Deletion check (Samek et al. 2017): the drop of the target logit when the given pixels are set
 * to `fill`. A map that means something picks pixels whose deletion costs more than random ones.
 */
export async function deletionDrop(
  probe: ProbeFunction,
  image: Float32Array,
  pixels: readonly number[],
  target: number,
  fill = 0,
): Promise<number> {
  const erased = image.slice();
  for (const i of pixels) erased[i] = fill;
  const both = new Float32Array(2 * image.length);
  both.set(image);
  both.set(erased, image.length);
  const logits = (await probe(both, 2)).outputs.at(-1)!;
  const classes = logits.length / 2;
  return logits[target] - logits[classes + target];
}
