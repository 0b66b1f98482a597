// Input gradients on the GPU: a second network plan at a small batch (like the probe, gpu-probe.ts)
// whose layers bind the trainer's flat parameter buffer read-only, with its own images, activations
// and gradients, and a backward pass that computes only input gradients (gpu-input-grad-layers.ts)
// from the objective's seed layer down to the images. Never binds the trainer's gradients,
// optimizer state or metrics. Made once per (network, batch); a step records into the caller's
// pass (gpu-ascent.ts) or, through gradient(), submits once and reads back asynchronously.
// Destroy it before the backend whose parameter buffer it binds.

import type { SoftmaxCrossEntropyBinding } from '../kernels/softmax_cross_entropy.ts';
import type { Gpu } from '../runtime/gpu.ts';
import type { GpuBackend } from './gpu-backend.ts';
import { describeAtBatch, softmaxRows } from './backend-views.ts';
import type { NetworkKernels } from './gpu-kernels.ts';
import { buildInputGradientChain, type InputGradientLayer } from './gpu-input-grad-layers.ts';
import {
  classCountOf,
  objectiveSeed,
  type InputGradientResult,
  type Objective,
  type ObjectiveSeed,
} from './input-gradient.ts';
import type { ParameterLayout } from './layout.ts';
import { shapeElements, type NetworkDescription } from './shapes.ts';

/** The trainer's parameters the plan reads (GpuNetworkPlan has both). */
export interface SharedParameterBuffer {
  layout: ParameterLayout;
  parameters: GPUBuffer;
}

export class GpuInputGradients {
  readonly description: NetworkDescription;
  readonly batch: number;
  readonly classes: number;
  /** [batch, C, H, W]: the network's input (writable: COPY_DST and STORAGE). */
  readonly images: GPUBuffer;
  /** [batch, C, H, W]: d objective / d images after a recorded step. */
  readonly dImages: GPUBuffer;
  private readonly labels: GPUBuffer;
  private readonly staging: GPUBuffer;
  private readonly layers: InputGradientLayer[];
  private readonly owned: { destroy(): void }[] = [];
  private readonly softmax: SoftmaxCrossEntropyBinding;
  private seed: ObjectiveSeed | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly gpu: Gpu,
    private readonly kernels: NetworkKernels,
    training: NetworkDescription,
    shared: SharedParameterBuffer,
    batch: number,
  ) {
    this.description = describeAtBatch(training, batch);
    this.batch = batch;
    this.classes = classCountOf(training);
    const pixels = batch * shapeElements(training.input);
    const buffer = (label: string, size: number, usage: GPUBufferUsageFlags) => {
      const made = gpu.createBuffer({ label: `input-grad ${label}`, size, usage });
      this.owned.push(made);
      return made;
    };
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    try {
      this.images = buffer('images', 4 * pixels, storage);
      this.dImages = buffer('dImages', 4 * pixels, storage);
      this.labels = buffer('labels', 4 * batch, storage);
      const read = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
      this.staging = buffer('readback', 4 * (pixels + 2 * batch * this.classes), read);
      // Picked, not spread: a GpuNetworkPlan passed as `shared` has images and labels of its own.
      const { layout, parameters } = shared;
      const from = { images: this.images, dImages: this.dImages, labels: this.labels, layout, parameters };
      this.layers = buildInputGradientChain(gpu, kernels, this.description, from, this.owned);
      this.softmax = this.bindSoftmax(buffer);
    } catch (error) {
      this.destroy();
      throw error;
    }
  }

  /** logProbability's seed: softmax cross-entropy writes (softmax - onehot) / batch into dLogits. */
  private bindSoftmax(buffer: (label: string, size: number, usage: GPUBufferUsageFlags) => GPUBuffer) {
    const head = this.head;
    if (head.description.kind !== 'classify')
      throw new Error('input gradients: the last layer must be classify');
    const rows = 4 * this.batch;
    const storage = GPUBufferUsage.STORAGE;
    const binding = this.kernels.softmaxCrossEntropy.bind(
      {
        lossPerRow: buffer('lossPerRow', rows, storage),
        probs: buffer('probs', rows * this.classes, storage),
        correct: buffer('correct', rows, storage),
        dLogits: head.dPre,
        logits: head.output,
        labels: this.labels,
      },
      head.description.softmaxCrossEntropy,
    );
    this.owned.push(binding);
    return binding;
  }

  private get head(): InputGradientLayer {
    return this.layers[this.layers.length - 1];
  }

  /** The classify layer's output: [batch, classes] logits after a recorded forward. */
  get logits(): GPUBuffer {
    return this.head.output;
  }

  /**
   * Sets what the next steps differentiate; writes the seed (or the classes) for the next submit.
   * Returns the factor that turns the recorded dImages into d objective / d images: 1, or -batch
   * for logProbability (softmax cross-entropy writes the gradient of the mean loss, not of log p).
   */
  setObjective(objective: Objective): number {
    const seed = objectiveSeed(this.description, objective, this.batch);
    const queue = this.gpu.device.queue;
    if (seed.values) queue.writeBuffer(this.layers[seed.layerIndex].dPre, 0, seed.values);
    if (seed.classes) queue.writeBuffer(this.labels, 0, seed.classes);
    this.seed = seed;
    return this.gradientScale;
  }

  get gradientScale(): number {
    return this.seed?.classes ? -this.batch : 1;
  }

  /** Every layer's forward (and, for logProbability, the seed from the softmax). */
  encodeForward(pass: GPUComputePassEncoder): void {
    for (const layer of this.layers) layer.encodeForward(pass);
    if (this.seed?.classes) this.kernels.softmaxCrossEntropy.encodeForwardBackward(pass, this.softmax);
  }

  /** From the seeded layer down to dImages; call after encodeForward in the same pass. */
  encodeBackward(pass: GPUComputePassEncoder): void {
    const seed = this.seed;
    if (!seed) throw new Error('input gradients: call setObjective first');
    for (let i = seed.layerIndex; i >= 0; i--) {
      const layer = this.layers[i];
      if (i !== seed.layerIndex) layer.encodeActivationBackward?.(pass);
      layer.encodeBackwardInput(pass);
    }
  }

  /**
   * d objective / d input of `count` images ([count, C, H, W], scaled like training inputs) at the
   * parameters of the training submitted before it: one submit, one mapping (chained, so at most
   * one is in flight).
   */
  gradient(images: Float32Array, count: number, objective: Objective): Promise<InputGradientResult> {
    const pixels = shapeElements(this.description.input);
    if (!Number.isInteger(count) || count < 1 || count > this.batch || images.length !== count * pixels)
      throw new RangeError(
        `input gradients: give 1 to ${this.batch} images of ${pixels} floats, got ${images.length} floats for ${count}`,
      );
    const padded = new Float32Array(this.batch * pixels);
    padded.set(images);
    const next = this.chain.then(() => this.gradientNow(padded, count, objective));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async gradientNow(images: Float32Array<ArrayBuffer>, count: number, objective: Objective) {
    const scale = this.setObjective(objective);
    this.gpu.device.queue.writeBuffer(this.images, 0, images);
    const encoder = this.gpu.device.createCommandEncoder({ label: 'input gradient' });
    const pass = encoder.beginComputePass({ label: 'input gradient' });
    this.encodeForward(pass);
    this.encodeBackward(pass);
    pass.end();
    const pixelBytes = 4 * count * shapeElements(this.description.input);
    const logitBytes = 4 * count * this.classes;
    encoder.copyBufferToBuffer(this.dImages, 0, this.staging, 0, pixelBytes);
    encoder.copyBufferToBuffer(this.logits, 0, this.staging, pixelBytes, logitBytes);
    this.gpu.submit([encoder.finish()]);
    await this.gpu.mapAsync(this.staging, GPUMapMode.READ, 0, pixelBytes + logitBytes);
    let gradient: Float32Array;
    let logits: Float32Array;
    try {
      // One range: getMappedRange offsets must be multiples of 8, which pixelBytes need not be.
      const mapped = this.staging.getMappedRange(0, pixelBytes + logitBytes);
      gradient = new Float32Array(mapped.slice(0, pixelBytes));
      logits = new Float32Array(mapped.slice(pixelBytes));
    } finally {
      this.staging.unmap();
    }
    if (scale !== 1) for (let i = 0; i < gradient.length; i++) gradient[i] *= scale;
    return { count, gradient, logits, probabilities: softmaxRows(logits, count, this.classes) };
  }

  destroy(): void {
    for (const thing of this.owned.splice(0).reverse()) thing.destroy();
  }
}

/** An input-gradient plan at `batch` on `backend`'s parameters and kernels (destroy it first). */
export function gpuInputGradients(gpu: Gpu, backend: GpuBackend, batch: number): GpuInputGradients {
  return new GpuInputGradients(gpu, backend.networkKernels, backend.description, backend.plan, batch);
}
