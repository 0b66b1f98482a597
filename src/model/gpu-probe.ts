// The GPU backend's probe (Backend.probe): a second, small network at batch PROBE_MAX whose layers
// bind their weights and biases as ranges of the trainer's own flat parameter buffer (no copy, so
// a probe always sees the parameters of the training submitted before it), with its own image,
// label and activation buffers. A probe writes the images, records the forward pass and copies
// of every layer's output into one staging buffer, submits once and maps it: the training queue
// is never waited on. Probes are chained, so at most one mapping is in flight.
// Never records a backward pass or an update: training state, gradients and metrics stay as they were.

import type { Gpu } from '../runtime/gpu.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { PROBE_MAX, type ProbeResult } from './backend.ts';
import { checkProbeInput, describeAtBatch, softmaxRows } from './backend-views.ts';
import { fusedActivation, type NetworkKernels } from './gpu-kernels.ts';
import { createGpuLayer, type GpuLayer } from './gpu-layers.ts';
import type { ParameterLayout, TensorSlice } from './layout.ts';
import { shapeElements, type NetworkDescription } from './shapes.ts';

/** The trainer's flat buffers the probe binds (read only: the probe never runs a backward pass). */
export interface SharedParameters {
  layout: ParameterLayout;
  parameters: GPUBuffer;
  /** Bound by the layers' (never recorded) backward passes. */
  gradients: GPUBuffer;
}

export class GpuProbe {
  readonly description: NetworkDescription;
  private readonly images: GPUBuffer;
  private readonly labels: GPUBuffer;
  private readonly staging: GPUBuffer;
  private readonly layers: GpuLayer[] = [];
  /** Floats of one example's output, per layer. */
  private readonly elements: number[];
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly gpu: Gpu,
    kernels: NetworkKernels,
    training: NetworkDescription,
    shared: SharedParameters,
  ) {
    const description = describeAtBatch(training, PROBE_MAX);
    this.description = description;
    this.elements = description.layers.map((d) => shapeElements(d.outputShape));
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    const floats = PROBE_MAX * shapeElements(description.input);
    this.images = gpu.createBuffer({ label: 'probe images', size: 4 * floats, usage });
    this.labels = gpu.createBuffer({ label: 'probe labels', size: 4 * PROBE_MAX, usage });
    const stagingFloats = PROBE_MAX * this.elements.reduce((a, b) => a + b, 0);
    this.staging = gpu.createBuffer({
      label: 'probe readback',
      size: 4 * stagingFloats,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    try {
      this.buildLayers(kernels, shared);
    } catch (error) {
      this.destroy();
      throw error;
    }
  }

  /** The chain of GpuNetworkPlan.buildLayers, at the probe batch, on the shared parameters. */
  private buildLayers(kernels: NetworkKernels, shared: SharedParameters): void {
    const slices = new Map(shared.layout.layers.map((l) => [l.layerIndex, l]));
    const all = this.description.layers;
    let seenParameters = false;
    for (const d of all) {
      const previous = this.layers.at(-1);
      const dInput = seenParameters && previous ? previous.dOutput : null;
      seenParameters ||= d.params > 0;
      const slice = slices.get(d.index);
      const next = all[d.index + 1];
      const layer = createGpuLayer(this.gpu, kernels, d, {
        input: previous?.output ?? this.images,
        dInput,
        needsOutputGradient: seenParameters && d.index < all.length - 1,
        labels: this.labels,
        fusedActivation: fusedActivation(d, all[d.index - 1]),
        activationFusedByNext: next !== undefined && fusedActivation(next, d) !== 'none',
        ...(slice && {
          parameters: {
            weight: range(shared.parameters, slice.weight),
            bias: range(shared.parameters, slice.bias),
            dWeight: range(shared.gradients, slice.weight),
            dBias: range(shared.gradients, slice.bias),
          },
        }),
      });
      this.layers.push(layer);
    }
  }

  /** Forward pass of `count` images after everything already submitted; see Backend.probe. */
  run(images: Float32Array, count: number): Promise<ProbeResult> {
    checkProbeInput(this.description, images, count);
    // Copied now: the caller may reuse its array before this probe's turn comes.
    const padded = new Float32Array(PROBE_MAX * shapeElements(this.description.input));
    padded.set(images);
    const next = this.chain.then(() => this.runNow(padded, count));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async runNow(images: Float32Array<ArrayBuffer>, count: number): Promise<ProbeResult> {
    this.gpu.device.queue.writeBuffer(this.images, 0, images);
    const encoder = this.gpu.device.createCommandEncoder({ label: `probe ${count} image(s)` });
    const pass = encoder.beginComputePass({ label: 'probe forward' });
    for (const layer of this.layers) layer.encodeForward(pass);
    pass.end();
    const offsets: number[] = [];
    let offset = 0;
    this.layers.forEach((layer, i) => {
      const bytes = 4 * count * this.elements[i];
      encoder.copyBufferToBuffer(layer.output, 0, this.staging, offset, bytes);
      offsets.push(offset);
      offset += bytes;
    });
    this.gpu.submit([encoder.finish()]);
    await this.gpu.mapAsync(this.staging, GPUMapMode.READ, 0, offset);
    let outputs: Float32Array[];
    try {
      const mapped = this.staging.getMappedRange(0, offset);
      outputs = offsets.map((at, i) => new Float32Array(mapped.slice(at, at + 4 * count * this.elements[i])));
    } finally {
      this.staging.unmap();
    }
    const classes = this.elements[this.elements.length - 1];
    return { count, outputs, probabilities: softmaxRows(outputs[outputs.length - 1], count, classes) };
  }

  destroy(): void {
    for (const layer of this.layers.splice(0)) layer.destroy();
    this.images.destroy();
    this.labels.destroy();
    this.staging.destroy();
  }
}

function range(buffer: GPUBuffer, slice: TensorSlice): TensorBuffer {
  return { buffer, offset: 4 * slice.offset, size: 4 * slice.length };
}
