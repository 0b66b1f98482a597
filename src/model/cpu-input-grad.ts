// Input gradients on the CPU: a CpuNetwork of its own at a small batch (never the training network:
// training state, gradients and metrics are untouched) runs the forward pass, then a backward pass
// that computes ONLY input gradients (no weight or bias gradients) from the objective's seed layer
// down to the images, with the fast CPU ops. The reference for the GPU plan (gpu-input-grad.ts)
// and the engine of the CPU dreams and saliency. Parameters are a copy the caller sets.

import {
  conv2dBackwardInput,
  createConv2dWorkspace,
  createGemmWorkspace,
  denseBackwardInput,
} from '../fast/index.ts';
import type { Conv2dParams } from '../ops/conv2d.ts';
import { describeAtBatch, softmaxRows } from './backend-views.ts';
import {
  activationBackwardInPlace,
  avgPoolBackward,
  maxPoolBackward,
  type CpuWorkspaces,
} from './cpu-layers.ts';
import { CpuNetwork } from './cpu-network.ts';
import {
  classCountOf,
  objectiveSeed,
  type InputGradientResult,
  type Objective,
  type ObjectiveSeed,
} from './input-gradient.ts';
import { shapeElements, type NetworkDescription } from './shapes.ts';

export class CpuInputGradients {
  readonly description: NetworkDescription;
  readonly batch: number;
  readonly classes: number;
  /** [batch, C, H, W]: what the next computeGradient() differentiates at; callers may write it. */
  readonly images: Float32Array;
  /** [batch, C, H, W]: d objective / d images after computeGradient(). */
  readonly dImages: Float32Array;
  private readonly network: CpuNetwork;
  private readonly workspaces: CpuWorkspaces;
  private seed: ObjectiveSeed | null = null;

  constructor(training: NetworkDescription, batch: number) {
    this.description = describeAtBatch(training, batch);
    this.batch = batch;
    this.classes = classCountOf(training);
    this.network = new CpuNetwork(this.description);
    this.images = this.network.images;
    this.dImages = new Float32Array(this.images.length);
    const convs: Conv2dParams[] = [];
    for (const d of this.description.layers) if (d.kind === 'conv') convs.push(d.conv2d);
    this.workspaces = { conv: createConv2dWorkspace(...convs), gemm: createGemmWorkspace() };
  }

  /** Copies the flat parameters (layout.ts) the gradients are taken at. */
  setParameters(flat: Float32Array): void {
    if (flat.length !== this.network.params.length)
      throw new RangeError(
        `input gradients: ${flat.length} parameters, the network has ${this.network.params.length}`,
      );
    this.network.params.set(flat);
  }

  setObjective(objective: Objective): void {
    this.seed = objectiveSeed(this.description, objective, this.batch);
  }

  /** [batch, classes] logits of the last computeGradient() or forward(). */
  get logits(): Float32Array {
    return this.network.head.output;
  }

  /** Forward pass of `images` only (for read-outs). */
  forward(): void {
    this.network.forward();
  }

  /** Forward pass of `images`, then d objective / d images into dImages. */
  computeGradient(): void {
    const seed = this.seed;
    if (!seed) throw new Error('input gradients: call setObjective first');
    const net = this.network;
    net.labels.fill(0);
    if (seed.classes) net.labels.set(seed.classes);
    net.forward();
    const start = net.layers[seed.layerIndex];
    if (seed.values) start.dOutput.set(seed.values);
    else this.logProbabilitySeed(start.dOutput, seed.classes!);
    for (let i = seed.layerIndex; i >= 0; i--) this.backwardToInput(i, i === seed.layerIndex);
  }

  /** d log softmax[b, class_b] / d logits = onehot(class_b) - softmax (from the forward's probs). */
  private logProbabilitySeed(out: Float32Array, classes: Uint32Array): void {
    const probs = this.network.head.classify!.probs;
    for (let b = 0; b < this.batch; b++) {
      for (let c = 0; c < this.classes; c++) {
        const i = b * this.classes + c;
        out[i] = (c === classes[b] ? 1 : 0) - probs[i];
      }
    }
  }

  /** Layer i's input gradient from its dOutput; the seeded layer's dOutput is already pre-activation. */
  private backwardToInput(i: number, seeded: boolean): void {
    const layer = this.network.layers[i];
    const d = layer.description;
    const dInput = i === 0 ? this.dImages : this.network.layers[i - 1].dOutput;
    const dOut = layer.dOutput;
    if (!seeded && (d.kind === 'conv' || d.kind === 'fc'))
      activationBackwardInPlace(dOut, layer.output, d.activation);
    switch (d.kind) {
      case 'conv':
        conv2dBackwardInput(dInput, dOut, layer.params!.weight, d.conv2d, this.workspaces.conv);
        return;
      case 'pool':
        if (d.mode === 'max') maxPoolBackward(dInput, dOut, layer.argmax!);
        else avgPoolBackward(dInput, dOut, d.pool2d);
        return;
      case 'fc':
      case 'classify':
        denseBackwardInput(dInput, dOut, layer.params!.weight, d.dense, this.workspaces.gemm);
    }
  }

  /**
   * d objective / d input of `count` images ([count, C, H, W], scaled like training inputs) at the
   * parameters last set: copies of the gradient, logits and softmax.
   */
  gradient(images: Float32Array, count: number, objective: Objective): InputGradientResult {
    const pixels = shapeElements(this.description.input);
    if (!Number.isInteger(count) || count < 1 || count > this.batch || images.length !== count * pixels)
      throw new RangeError(
        `input gradients: give 1 to ${this.batch} images of ${pixels} floats, got ${images.length} floats for ${count}`,
      );
    this.setObjective(objective);
    this.images.fill(0);
    this.images.set(images);
    this.computeGradient();
    const logits = this.logits.slice(0, count * this.classes);
    return {
      count,
      gradient: this.dImages.slice(0, count * pixels),
      logits,
      probabilities: softmaxRows(logits, count, this.classes),
    };
  }
}
