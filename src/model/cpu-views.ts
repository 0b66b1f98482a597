// What the CPU backend adds for the live views. probe: a second CpuNetwork whose tensors are sized
// for PROBE_MAX images runs the forward pass of `count` images at batch `count` (the tensors are
// batch-major, so its layers at a count are views of their first rows, made on first use) on a
// copy of the current parameters and hands back every layer's output and the softmax (its own
// tensors: training state and metrics are never touched).
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
import { createConv2dWorkspace, createGemmWorkspace } from '../fast/index.ts';
import type { Conv2dParams } from '../ops/conv2d.ts';
import { forwardLayer, type CpuLayer, type CpuWorkspaces } from './cpu-layers.ts';
import { CpuNetwork } from './cpu-network.ts';
import { shapeElements, type LayerDescription, type NetworkDescription } from './shapes.ts';

export class CpuProbe {
  /** At batch PROBE_MAX: the tensors every count's layers are views of. */
  private readonly network: CpuNetwork;
  private readonly workspaces: CpuWorkspaces;
  private readonly layersAtCount = new Map<number, CpuLayer[]>();

  constructor(private readonly training: NetworkDescription) {
    this.network = new CpuNetwork(describeAtBatch(training, PROBE_MAX));
    const convs: Conv2dParams[] = [];
    for (const d of this.network.description.layers) if (d.kind === 'conv') convs.push(d.conv2d);
    // Sized for PROBE_MAX images, so every smaller count fits.
    this.workspaces = { conv: createConv2dWorkspace(...convs), gemm: createGemmWorkspace() };
  }

  /** Forward pass of `count` images (checked) at `parameters` (the flat layout), at batch `count`. */
  run(parameters: Float32Array, images: Float32Array, count: number): ProbeResult {
    const net = this.network;
    checkProbeInput(net.description, images, count);
    net.params.set(parameters);
    const layers = this.layersAt(count);
    const labels = net.labels.subarray(0, count); // zeros: the loss is not read
    let input = net.images.subarray(0, images.length);
    input.set(images);
    for (const layer of layers) {
      forwardLayer(layer, input, labels, this.workspaces);
      input = layer.output;
    }
    const outputs = layers.map((layer) => layer.output.slice());
    const classes = shapeElements(net.head.description.outputShape);
    return { count, outputs, probabilities: softmaxRows(outputs[outputs.length - 1], count, classes) };
  }

  /** The layers at `count` images: views of the first rows of the PROBE_MAX network's tensors. */
  private layersAt(count: number): CpuLayer[] {
    let layers = this.layersAtCount.get(count);
    if (!layers) {
      const description = describeAtBatch(this.training, count);
      layers = this.network.layers.map((layer, i) => prefixLayer(layer, description.layers[i], count));
      this.layersAtCount.set(count, layers);
    }
    return layers;
  }
}

/** `layer` at `count` rows: its tensors' first rows, the same parameters. */
function prefixLayer(layer: CpuLayer, description: LayerDescription, count: number): CpuLayer {
  const n = count * shapeElements(description.outputShape);
  const c = layer.classify;
  return {
    description,
    output: layer.output.subarray(0, n),
    dOutput: layer.dOutput.subarray(0, n),
    argmax: layer.argmax?.subarray(0, n) ?? null,
    params: layer.params,
    grads: layer.grads,
    classify: c && {
      probs: c.probs.subarray(0, n),
      lossPerRow: c.lossPerRow.subarray(0, count),
      correct: c.correct.subarray(0, count),
    },
  };
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
