// The layers of the GPU input-gradient plan (gpu-input-grad.ts): each layer's forward, exactly as
// training records it (same kernels, same fused activations), and a backward pass that computes
// ONLY the gradient of its input: no weight or bias gradient, so the trainer's gradient buffer is
// never bound. Weights and biases are ranges of the trainer's flat parameter buffer (read only).
// Made once per (network, batch); nothing here opens passes or submits.

import type { Activation } from '../ops/activation.ts';
import type { Gpu } from '../runtime/gpu.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import {
  activationKernelFor,
  avgPoolKernelOf,
  convKernelFor,
  denseKernelFor,
  fusedActivation,
  maxPoolKernelFor,
  type NetworkKernels,
} from './gpu-kernels.ts';
import type { ParameterLayout, TensorSlice } from './layout.ts';
import { shapeElements, type LayerDescription, type NetworkDescription } from './shapes.ts';

type Encode = (pass: GPUComputePassEncoder) => void;

export interface InputGradientLayer {
  readonly description: LayerDescription;
  /** [batch, ...outputShape] after the activation (logits for classify). */
  readonly output: GPUBuffer;
  /** d objective / d pre-activation, what this layer's input-gradient pass reads: the seed goes here. */
  readonly dPre: GPUBuffer;
  readonly encodeForward: Encode;
  /** dOutput -> dPre through the activation's slope; null where the next layer fuses it (or none). */
  readonly encodeActivationBackward: Encode | null;
  /** dPre (or dOutput for pools) -> d objective / d this layer's input. */
  readonly encodeBackwardInput: Encode;
}

/** The chain's buffers from outside: what layer 0 reads and writes, and the shared parameters. */
export interface ChainInputs {
  images: GPUBuffer;
  dImages: GPUBuffer;
  labels: GPUBuffer;
  layout: ParameterLayout;
  parameters: GPUBuffer;
}

const usage = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Builds every layer; `owned` collects what must be destroyed (also on failure). */
export function buildInputGradientChain(
  gpu: Gpu,
  k: NetworkKernels,
  description: NetworkDescription,
  from: ChainInputs,
  owned: { destroy(): void }[],
): InputGradientLayer[] {
  return new ChainBuilder(gpu, k, description, from, owned).build();
}

/** The tensors one layer's passes bind. */
interface LayerTensors {
  input: GPUBuffer;
  dInput: GPUBuffer;
  output: GPUBuffer;
  dOutput: GPUBuffer;
  dPre: GPUBuffer;
  /** The previous layer's activation, whose slope this layer's backward applies (or 'none'). */
  fused: Activation;
  elements: number;
}

type Passes = Pick<InputGradientLayer, 'encodeForward' | 'encodeBackwardInput'>;

class ChainBuilder {
  private readonly all: readonly LayerDescription[];
  private readonly slices: Map<number, ParameterLayout['layers'][number]>;

  constructor(
    private readonly gpu: Gpu,
    private readonly k: NetworkKernels,
    private readonly description: NetworkDescription,
    private readonly from: ChainInputs,
    private readonly owned: { destroy(): void }[],
  ) {
    this.all = description.layers;
    this.slices = new Map(from.layout.layers.map((l) => [l.layerIndex, l]));
  }

  private buffer(label: string, floats: number): GPUBuffer {
    const made = this.gpu.createBuffer({
      label: `input-grad ${label}`,
      size: 4 * Math.max(1, floats),
      usage: usage(),
    });
    this.owned.push(made);
    return made;
  }

  private keep<T extends { destroy(): void }>(thing: T): T {
    this.owned.push(thing);
    return thing;
  }

  build(): InputGradientLayer[] {
    const elements = this.all.map((d) => this.description.batch * shapeElements(d.outputShape));
    const outputs = this.all.map((d, i) => this.buffer(`layer ${d.index + 1} output`, elements[i]));
    // d objective / d output of each layer, written by the next layer's backward.
    const dOutputs = this.all.map((d, i) => this.buffer(`layer ${d.index + 1} dOutput`, elements[i]));
    return this.all.map((d, i) => {
      const next = this.all[i + 1];
      const own: Activation = d.kind === 'conv' || d.kind === 'fc' ? d.activation : 'none';
      const separate = own !== 'none' && !(next && fusedActivation(next, d) !== 'none');
      const t: LayerTensors = {
        input: i === 0 ? this.from.images : outputs[i - 1],
        dInput: i === 0 ? this.from.dImages : dOutputs[i - 1],
        output: outputs[i],
        dOutput: dOutputs[i],
        dPre: separate ? this.buffer(`layer ${d.index + 1} dPreActivation`, elements[i]) : dOutputs[i],
        fused: fusedActivation(d, this.all[i - 1]),
        elements: elements[i],
      };
      let encodeActivationBackward: Encode | null = null;
      if (separate) {
        const kernel = activationKernelFor(this.k, own);
        const buffers = { dInput: t.dPre, dOut: t.dOutput, output: t.output };
        const binding = this.keep(kernel.bindBackwardInput(buffers, t.elements));
        encodeActivationBackward = (pass) => kernel.encodeBackwardInput(pass, binding);
      }
      const passes = d.kind === 'pool' ? this.poolPasses(d, t) : this.parameterPasses(d, t);
      return { description: d, output: t.output, dPre: t.dPre, encodeActivationBackward, ...passes };
    });
  }

  private poolPasses(d: Extract<LayerDescription, { kind: 'pool' }>, t: LayerTensors): Passes {
    const { output: out, input, dInput, dOutput: dOut } = t;
    if (d.mode === 'max') {
      const kernel = maxPoolKernelFor(this.k, t.fused);
      const argmax = this.buffer(`layer ${d.index + 1} argmax`, t.elements);
      const b = this.keep(kernel.bind({ out, argmax, input, dInput, dOut }, d.pool2d));
      return {
        encodeForward: (p) => kernel.encodeForward(p, b),
        encodeBackwardInput: (p) => kernel.encodeBackwardInput(p, b),
      };
    }
    const kernel = avgPoolKernelOf(this.k);
    const b = this.keep(kernel.bind({ out, input, dInput, dOut }, d.pool2d));
    return {
      encodeForward: (p) => kernel.encodeForward(p, b),
      encodeBackwardInput: (p) => kernel.encodeBackwardInput(p, b),
    };
  }

  /** conv, fc, classify: the training forward; backward only to the input (from dPre). */
  private parameterPasses(d: Exclude<LayerDescription, { kind: 'pool' }>, t: LayerTensors): Passes {
    const slice = this.slices.get(d.index);
    if (!slice) throw new Error(`input gradients: layer ${d.index + 1} has no parameters in the layout`);
    const range = (at: TensorSlice): TensorBuffer => ({
      buffer: this.from.parameters,
      offset: 4 * at.offset,
      size: 4 * at.length,
    });
    const [weight, bias] = [range(slice.weight), range(slice.bias)];
    const { input, dInput, output, dPre } = t;
    if (d.kind === 'conv') {
      const kernel = convKernelFor(this.k, d);
      const f = this.keep(kernel.bindForward({ output, input, weight, bias }, d.conv2d));
      const b = this.keep(kernel.bindBackward({ dOut: dPre, dInput, weight }, d.conv2d));
      return {
        encodeForward: (p) => kernel.encodeForward(p, f),
        encodeBackwardInput: (p) => kernel.encodeBackwardInput(p, b),
      };
    }
    const kernel = denseKernelFor(this.k, d, t.fused);
    const f = this.keep(kernel.bindForward({ output, input, weight, bias }, d.dense, this.k.denseSplits));
    // With a fused slope the kernel reads the previous layer's output (this layer's input).
    const slope = t.fused !== 'none' ? { input } : {};
    const b = this.keep(kernel.bindBackwardInput({ dInput, dOut: dPre, weight, ...slope }, d.dense));
    return {
      encodeForward: (p) => kernel.encodeForward(p, f),
      encodeBackwardInput: (p) => kernel.encodeBackwardInput(p, b),
    };
  }
}
