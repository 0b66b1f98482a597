// The generator CLI's training loop and pictures: trains a GeneratorModel in chunks with a progress
// line, keeping a loss curve (mean losses over every `every` steps), and draws the sample grid (a
// row per class) as RGBA. Backend-neutral (any GeneratorModel). Not argument parsing or file output.

import type { GeneratorModel } from '../generator/types.ts';
import { greyRgb } from '../viz/dream-images.ts';
import { montage, type RgbaImage, type Tile } from '../viz/montage.ts';
import { ProgressBar } from './progress.ts';

/** Mean losses of the `steps` steps ending at `step`. */
export interface CurvePoint {
  step: number;
  loss: number;
  reconstruction: number;
  kl: number;
  /** Classifier agreement of the samples at this step (only with a `check`). */
  agreement?: number;
}

export interface TrainingRun {
  curve: CurvePoint[];
  seconds: number;
  imagesPerSecond: number;
}

/** Curve spacing: about 20 points per run, at most every 100 steps. */
export function curveSpacing(total: number): number {
  return Math.min(100, Math.max(1, Math.ceil(total / 20)));
}

export function formatGeneratorProgress(
  step: number,
  total: number,
  p: CurvePoint,
  perSecond: number,
): string {
  const width = 24;
  const filled = Math.round(Math.min(1, step / Math.max(1, total)) * width);
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${step}/${total}` +
    `  loss ${p.loss.toFixed(2)} (reconstruction ${p.reconstruction.toFixed(2)} + KL ${p.kl.toFixed(2)})` +
    (p.agreement === undefined ? '' : `  agreement ${(p.agreement * 100).toFixed(1)}%`) +
    `  ${Math.round(perSecond)} img/s`
  );
}

/**
 * Trains `total` steps; one curve point per `every` steps (the last may cover fewer). With
 * `check`, each point also records its result (the classifier agreement); its time is not
 * counted as training time.
 */
export async function trainWithCurve(
  model: GeneratorModel,
  total: number,
  every = curveSpacing(total),
  bar: ProgressBar | null = new ProgressBar(),
  check?: () => Promise<number>,
): Promise<TrainingRun> {
  const curve: CurvePoint[] = [];
  let seconds = 0;
  let done = 0;
  while (done < total) {
    const steps = Math.min(every, total - done);
    const chunkStart = performance.now();
    const result = await model.train(steps);
    seconds += (performance.now() - chunkStart) / 1000;
    done += steps;
    const point: CurvePoint = {
      step: done,
      loss: result.loss,
      reconstruction: result.reconstruction,
      kl: result.kl,
    };
    if (check) point.agreement = await check();
    curve.push(point);
    const perSecond = (done * model.config.batch) / Math.max(seconds, 1e-9);
    bar?.updateText(formatGeneratorProgress(done, total, point, perSecond), done >= total);
  }
  bar?.done();
  return { curve, seconds, imagesPerSecond: (total * model.config.batch) / Math.max(seconds, 1e-9) };
}

/** Images [classes * perClass, side*side] in [0,1], class-major, as a grid with a row per class. */
export function sampleGridImage(
  images: Float32Array,
  classes: number,
  perClass: number,
  side = 28,
  scale = 2,
): RgbaImage {
  const plane = side * side;
  const grid: Tile[][] = Array.from({ length: classes }, (_, c) =>
    Array.from({ length: perClass }, (_, i) => {
      const at = (c * perClass + i) * plane;
      return { width: side, height: side, values: images.subarray(at, at + plane) };
    }),
  );
  return montage(grid, { scale, gap: 2, background: 90, colormap: greyRgb });
}
