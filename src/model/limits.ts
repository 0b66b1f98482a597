// Device-limit checks on a described network: the largest activation tensor and the flat
// parameter buffer must each fit one GPU buffer binding. Pure arithmetic on the limits a device
// reports (GPUSupportedLimits); nothing here touches a device.

import type { NetworkDescription } from './shapes.ts';
import type { SpecProblem } from './spec.ts';

/** The two GPUSupportedLimits a buffer must respect to be bound whole. */
export interface DeviceLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/** Tensors are float32 (DESIGN.md). */
const FLOAT_BYTES = 4;

function formatBytes(bytes: number): string {
  return bytes < 2 ** 20 ? `${bytes} bytes` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function activationProblem(d: NetworkDescription, batch: number, limit: number): SpecProblem | null {
  const { layerIndex, elements } = d.totals.largestActivation;
  const bytes = batch * elements * FLOAT_BYTES;
  if (bytes <= limit) return null;
  const layer = layerIndex === null ? null : d.layers[layerIndex];
  const where = layer ? `layer ${layer.index + 1} (${layer.label})` : 'input';
  const shape = (layer ? layer.outputShape : d.input).join('x');
  const maxBatch = Math.floor(limit / (elements * FLOAT_BYTES));
  const smaller = layer
    ? 'make this layer smaller (fewer filters, more stride or pooling before it)'
    : 'use a smaller input';
  const fix = maxBatch >= 1 ? `use a batch of at most ${maxBatch}, or ${smaller}` : smaller;
  return {
    layerIndex,
    message:
      `${where}: ${layer ? 'its output' : 'the input'} for a batch of ${batch} is ${batch}x${shape} float32 ` +
      `= ${formatBytes(bytes)}, more than this device's ${formatBytes(limit)} per buffer; ${fix}`,
  };
}

function parameterProblem(d: NetworkDescription, limit: number): SpecProblem | null {
  const bytes = d.totals.params * FLOAT_BYTES;
  if (bytes <= limit) return null;
  const biggest = d.layers.reduce((a, b) => (b.params > a.params ? b : a));
  return {
    layerIndex: biggest.index,
    message:
      `layer ${biggest.index + 1} (${biggest.label}): the network's ${d.totals.params} parameters need ` +
      `${formatBytes(bytes)} in one buffer, more than this device's ${formatBytes(limit)}; this layer holds ` +
      `${biggest.params} of them: give it fewer units or filters, or pool more before it`,
  };
}

/**
 * Problems with fitting `d` on a device at this batch size. Parameters live in one flat buffer (and
 * gradients and optimizer state in buffers of the same size), so that buffer must fit one binding.
 */
export function deviceLimitProblems(
  d: NetworkDescription,
  batch: number,
  limits: DeviceLimits,
): SpecProblem[] {
  const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  return [activationProblem(d, batch, limit), parameterProblem(d, limit)].filter(
    (problem): problem is SpecProblem => problem !== null,
  );
}
