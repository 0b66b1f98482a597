// The GPU backend's probe (Backend.probe): a forward-only copy of the network whose layers bind
// their weights and biases as ranges of the trainer's own flat parameter buffer (no copy, so a
// probe always sees the parameters of the training submitted before it), with its own image and
// activation buffers, sized for PROBE_MAX images. A probe of `count` images runs the forward pass
// at batch `count`: the tensors are batch-major NCHW, so `count` images are a prefix of every
// buffer, and only the kernel bindings (their uniforms) differ per count. Those are made on the
// first probe of each count and kept (at most PROBE_MAX sets) until the probe is destroyed.
// A probe writes the images, records the forward pass and copies of every layer's output into one
// staging buffer, submits once and maps it: the training queue is never waited on. `logits()`
// copies and maps the last layer's output only (the occlusion sweep reads nothing else). Probes
// are chained, so at most one mapping is in flight.
// Never records a backward pass, a loss or an update: training state, gradients and metrics stay
// as they were.

import type { AvgPool2dBinding } from '../kernels/avg_pool2d.ts';
import type { Conv2dForwardBinding } from '../kernels/conv2d.ts';
import type { DenseForwardBinding } from '../kernels/dense.ts';
import type { MaxPool2dBinding } from '../kernels/max_pool2d.ts';
import type { Gpu } from '../runtime/gpu.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { PROBE_MAX, type ProbeResult } from './backend.ts';
import { checkProbeInput, describeAtBatch, softmaxRows } from './backend-views.ts';
import {
  avgPoolKernelOf,
  convKernelFor,
  denseKernelFor,
  fusedActivation,
  maxPoolKernelFor,
  type NetworkKernels,
} from './gpu-kernels.ts';
import type { ParameterLayout, TensorSlice } from './layout.ts';
import { shapeElements, type NetworkDescription } from './shapes.ts';

/** The trainer's flat buffers the probe binds (read only). */
export interface SharedParameters {
  layout: ParameterLayout;
  parameters: GPUBuffer;
}

/** The forward dispatches of every layer at one image count, bound to the probe's tensors. */
interface ForwardAtCount {
  encode(pass: GPUComputePassEncoder): void;
  destroy(): void;
}

export class GpuProbe {
  /** The network at batch PROBE_MAX (what the tensors are sized for). */
  readonly description: NetworkDescription;
  private readonly images: GPUBuffer;
  /** Every layer's output, [PROBE_MAX, ...outputShape]. */
  private readonly outputs: GPUBuffer[] = [];
  /** Max pools' argmax (written by their forward pass, never read), by layer index. */
  private readonly argmax = new Map<number, GPUBuffer>();
  private readonly staging: GPUBuffer;
  /** Every buffer above, for destroy(). */
  private readonly owned: GPUBuffer[] = [];
  /** Floats of one example's output, per layer. */
  private readonly elements: number[];
  private readonly forwards = new Map<number, ForwardAtCount>();
  private chain: Promise<unknown> = Promise.resolve();
  private destroyed = false;

  constructor(
    private readonly gpu: Gpu,
    private readonly kernels: NetworkKernels,
    private readonly training: NetworkDescription,
    private readonly shared: SharedParameters,
  ) {
    const description = describeAtBatch(training, PROBE_MAX);
    this.description = description;
    this.elements = description.layers.map((d) => shapeElements(d.outputShape));
    const storage = GPUBufferUsage.STORAGE;
    try {
      const floats = PROBE_MAX * shapeElements(description.input);
      this.images = this.buffer('probe images', floats, storage | GPUBufferUsage.COPY_DST);
      for (const d of description.layers) {
        const floats = PROBE_MAX * this.elements[d.index];
        const name = `probe layer ${d.index + 1} (${d.label})`;
        this.outputs.push(this.buffer(`${name} output`, floats, storage | GPUBufferUsage.COPY_SRC));
        if (d.kind === 'pool' && d.mode === 'max') {
          this.argmax.set(d.index, this.buffer(`${name} argmax`, floats, storage));
        }
      }
      const stagingFloats = PROBE_MAX * this.elements.reduce((a, b) => a + b, 0);
      this.staging = this.buffer(
        'probe readback',
        stagingFloats,
        GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      );
    } catch (error) {
      this.destroy();
      throw error;
    }
  }

  private buffer(label: string, floats: number, usage: GPUBufferUsageFlags): GPUBuffer {
    const buffer = this.gpu.createBuffer({ label, size: 4 * floats, usage });
    this.owned.push(buffer);
    return buffer;
  }

  /** Forward pass of `count` images after everything already submitted; see Backend.probe. */
  async run(images: Float32Array, count: number): Promise<ProbeResult> {
    const outputs = await this.queue(
      images,
      count,
      this.outputs.map((_, i) => i),
    );
    const classes = this.elements[this.elements.length - 1];
    return { count, outputs, probabilities: softmaxRows(outputs[outputs.length - 1], count, classes) };
  }

  /** As run(), but copies and reads back only the logits: [count, classes]. */
  async logits(images: Float32Array, count: number): Promise<Float32Array> {
    return (await this.queue(images, count, [this.outputs.length - 1]))[0];
  }

  /** Queues a forward pass of `count` images that reads back the outputs of `layers`. */
  private queue(images: Float32Array, count: number, layers: number[]): Promise<Float32Array[]> {
    checkProbeInput(this.description, images, count);
    // Copied now: the caller may reuse its array before this probe's turn comes.
    const copy = new Float32Array(images);
    const next = this.chain.then(() => this.runNow(copy, count, layers));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async runNow(
    images: Float32Array<ArrayBuffer>,
    count: number,
    layers: number[],
  ): Promise<Float32Array[]> {
    if (this.destroyed) throw new Error('probe: this GPU probe was destroyed');
    const forward = this.forwardAt(count);
    this.gpu.device.queue.writeBuffer(this.images, 0, images);
    const encoder = this.gpu.device.createCommandEncoder({ label: `probe ${count} image(s)` });
    const pass = encoder.beginComputePass({ label: 'probe forward' });
    forward.encode(pass);
    pass.end();
    const offsets: number[] = [];
    let offset = 0;
    for (const i of layers) {
      const bytes = 4 * count * this.elements[i];
      encoder.copyBufferToBuffer(this.outputs[i], 0, this.staging, offset, bytes);
      offsets.push(offset);
      offset += bytes;
    }
    this.gpu.submit([encoder.finish()]);
    await this.gpu.mapAsync(this.staging, GPUMapMode.READ, 0, offset);
    try {
      const mapped = this.staging.getMappedRange(0, offset);
      return offsets.map(
        (at, k) => new Float32Array(mapped.slice(at, at + 4 * count * this.elements[layers[k]])),
      );
    } finally {
      this.staging.unmap();
    }
  }

  /** The bindings for `count` images, made on first use. */
  private forwardAt(count: number): ForwardAtCount {
    let forward = this.forwards.get(count);
    if (!forward) {
      forward = this.bindForward(describeAtBatch(this.training, count));
      this.forwards.set(count, forward);
    }
    return forward;
  }

  /**
   * Each layer's forward binding, with the kernels training uses (the same fused activations), at
   * `description`'s batch, on the probe's PROBE_MAX-sized tensors; on failure destroys what it made.
   */
  private bindForward(description: NetworkDescription): ForwardAtCount {
    const slices = new Map(this.shared.layout.layers.map((l) => [l.layerIndex, l]));
    const bindings: { destroy(): void }[] = [];
    const encoders: ((pass: GPUComputePassEncoder) => void)[] = [];
    const k = this.kernels;
    const all = description.layers;
    try {
      for (const d of all) {
        const input = d.index === 0 ? this.images : this.outputs[d.index - 1];
        const output = this.outputs[d.index];
        const fused = fusedActivation(d, all[d.index - 1]);
        if (d.kind === 'pool') {
          if (d.mode === 'max') {
            const kernel = maxPoolKernelFor(k, fused);
            const argmax = this.argmax.get(d.index)!;
            const binding: MaxPool2dBinding = kernel.bind({ out: output, argmax, input }, d.pool2d);
            bindings.push(binding);
            encoders.push((pass) => kernel.encodeForward(pass, binding));
          } else {
            const kernel = avgPoolKernelOf(k);
            const binding: AvgPool2dBinding = kernel.bind({ out: output, input }, d.pool2d);
            bindings.push(binding);
            encoders.push((pass) => kernel.encodeForward(pass, binding));
          }
          continue;
        }
        const slice = slices.get(d.index);
        if (!slice) throw new Error(`probe: layer ${d.index + 1} has no parameters in the layout`);
        const weight = range(this.shared.parameters, slice.weight);
        const bias = range(this.shared.parameters, slice.bias);
        if (d.kind === 'conv') {
          const kernel = convKernelFor(k, d);
          const binding: Conv2dForwardBinding = kernel.bindForward({ output, input, weight, bias }, d.conv2d);
          bindings.push(binding);
          encoders.push((pass) => kernel.encodeForward(pass, binding));
        } else {
          const kernel = denseKernelFor(k, d, fused);
          const binding: DenseForwardBinding = kernel.bindForward(
            { output, input, weight, bias },
            d.dense,
            k.denseSplits,
          );
          bindings.push(binding);
          encoders.push((pass) => kernel.encodeForward(pass, binding));
        }
      }
    } catch (error) {
      for (const binding of bindings) binding.destroy();
      throw error;
    }
    return {
      encode: (pass) => {
        for (const encode of encoders) encode(pass);
      },
      destroy: () => {
        for (const binding of bindings) binding.destroy();
      },
    };
  }

  /** Frees every buffer and binding; a probe still waiting its turn then rejects. */
  destroy(): void {
    this.destroyed = true;
    for (const forward of this.forwards.values()) forward.destroy();
    this.forwards.clear();
    for (const buffer of this.owned.splice(0)) buffer.destroy();
  }
}

function range(buffer: GPUBuffer, slice: TensorSlice): TensorBuffer {
  return { buffer, offset: 4 * slice.offset, size: 4 * slice.length };
}
