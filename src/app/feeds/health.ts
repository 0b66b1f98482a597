// The health feed: per layer, the range of its output over a fixed probe batch (the first test
// images, so values are comparable over time), the fraction of dead units, the ranges of its
// weights and their last gradients, and the size of the last update relative to the weights
// (HealthView, view-types.ts). Two readbacks, one after the other: a probe and parameterStats
// (the GPU reduces each tensor to 5 words there). Rate-limited by Feed.

import type { ParameterTensorStats, ProbeResult, TensorStats } from '../../model/backend.ts';
import { PROBE_MAX } from '../../model/backend.ts';
import type { NetworkDescription } from '../../model/shapes.ts';
import type { HealthView, LayerHealth, Range } from '../view-types.ts';
import { Feed, type FeedOptions } from './feed.ts';
import { probeInputs } from './probe.ts';
import { readCurrent, type TrainerSource, type WatchedTrainer } from './source.ts';

export const HEALTH_INTERVAL_MS = 1000;

/** Range of reduced statistics; all NaN when any value was NaN or infinite (so the view flags it). */
export function rangeOf(stats: TensorStats): Range {
  const finite = stats.count - stats.nonFinite;
  if (stats.nonFinite > 0 || finite === 0) return { min: NaN, max: NaN, mean: NaN, rms: NaN };
  return {
    min: stats.min,
    max: stats.max,
    mean: stats.sum / finite,
    rms: Math.sqrt(stats.sumSquares / finite),
  };
}

/** Range of a tensor on the host, in doubles (NaN in, NaN out). */
export function rangeOfValues(values: Float32Array): Range {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let squares = 0;
  // An indexed loop: this runs on the page every few seconds, mostly before V8 optimises it, and
  // an iterator costs several times more per value there.
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    squares += v * v;
  }
  if (values.length === 0 || Number.isNaN(sum)) return { min: NaN, max: NaN, mean: NaN, rms: NaN };
  return { min, max, mean: sum / values.length, rms: Math.sqrt(squares / values.length) };
}

/**
 * Fraction of units (channels of [count, C, H, W], or units of an fc output [count, U, 1, 1]) whose
 * output is exactly zero at every position for every image: a relu that never fires.
 */
export function deadFraction(
  output: Float32Array,
  count: number,
  shape: readonly [number, number, number],
): number {
  const [units, height, width] = shape;
  const area = height * width;
  let dead = 0;
  for (let u = 0; u < units; u++) {
    let alive = false;
    for (let n = 0; n < count && !alive; n++) {
      const base = (n * units + u) * area;
      for (let p = 0; p < area; p++) {
        if (output[base + p] !== 0) {
          alive = true;
          break;
        }
      }
    }
    if (!alive) dead++;
  }
  return units === 0 ? 0 : dead / units;
}

/**
 * One row per layer. `learningRate` turns the last update over the learning rate (parameterStats)
 * into ||delta w|| / ||w|| for each layer's weights (w after the update; they differ by the ratio
 * itself, ~1e-3, which does not matter for a health reading).
 */
export function layerHealth(
  description: NetworkDescription,
  probe: ProbeResult,
  stats: readonly ParameterTensorStats[],
  learningRate: number,
): LayerHealth[] {
  const weights = new Map(stats.filter((s) => s.tensor === 'weight').map((s) => [s.layerIndex, s]));
  return description.layers.map((d, i) => {
    const w = weights.get(d.index);
    let updateRatio: number | null = null;
    if (w?.update && w.parameters.sumSquares > 0) {
      updateRatio = (learningRate * Math.sqrt(w.update.sumSquares)) / Math.sqrt(w.parameters.sumSquares);
    }
    return {
      layerIndex: d.index,
      label: d.label,
      activation: rangeOfValues(probe.outputs[i]),
      deadFraction: deadFraction(probe.outputs[i], probe.count, d.outputShape),
      weight: w ? rangeOf(w.parameters) : null,
      gradient: w ? rangeOf(w.gradients) : null,
      updateRatio,
    };
  });
}

/** Reads health at the trainer's current step over its first `probeCount` test images. */
export async function readHealth(trainer: WatchedTrainer, probeCount = PROBE_MAX): Promise<HealthView> {
  const { backend, totalSteps: step, optimizer } = trainer;
  const count = Math.min(probeCount, trainer.dataset.test.count);
  const inputs = probeInputs(trainer.dataset, { testIndices: Array.from({ length: count }, (_, i) => i) });
  const learningRate = trainer.nextLearningRate;
  // One readback at a time, as every feed promises.
  const probe = await backend.probe(inputs.images, inputs.count);
  const stats = await backend.parameterStats(optimizer);
  return { step, layers: layerHealth(backend.description, probe, stats, learningRate) };
}

export interface HealthFeedOptions extends FeedOptions {
  /** Test images in the probe batch (default PROBE_MAX). */
  probeCount: number;
}

/** A feed of HealthViews; request() after each chunk. */
export function createHealthFeed(
  source: TrainerSource,
  onView: (view: HealthView) => void,
  options: Partial<HealthFeedOptions> = {},
): Feed<void, HealthView> {
  const { probeCount = PROBE_MAX, ...feedOptions } = options;
  return new Feed<void, HealthView>(
    () => readCurrent(source, (trainer) => readHealth(trainer, probeCount)),
    onView,
    { minIntervalMs: HEALTH_INTERVAL_MS, ...feedOptions },
  );
}
