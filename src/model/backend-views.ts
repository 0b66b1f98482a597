// What both backends share for the view methods of backend.ts (probe, readParameters,
// parameterStats, evaluate's predictions): argument checks with messages that name the fix, the
// host-side softmax and argmax over read-back logits, and the list of parameter tensors whose
// statistics are reported. Plain arithmetic: no GPU objects, no training logic.

import type { Segment, SegmentStatsParams } from '../ops/segment_stats.ts';
import { adamBiasCorrections } from '../ops/adam.ts';
import { PROBE_MAX, type OptimizerSettings, type ParameterTensorStats, type TensorStats } from './backend.ts';
import type { ParameterLayout } from './layout.ts';
import { shapeElements, type NetworkDescription } from './shapes.ts';

/** Throws unless `images` holds `count` (1..PROBE_MAX) whole inputs of the network. */
export function checkProbeInput(description: NetworkDescription, images: Float32Array, count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > PROBE_MAX) {
    throw new RangeError(`probe: count must be a whole number in [1, ${PROBE_MAX}], got ${count}`);
  }
  const pixels = shapeElements(description.input);
  if (images.length !== count * pixels) {
    throw new RangeError(
      `probe: ${count} image(s) of ${description.input.join('x')} need ${count * pixels} floats, got ${images.length}`,
    );
  }
}

/** Throws unless [offset, offset + length) lies inside the flat parameters. */
export function checkParameterRange(offset: number, length: number, total: number): void {
  const whole = Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 1;
  if (!whole || offset + length > total) {
    throw new RangeError(
      `readParameters: ${length} float(s) at ${offset} are not inside the ${total} parameters; ` +
        'take offsets and lengths from parameterLayout()',
    );
  }
}

/** Row-wise softmax of [rows, classes] logits, in doubles (stable: the row maximum is subtracted). */
export function softmaxRows(logits: Float32Array, rows: number, classes: number): Float32Array {
  const out = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const row = logits.subarray(r * classes, (r + 1) * classes);
    let max = -Infinity;
    for (const value of row) if (value > max) max = value;
    let total = 0;
    for (let c = 0; c < classes; c++) total += Math.exp(row[c] - max);
    for (let c = 0; c < classes; c++) out[r * classes + c] = Math.exp(row[c] - max) / total;
  }
  return out;
}

/** The first maximum of each of `rows` rows of [rows, classes] logits (as metrics_accumulate counts). */
export function argmaxRows(
  logits: Float32Array,
  rows: number,
  classes: number,
  out: Uint8Array,
  at = 0,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[base + c] > logits[base + best]) best = c;
    out[at + r] = best;
  }
}

/** One weight or bias tensor of the flat layout. */
export interface ParameterTensor extends Segment {
  layerIndex: number;
  tensor: 'weight' | 'bias';
}

/** Every layer's weight then bias, in layout order (the segments parameterStats reports). */
export function parameterTensors(layout: ParameterLayout): ParameterTensor[] {
  return layout.layers.flatMap((layer) => [
    { layerIndex: layer.layerIndex, tensor: 'weight' as const, ...layer.weight },
    { layerIndex: layer.layerIndex, tensor: 'bias' as const, ...layer.bias },
  ]);
}

/**
 * How the last update is read from the optimizer state: SGD's velocity is the update over the
 * learning rate; Adam's is m_hat / (sqrt(v_hat) + epsilon) with t = `updates`. null before any update.
 */
export function updateStatsParams(
  kind: OptimizerSettings['kind'],
  updates: number,
  adam: Pick<OptimizerSettings, 'beta1' | 'beta2' | 'epsilon'>,
): SegmentStatsParams | null {
  if (updates === 0) return null;
  if (kind === 'sgd') return { mode: 'plain', correction1: 1, correction2: 1, epsilon: 0 };
  const { correction1, correction2 } = adamBiasCorrections({
    ...adam,
    learningRate: 0,
    weightDecay: 0,
    step: updates,
  });
  return { mode: 'adam', correction1, correction2, epsilon: adam.epsilon };
}

/** Joins per-tensor statistics of parameters, gradients and update into parameterStats' answer. */
export function joinParameterStats(
  tensors: readonly ParameterTensor[],
  parameters: readonly TensorStats[],
  gradients: readonly TensorStats[],
  update: readonly TensorStats[] | null,
): ParameterTensorStats[] {
  return tensors.map((t, i) => ({
    layerIndex: t.layerIndex,
    tensor: t.tensor,
    parameters: parameters[i],
    gradients: gradients[i],
    update: update ? update[i] : null,
  }));
}

/** The same network with every op's batch set to `batch` (the probe's, or any other). */
export function describeAtBatch(description: NetworkDescription, batch: number): NetworkDescription {
  const layers = description.layers.map((layer) => {
    switch (layer.kind) {
      case 'conv':
        return { ...layer, conv2d: { ...layer.conv2d, batch } };
      case 'pool':
        return { ...layer, pool2d: { ...layer.pool2d, batch } };
      case 'fc':
        return { ...layer, dense: { ...layer.dense, batch } };
      case 'classify':
        return {
          ...layer,
          dense: { ...layer.dense, batch },
          softmaxCrossEntropy: { ...layer.softmaxCrossEntropy, batch },
        };
    }
  });
  return { ...description, batch, layers };
}
