// Input gradients, shared by both backends (gpu-input-grad.ts, cpu-input-grad.ts): what a gradient
// with respect to the network's INPUT is the gradient of (an Objective, one per image row), and the
// host-side "seed" that starts the backward pass: d objective / d (pre-activation of the layer where
// the objective lives). Class visualisation (dream.ts) ascends these gradients; saliency
// (saliency.ts) reads them. Plain arithmetic: no GPU objects, no training state.

import type { NetworkDescription } from './shapes.ts';
import { shapeElements } from './shapes.ts';

/**
 * What row b's input gradient is the gradient of.
 * - logits: sum_c upstream[b, c] * logit[b, c]: any upstream gradient on the logits (a one-hot row
 *   maximises one class logit, as Simonyan et al. 2014).
 * - logProbability: log softmax(logits)[b, classes[b]] (its upstream is onehot - softmax, so it also
 *   pushes the other classes down).
 * - unit: the mean over positions of the PRE-activation of channel units[b] of conv layer
 *   `layerIndex` (or unit units[b] of an fc layer). Pre-activation, so a unit that is off (relu 0)
 *   still has a gradient to climb.
 * Rows past the given ones (up to the engine's batch) have a zero upstream and are ignored.
 */
export type Objective =
  | { kind: 'logits'; upstream: Float32Array }
  | { kind: 'logProbability'; classes: readonly number[] }
  | { kind: 'unit'; layerIndex: number; units: readonly number[] };

export interface InputGradientResult {
  count: number;
  /** [count, C, H, W]: d objective / d input of each row. */
  gradient: Float32Array;
  /** [count, classes]. */
  logits: Float32Array;
  /** [count, classes] softmax of the logits. */
  probabilities: Float32Array;
}

/** Where the backward pass starts and with what (both backends build theirs from this). */
export interface ObjectiveSeed {
  /** Index of the layer whose pre-activation gradient is seeded. */
  layerIndex: number;
  /**
   * [batch, ...outputShape of that layer]: d objective / d its pre-activation, or null for
   * logProbability, whose seed depends on the forward pass (onehot(classes) - softmax).
   */
  values: Float32Array<ArrayBuffer> | null;
  /** logProbability only: the class of each of the batch's rows (0 past the given rows). */
  classes: Uint32Array<ArrayBuffer> | null;
}

/** d objective / d logits of every row for a one-hot upstream: each row's own class logit. */
export function classLogits(classes: readonly number[], classCount: number): Objective {
  const upstream = new Float32Array(classes.length * classCount);
  classes.forEach((c, row) => (upstream[row * classCount + c] = 1));
  return { kind: 'logits', upstream };
}

export function classCountOf(description: NetworkDescription): number {
  const head = description.layers[description.layers.length - 1];
  if (head.kind !== 'classify') throw new Error('input gradients: the last layer must be classify');
  return head.dense.outFeatures;
}

function checkRows(rows: number, batch: number, what: string): void {
  if (rows < 1 || rows > batch)
    throw new RangeError(`input gradients: ${what} gives ${rows} rows; give 1 to ${batch} (the batch)`);
}

function checkIndex(value: number, limit: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= limit)
    throw new RangeError(`input gradients: ${what} ${value} is not in [0, ${limit - 1}]`);
}

/** Checks `objective` against the network at `batch` rows and builds its seed; throws naming the fix. */
export function objectiveSeed(
  description: NetworkDescription,
  objective: Objective,
  batch: number,
): ObjectiveSeed {
  const last = description.layers.length - 1;
  const classCount = classCountOf(description);
  if (objective.kind === 'logits') {
    const { upstream } = objective;
    if (upstream.length % classCount !== 0)
      throw new RangeError(
        `input gradients: upstream has ${upstream.length} floats, not rows of ${classCount}`,
      );
    checkRows(upstream.length / classCount, batch, 'the upstream gradient');
    const values = new Float32Array(batch * classCount);
    values.set(upstream);
    return { layerIndex: last, values, classes: null };
  }
  if (objective.kind === 'logProbability') {
    checkRows(objective.classes.length, batch, 'classes');
    objective.classes.forEach((c) => checkIndex(c, classCount, 'class'));
    const classes = new Uint32Array(batch);
    classes.set(objective.classes);
    return { layerIndex: last, values: null, classes };
  }
  const layer = description.layers[objective.layerIndex];
  if (!layer || (layer.kind !== 'conv' && layer.kind !== 'fc'))
    throw new RangeError(`input gradients: layer ${objective.layerIndex} is not a conv or fc layer`);
  checkRows(objective.units.length, batch, 'units');
  const [channels, height, width] = layer.outputShape;
  const plane = height * width;
  const values = new Float32Array(batch * shapeElements(layer.outputShape));
  objective.units.forEach((unit, row) => {
    checkIndex(unit, channels, `layer ${objective.layerIndex} unit`);
    const start = (row * channels + unit) * plane;
    values.fill(1 / plane, start, start + plane);
  });
  return { layerIndex: objective.layerIndex, values, classes: null };
}

/** The number of rows an objective speaks for. */
export function objectiveRows(objective: Objective, classCount: number): number {
  if (objective.kind === 'logits') return objective.upstream.length / classCount;
  return objective.kind === 'logProbability' ? objective.classes.length : objective.units.length;
}
