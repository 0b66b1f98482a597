// What the CPU backend adds for the live views. probe: a second CpuNetwork at batch PROBE_MAX that
// runs the forward pass of a few images on a copy of the current parameters and hands back every
// layer's output and the softmax (its own tensors: training state and metrics are never touched).
// parameterStats: the segment_stats reference over the flat parameters, gradients and optimizer
// state. Not the training network and no backward pass.

import { PLAIN_STATS } from '../ops/segment_stats.ts';
import { segmentStats } from '../reference/segment_stats.ts';
import { PROBE_MAX, type OptimizerSettings, type ParameterTensorStats, type ProbeResult } from './backend.ts';
import {
  checkProbeInput,
  describeAtBatch,
  joinParameterStats,
  parameterTensors,
  softmaxRows,
  updateStatsParams,
} from './backend-views.ts';
import { CpuNetwork } from './cpu-network.ts';
import { shapeElements, type NetworkDescription } from './shapes.ts';

export class CpuProbe {
  private readonly network: CpuNetwork;

  constructor(description: NetworkDescription) {
    this.network = new CpuNetwork(describeAtBatch(description, PROBE_MAX));
  }

  /** Forward pass of `count` images (checked) at `parameters` (the flat layout). */
  run(parameters: Float32Array, images: Float32Array, count: number): ProbeResult {
    const net = this.network;
    checkProbeInput(net.description, images, count);
    net.params.set(parameters);
    // Rows past `count` are computed on zeros and dropped.
    net.images.fill(0);
    net.images.set(images);
    net.labels.fill(0);
    net.forward();
    const outputs = net.layers.map((layer) =>
      layer.output.slice(0, count * shapeElements(layer.description.outputShape)),
    );
    const classes = shapeElements(net.head.description.outputShape);
    return { count, outputs, probabilities: softmaxRows(outputs[outputs.length - 1], count, classes) };
  }
}

/**
 * Backend.parameterStats over a CPU network and its optimizer slots (SGD: [velocity, unused];
 * Adam: [m, v]); `kind` and `updates` are the optimizer's (Adam's t of the last update).
 */
export function cpuParameterStats(
  network: CpuNetwork,
  slots: readonly [Float32Array, Float32Array],
  kind: OptimizerSettings['kind'],
  updates: number,
  adam: Pick<OptimizerSettings, 'beta1' | 'beta2' | 'epsilon'>,
): ParameterTensorStats[] {
  const tensors = parameterTensors(network.layout);
  const parameters = segmentStats(network.params, null, tensors, PLAIN_STATS);
  const gradients = segmentStats(network.grads, null, tensors, PLAIN_STATS);
  const how = updateStatsParams(kind, updates, adam);
  const update = how && segmentStats(slots[0], how.mode === 'adam' ? slots[1] : null, tensors, how);
  return joinParameterStats(tensors, parameters, gradients, update);
}
