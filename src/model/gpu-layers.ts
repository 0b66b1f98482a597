// One layer of the GPU training backend at one batch size: its tensors (output, gradients) and its
// kernel bindings, all made once at creation, and the recording of its forward and backward
// dispatches. The network (gpu-plan.ts) chains layers and owns the flat parameter and gradient
// buffers; a layer binds its weight, bias and their gradients as ranges of those (no copies).
// Not a scheduler: nothing here opens passes or submits.

import type { ActivationBinding } from '../kernels/activation.ts';
import type { AvgPool2dBinding } from '../kernels/avg_pool2d.ts';
import type { Conv2dBackwardBinding, Conv2dForwardBinding } from '../kernels/conv2d.ts';
import type { DenseBackwardWeightBinding, DenseForwardBinding, DenseGemmBinding } from '../kernels/dense.ts';
import type { MaxPool2dBinding } from '../kernels/max_pool2d.ts';
import type { SoftmaxCrossEntropyBinding } from '../kernels/softmax_cross_entropy.ts';
import type { Activation } from '../ops/activation.ts';
import type { Gpu } from '../runtime/gpu.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import {
  activationKernelFor,
  avgPoolKernelOf,
  convKernelFor,
  denseKernelFor,
  maxPoolKernelFor,
  type NetworkKernels,
} from './gpu-kernels.ts';
import { shapeElements, type LayerDescription } from './shapes.ts';

/** The buffers one layer is chained with. */
export interface LayerInputs {
  input: GPUBuffer;
  /** Where this layer writes d loss / d input, or null when no earlier layer needs it. */
  dInput: GPUBuffer | null;
  /** Whether a later layer will write d loss / d output (so this layer must allocate it). */
  needsOutputGradient: boolean;
  labels: GPUBuffer;
  /** max pool, fc, classify: the previous layer's activation, applied in this layer's backward. */
  fusedActivation: Activation;
  /** conv, fc: the next layer applies this layer's activation backward (so dOutput is d pre-act). */
  activationFusedByNext: boolean;
  /** conv, fc, classify: where the layer's weight, bias and their gradients live (flat-buffer ranges). */
  parameters?: LayerParameterBindings;
}

export interface LayerParameterBindings {
  weight: TensorBuffer;
  bias: TensorBuffer;
  dWeight: TensorBuffer;
  dBias: TensorBuffer;
}

export interface GpuLayer {
  readonly description: LayerDescription;
  /** [batch, ...outputShape] after the activation; the logits for classify. */
  readonly output: GPUBuffer;
  /** d loss / d output, written by the next layer (null when nobody needs it). */
  readonly dOutput: GPUBuffer | null;
  /** classify only: per-row loss (what metrics_accumulate reads). */
  readonly lossPerRow: GPUBuffer | null;
  encodeForward(pass: GPUComputePassEncoder): void;
  encodeBackward(pass: GPUComputePassEncoder): void;
  destroy(): void;
}

// Functions, not constants: in Node, GPUBufferUsage exists only once a device has been created.
const tensorUsage = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;

/** Buffers and bindings made for one layer, destroyed together. */
class Owned {
  private readonly things: { destroy(): void }[] = [];
  constructor(
    private readonly gpu: Gpu,
    private readonly label: string,
  ) {}

  buffer(name: string, floats: number, usage: GPUBufferUsageFlags = tensorUsage()): GPUBuffer {
    const buffer = this.gpu.createBuffer({
      label: `${this.label} ${name}`,
      size: 4 * Math.max(1, floats),
      usage,
    });
    this.things.push(buffer);
    return buffer;
  }

  keep<T extends { destroy(): void }>(thing: T): T {
    this.things.push(thing);
    return thing;
  }

  destroy(): void {
    for (const thing of this.things.splice(0).reverse()) thing.destroy();
  }
}

/** Makes one layer's tensors and bindings; on failure destroys what it made. */
export function createGpuLayer(
  gpu: Gpu,
  kernels: NetworkKernels,
  d: LayerDescription,
  chain: LayerInputs,
): GpuLayer {
  const owned = new Owned(gpu, `layer ${d.index + 1} (${d.label})`);
  try {
    if (d.kind === 'pool') return poolLayer(kernels, d, chain, owned);
    return parameterLayer(kernels, d, chain, owned);
  } catch (error) {
    owned.destroy();
    throw error;
  }
}

type PoolDescription = Extract<LayerDescription, { kind: 'pool' }>;
type ParameterDescription = Exclude<LayerDescription, PoolDescription>;

function poolLayer(k: NetworkKernels, d: PoolDescription, chain: LayerInputs, owned: Owned): GpuLayer {
  const outputs = d.pool2d.batch * shapeElements(d.outputShape);
  const output = owned.buffer('output', outputs);
  const dOutput = chain.needsOutputGradient ? owned.buffer('dOutput', outputs) : null;
  const backward = chain.dInput && dOutput ? { dInput: chain.dInput, dOut: dOutput } : {};
  let encodeForward: (pass: GPUComputePassEncoder) => void;
  let encodeBackward: (pass: GPUComputePassEncoder) => void;
  if (d.mode === 'max') {
    const kernel = maxPoolKernelFor(k, chain.fusedActivation);
    const argmax = owned.buffer('argmax', outputs, GPUBufferUsage.STORAGE);
    const binding: MaxPool2dBinding = owned.keep(
      kernel.bind({ out: output, argmax, input: chain.input, ...backward }, d.pool2d),
    );
    encodeForward = (pass) => kernel.encodeForward(pass, binding);
    encodeBackward = (pass) => binding.backwardInput && kernel.encodeBackwardInput(pass, binding);
  } else {
    const kernel = avgPoolKernelOf(k);
    const binding: AvgPool2dBinding = owned.keep(
      kernel.bind({ out: output, input: chain.input, ...backward }, d.pool2d),
    );
    encodeForward = (pass) => kernel.encodeForward(pass, binding);
    encodeBackward = (pass) => binding.backwardInput && kernel.encodeBackwardInput(pass, binding);
  }
  return {
    description: d,
    output,
    dOutput,
    lossPerRow: null,
    encodeForward,
    encodeBackward,
    destroy: () => owned.destroy(),
  };
}

/** conv, fc and classify: weight, bias, their gradients, and the activation's backward. */
function parameterLayer(
  k: NetworkKernels,
  d: ParameterDescription,
  chain: LayerInputs,
  owned: Owned,
): GpuLayer {
  const batch = d.kind === 'conv' ? d.conv2d.batch : d.dense.batch;
  const outputs = batch * shapeElements(d.outputShape);
  const output = owned.buffer('output', outputs);
  if (!chain.parameters)
    throw new Error(`layer ${d.index + 1}: a layer with parameters needs their bindings`);
  const { weight, bias, dWeight, dBias } = chain.parameters;
  const dOutput =
    chain.needsOutputGradient || d.kind === 'classify' ? owned.buffer('dOutput', outputs) : null;
  // The activation whose backward this layer runs: none for classify, or when the next layer fuses it.
  const activation = d.kind === 'classify' || chain.activationFusedByNext ? 'none' : d.activation;
  // d loss / d pre-activation: the activation's backward writes it; otherwise it is dOutput itself.
  const dPre = activation === 'none' ? dOutput : owned.buffer('dPreActivation', outputs);
  if (!dPre || !dOutput) throw new Error(`layer ${d.index + 1}: a layer with parameters needs dOutput`);
  let activationBackward: ((pass: GPUComputePassEncoder) => void) | null = null;
  if (activation !== 'none') {
    const kernel = activationKernelFor(k, activation);
    const binding: ActivationBinding = owned.keep(
      kernel.bindBackwardInput({ dInput: dPre, dOut: dOutput, output }, outputs),
    );
    activationBackward = (pass) => kernel.encodeBackwardInput(pass, binding);
  }
  const tensors = { input: chain.input, dInput: chain.dInput, output, weight, bias, dWeight, dBias, dPre };
  const passes =
    d.kind === 'conv' ? convPasses(k, d, tensors, owned) : densePasses(k, d, tensors, chain, owned);
  return {
    description: d,
    output,
    dOutput: d.kind === 'classify' ? null : dOutput,
    lossPerRow: passes.lossPerRow,
    encodeForward: passes.forward,
    encodeBackward: (pass) => {
      activationBackward?.(pass);
      passes.backward(pass);
    },
    destroy: () => owned.destroy(),
  };
}

interface ParameterTensors {
  input: GPUBuffer;
  dInput: GPUBuffer | null;
  output: GPUBuffer;
  weight: TensorBuffer;
  bias: TensorBuffer;
  dWeight: TensorBuffer;
  dBias: TensorBuffer;
  dPre: GPUBuffer;
}

interface Passes {
  forward(pass: GPUComputePassEncoder): void;
  backward(pass: GPUComputePassEncoder): void;
  lossPerRow: GPUBuffer | null;
}

function convPasses(
  k: NetworkKernels,
  d: Extract<LayerDescription, { kind: 'conv' }>,
  t: ParameterTensors,
  owned: Owned,
): Passes {
  const kernel = convKernelFor(k, d);
  const forward: Conv2dForwardBinding = owned.keep(
    kernel.bindForward({ output: t.output, input: t.input, weight: t.weight, bias: t.bias }, d.conv2d),
  );
  const backward: Conv2dBackwardBinding = owned.keep(
    kernel.bindBackward(
      {
        dOut: t.dPre,
        ...(t.dInput ? { dInput: t.dInput, weight: t.weight } : {}),
        dWeight: t.dWeight,
        input: t.input,
        dBias: t.dBias,
      },
      d.conv2d,
    ),
  );
  return {
    forward: (pass) => kernel.encodeForward(pass, forward),
    backward: (pass) => {
      if (t.dInput) kernel.encodeBackwardInput(pass, backward);
      kernel.encodeBackwardWeight(pass, backward);
      kernel.encodeBackwardBias(pass, backward);
    },
    lossPerRow: null,
  };
}

function densePasses(
  k: NetworkKernels,
  d: Extract<LayerDescription, { kind: 'fc' | 'classify' }>,
  t: ParameterTensors,
  chain: LayerInputs,
  owned: Owned,
): Passes {
  const kernel = denseKernelFor(k, d, chain.fusedActivation);
  const labels = chain.labels;
  const p = d.dense;
  const forward: DenseForwardBinding = owned.keep(
    kernel.bindForward(
      { output: t.output, input: t.input, weight: t.weight, bias: t.bias },
      p,
      k.denseSplits,
    ),
  );
  const backwardInput: DenseGemmBinding | null = t.dInput
    ? owned.keep(
        kernel.bindBackwardInput(
          {
            dInput: t.dInput,
            dOut: t.dPre,
            weight: t.weight,
            ...(kernel.inputActivation !== 'none' ? { input: t.input } : {}),
          },
          p,
        ),
      )
    : null;
  // dBias with dWeight: the bias gradient rides on the weight-gradient GEMM (no pass of its own).
  const backwardWeight: DenseBackwardWeightBinding = owned.keep(
    kernel.bindBackwardWeight(
      { dWeight: t.dWeight, dOut: t.dPre, input: t.input, dBias: t.dBias },
      p,
      k.denseSplits,
    ),
  );
  let loss: ((pass: GPUComputePassEncoder) => void) | null = null;
  let lossPerRow: GPUBuffer | null = null;
  if (d.kind === 'classify') {
    const rows = p.batch;
    lossPerRow = owned.buffer('lossPerRow', rows);
    const probs = owned.buffer('probs', rows * p.outFeatures);
    const correct = owned.buffer('correct', rows, GPUBufferUsage.STORAGE);
    const sce = k.softmaxCrossEntropy;
    const binding: SoftmaxCrossEntropyBinding = owned.keep(
      sce.bind(
        { lossPerRow, probs, correct, dLogits: t.dPre, logits: t.output, labels },
        d.softmaxCrossEntropy,
      ),
    );
    loss = (pass) => sce.encodeForwardBackward(pass, binding);
  }
  return {
    forward: (pass) => {
      kernel.encodeForward(pass, forward);
      loss?.(pass);
    },
    backward: (pass) => {
      if (backwardInput) kernel.encodeBackwardInput(pass, backwardInput);
      kernel.encodeBackwardWeight(pass, backwardWeight);
    },
    lossPerRow,
  };
}
