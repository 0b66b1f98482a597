// Settings of gradient ascent on the input (class visualisation) and the per-step image_ascent
// params they give: seeded jitter, blur every k steps. Shared by the GPU (gpu-ascent.ts) and CPU
// (cpu-ascent.ts) runners so both walk the same schedule. Plain arithmetic; no GPU objects.

import type { ImageAscentParams } from '../ops/image_ascent.ts';
import { wrapShift } from '../ops/image_ascent.ts';
import { Random } from '../util/random.ts';
import type { Shape3 } from './shapes.ts';

export interface AscentSettings {
  /** Pixel change per step, in units of the (normalised) gradient. */
  stepSize: number;
  /** Jitter: each step rolls the image by a seeded -jitter..jitter pixels in x and in y. */
  jitter: number;
  /** Blur the image every this many steps (0: never). */
  blurEvery: number;
  /** L2 decay of the pixels per step (pulls them to 0, the MNIST background). */
  decay: number;
  /** Weight of the total-variation penalty (favours flat regions and clean strokes). */
  tvWeight: number;
  /** Divide the gradient by its mean |value| per image, so the step size does not depend on how
   * steep the network is (it changes a lot during training). */
  normalize: boolean;
  /** Pixel range (training inputs are bytes / 255). */
  low: number;
  high: number;
}

export const DEFAULT_ASCENT: AscentSettings = {
  stepSize: 0.02,
  jitter: 2,
  blurEvery: 4,
  decay: 0.08,
  tvWeight: 0.1,
  normalize: true,
  low: 0,
  high: 1,
};

/** Walks the seeded schedule: one call per step gives that step's image_ascent params. */
export class AscentSchedule {
  private readonly random: Random;
  private step = 0;

  constructor(
    private readonly input: Shape3,
    private readonly batch: number,
    seed: number,
  ) {
    this.random = new Random(seed);
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.step;
  }

  next(settings: AscentSettings, gradientScale: number): ImageAscentParams {
    const [channels, height, width] = this.input;
    const span = 2 * Math.max(0, Math.floor(settings.jitter)) + 1;
    const shiftX = wrapShift(this.random.int(span) - (span - 1) / 2, width);
    const shiftY = wrapShift(this.random.int(span) - (span - 1) / 2, height);
    const blur = settings.blurEvery > 0 && this.step % settings.blurEvery === settings.blurEvery - 1;
    this.step++;
    return {
      batch: this.batch,
      channels,
      height,
      width,
      shiftX,
      shiftY,
      blur,
      normalize: settings.normalize,
      stepSize: settings.stepSize,
      gradientScale,
      decay: settings.decay,
      tvWeight: settings.tvWeight,
      low: settings.low,
      high: settings.high,
    };
  }
}

/** The params of a plain copy of the image into the input (no jitter, no blur): for read-outs. */
export function copyParams(input: Shape3, batch: number): ImageAscentParams {
  const [channels, height, width] = input;
  return {
    ...{ batch, channels, height, width, shiftX: 0, shiftY: 0, blur: false, normalize: false },
    ...{ stepSize: 0, gradientScale: 1, decay: 0, tvWeight: 0, low: 0, high: 1 },
  };
}
