// A network on the CPU at one batch size: the flat parameter and gradient buffers (layout.ts),
// the batch's input images and labels, every layer's tensors (cpu-layers.ts), all allocated once
// here, and forward / backward over one batch. Running a batch allocates no typed arrays.
// Not a Backend: data sets, shuffling, the optimizer and metrics are cpu-backend.ts.

import { createConv2dWorkspace, createGemmWorkspace } from '../fast/index.ts';
import type { Conv2dParams } from '../ops/conv2d.ts';
import {
  backwardLayer,
  createCpuLayer,
  forwardLayer,
  type CpuLayer,
  type CpuWorkspaces,
} from './cpu-layers.ts';
import { parameterLayout, type ParameterLayout } from './layout.ts';
import { shapeElements, type NetworkDescription } from './shapes.ts';

export class CpuNetwork {
  readonly batch: number;
  readonly layout: ParameterLayout;
  /** All parameters in the flat layout; layers hold views into it. */
  readonly params: Float32Array;
  /** d mean-loss / d params in the same layout; the alignment gaps stay zero. */
  readonly grads: Float32Array;
  /** The batch the next forward reads: [batch, C, H, W], already scaled to [0, 1]. */
  readonly images: Float32Array;
  readonly labels: Uint32Array;
  readonly layers: readonly CpuLayer[];
  private readonly workspaces: CpuWorkspaces;

  constructor(readonly description: NetworkDescription) {
    this.batch = description.batch;
    this.layout = parameterLayout(description);
    this.params = new Float32Array(this.layout.length);
    this.grads = new Float32Array(this.layout.length);
    this.images = new Float32Array(this.batch * shapeElements(description.input));
    this.labels = new Uint32Array(this.batch);
    const slots = new Map(this.layout.layers.map((l) => [l.layerIndex, l]));
    this.layers = description.layers.map((d) =>
      createCpuLayer(d, this.batch, slots.get(d.index), this.params, this.grads),
    );
    const convs: Conv2dParams[] = [];
    for (const d of description.layers) if (d.kind === 'conv') convs.push(d.conv2d);
    this.workspaces = { conv: createConv2dWorkspace(...convs), gemm: createGemmWorkspace() };
    if (this.layers.at(-1)?.description.kind !== 'classify') {
      throw new Error('CpuNetwork: the last layer must be classify; validate the spec first');
    }
  }

  /** The classify layer, whose output holds the logits and whose `classify` the per-row results. */
  get head(): CpuLayer {
    return this.layers[this.layers.length - 1];
  }

  private inputOf(index: number): Float32Array {
    return index === 0 ? this.images : this.layers[index - 1].output;
  }

  /** Runs every layer on `images` / `labels`: per-row loss, probabilities and correctness end up in `head`. */
  forward(): void {
    for (let i = 0; i < this.layers.length; i++) this.forwardLayer(i);
  }

  /** Gradients of the batch's mean loss into `grads`; call after forward() on the same batch. */
  backward(): void {
    for (let i = this.layers.length - 1; i >= 0; i--) this.backwardLayer(i);
  }

  /** One layer's forward pass (the layers before it must have run). Public for per-layer timing. */
  forwardLayer(index: number): void {
    forwardLayer(this.layers[index], this.inputOf(index), this.labels, this.workspaces);
  }

  /** One layer's backward pass (the layers after it must have run). Public for per-layer timing. */
  backwardLayer(index: number): void {
    const dInput = index === 0 ? null : this.layers[index - 1].dOutput;
    backwardLayer(this.layers[index], this.inputOf(index), dInput, this.labels, this.workspaces);
  }
}
