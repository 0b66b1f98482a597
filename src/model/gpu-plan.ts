// The GPU network at one batch size: the batch's image and label buffers (written by gather_batch),
// every layer (gpu-layers.ts), the flat parameter and gradient buffers in the layout of layout.ts,
// and the optimizer-state buffers in the same layout, all made once. Records forward, backward and
// forward and backward.
//
// No copies: every layer binds its weight and bias as ranges of `parameters`, and writes its
// dWeight and dBias into ranges of `gradients`, at the 256-byte-aligned offsets of layout.ts; the
// one optimizer dispatch then updates the flat buffers in place. No dispatch binds one of these
// buffers both writable and read-only: the forward and input-gradient passes only read
// `parameters`, the weight and bias gradient passes only write `gradients` (disjoint ranges).

import type { Gpu } from '../runtime/gpu.ts';
import { fusedActivation, type NetworkKernels } from './gpu-kernels.ts';
import { createGpuLayer, type GpuLayer } from './gpu-layers.ts';
import { parameterLayout, type ParameterLayout, type TensorSlice } from './layout.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { shapeElements, type NetworkDescription } from './shapes.ts';

export class GpuNetworkPlan {
  readonly layout: ParameterLayout;
  readonly batch: number;
  /** [batch, C, H, W] f32, written by gather_batch. */
  readonly images: GPUBuffer;
  /** [batch] u32 class indices, written by gather_batch. */
  readonly labels: GPUBuffer;
  /** Every parameter, flat (layout.length floats). */
  readonly parameters: GPUBuffer;
  readonly gradients: GPUBuffer;
  /** Optimizer state: SGD velocity or Adam's m (first), Adam's v (second). */
  readonly optimizerSlots: readonly [GPUBuffer, GPUBuffer];
  readonly layers: readonly GpuLayer[];
  private readonly flatBuffers: GPUBuffer[];

  constructor(
    private readonly gpu: Gpu,
    kernels: NetworkKernels,
    readonly description: NetworkDescription,
  ) {
    this.batch = description.batch;
    this.layout = parameterLayout(description);
    const bytes = 4 * this.layout.length;
    const FLAT = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const make = (label: string, size: number, usage: GPUBufferUsageFlags) =>
      gpu.createBuffer({ label: `network ${label}`, size, usage });
    this.flatBuffers = [
      make(
        'images',
        4 * this.batch * shapeElements(description.input),
        GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
      ),
      make(
        'labels',
        4 * this.batch,
        GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      ),
      make('parameters', bytes, FLAT),
      make('gradients', bytes, FLAT),
      make('optimizer slot 1', bytes, FLAT),
      make('optimizer slot 2', bytes, FLAT),
    ];
    const [images, labels, parameters, gradients, slot1, slot2] = this.flatBuffers;
    this.images = images;
    this.labels = labels;
    this.parameters = parameters;
    this.gradients = gradients;
    this.optimizerSlots = [slot1, slot2];
    const layers: GpuLayer[] = [];
    try {
      this.buildLayers(kernels, layers);
    } catch (error) {
      layers.forEach((layer) => layer.destroy());
      this.flatBuffers.forEach((buffer) => buffer.destroy());
      throw error;
    }
    this.layers = layers;
  }

  private buildLayers(kernels: NetworkKernels, layers: GpuLayer[]): void {
    const slices = new Map(this.layout.layers.map((l) => [l.layerIndex, l]));
    const last = this.description.layers.length - 1;
    let seenParameters = false;
    for (const d of this.description.layers) {
      const previous = layers.at(-1);
      // A layer's input gradient is needed only if some earlier layer has parameters.
      const dInput = seenParameters && previous ? previous.dOutput : null;
      seenParameters ||= d.params > 0;
      const slice = slices.get(d.index);
      const next = this.description.layers[d.index + 1];
      const layer = createGpuLayer(this.gpu, kernels, d, {
        input: previous?.output ?? this.images,
        dInput,
        needsOutputGradient: seenParameters && d.index < last,
        labels: this.labels,
        fusedActivation: fusedActivation(d, this.description.layers[d.index - 1]),
        activationFusedByNext: next !== undefined && fusedActivation(next, d) !== 'none',
        ...(slice && {
          parameters: {
            weight: range(this.parameters, slice.weight),
            bias: range(this.parameters, slice.bias),
            dWeight: range(this.gradients, slice.weight),
            dBias: range(this.gradients, slice.bias),
          },
        }),
      });
      layers.push(layer);
    }
  }

  /** The classify layer: its output holds the logits, its lossPerRow the per-example loss. */
  get head(): GpuLayer {
    return this.layers[this.layers.length - 1];
  }

  /** Every layer, then softmax cross-entropy (which also writes d loss / d logits). */
  encodeForward(pass: GPUComputePassEncoder): void {
    for (const layer of this.layers) layer.encodeForward(pass);
  }

  /** Every layer's gradients, last layer first; call after encodeForward on the same batch. */
  encodeBackward(pass: GPUComputePassEncoder): void {
    for (let i = this.layers.length - 1; i >= 0; i--) this.layers[i].encodeBackward(pass);
  }

  /** Writes all parameters (flat layout) for the next submit. */
  writeParameters(flat: Float32Array): void {
    writeFloats(this.gpu.device.queue, this.parameters, flat, 0, flat.length);
  }

  destroy(): void {
    for (const layer of this.layers) layer.destroy();
    for (const buffer of this.flatBuffers) buffer.destroy();
  }
}

/** Writes `length` floats of `data` from index `start` to the start of `buffer`, at the next submit. */
export function writeFloats(
  queue: GPUQueue,
  buffer: GPUBuffer,
  data: Float32Array,
  start: number,
  length: number,
): void {
  queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset + 4 * start, 4 * length);
}

/** One tensor of the flat layout as a binding range (offsets are 256-byte aligned by layout.ts). */
function range(buffer: GPUBuffer, slice: TensorSlice): TensorBuffer {
  return { buffer, offset: 4 * slice.offset, size: 4 * slice.length };
}
