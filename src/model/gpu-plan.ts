// The GPU network at one batch size: the batch's image and label buffers (written by gather_batch),
// every layer (gpu-layers.ts), the flat parameter and gradient buffers in the layout of layout.ts,
// and the optimizer-state buffers in the same layout, all made once. Records forward, backward and
// the copies that connect the per-layer tensors with the flat buffers.
//
// Why copies: the kernels bind whole GPUBuffers, so a layer cannot yet read its weight as a
// 256-byte-aligned sub-range of the flat buffer. Each step therefore copies every dWeight/dBias
// into the flat gradient buffer before the one optimizer dispatch, and the updated flat
// parameters back into the per-layer buffers after it (copyBufferToBuffer: no dispatch, no
// allocation). When the kernels accept GPUBufferBinding, these copies disappear and the layers
// bind slices of `parameters` and `gradients` directly (the offsets are already aligned).

import type { Gpu } from '../runtime/gpu.ts';
import type { NetworkKernels } from './gpu-kernels.ts';
import { createGpuLayer, type GpuLayer } from './gpu-layers.ts';
import { parameterLayout, type ParameterLayout, type TensorSlice } from './layout.ts';
import { shapeElements, type NetworkDescription } from './shapes.ts';

/** A per-layer tensor and where it lives in the flat layout. */
interface FlatLink {
  buffer: GPUBuffer;
  slice: TensorSlice;
}

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
  private readonly weightLinks: FlatLink[] = [];
  private readonly gradientLinks: FlatLink[] = [];
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
      const layer = createGpuLayer(this.gpu, kernels, d, {
        input: previous?.output ?? this.images,
        dInput,
        needsOutputGradient: seenParameters && d.index < last,
        labels: this.labels,
      });
      layers.push(layer);
      const slice = slices.get(d.index);
      if (slice && layer.weight && layer.bias && layer.dWeight && layer.dBias) {
        this.weightLinks.push(
          { buffer: layer.weight, slice: slice.weight },
          { buffer: layer.bias, slice: slice.bias },
        );
        this.gradientLinks.push(
          { buffer: layer.dWeight, slice: slice.weight },
          { buffer: layer.dBias, slice: slice.bias },
        );
      }
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

  /** Copies every layer's dWeight and dBias into `gradients` (outside any pass). */
  encodeGradientsToFlat(encoder: GPUCommandEncoder): void {
    for (const { buffer, slice } of this.gradientLinks) {
      encoder.copyBufferToBuffer(buffer, 0, this.gradients, 4 * slice.offset, 4 * slice.length);
    }
  }

  /** Copies the updated flat `parameters` into every layer's weight and bias (outside any pass). */
  encodeParametersFromFlat(encoder: GPUCommandEncoder): void {
    for (const { buffer, slice } of this.weightLinks) {
      encoder.copyBufferToBuffer(this.parameters, 4 * slice.offset, buffer, 0, 4 * slice.length);
    }
  }

  /** Writes all parameters (flat layout) for the next submit: the flat buffer and every layer's copy. */
  writeParameters(flat: Float32Array): void {
    const queue = this.gpu.device.queue;
    writeFloats(queue, this.parameters, flat, 0, flat.length);
    for (const { buffer, slice } of this.weightLinks)
      writeFloats(queue, buffer, flat, slice.offset, slice.length);
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
