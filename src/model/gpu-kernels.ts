// Every WGSL kernel one network needs, compiled once when its GPU backend is created: one conv2d
// kernel plus a variant per conv activation, one dense kernel per fc / classify activation, the
// pools, activation backwards, softmax cross-entropy, gather, metrics and both optimizers.
// Not bindings (gpu-layers.ts, gpu-plan.ts) and no buffers: only pipelines and their layouts.

import { ActivationKernel } from '../kernels/activation.ts';
import { AdamKernel } from '../kernels/adam.ts';
import { AvgPool2dKernel } from '../kernels/avg_pool2d.ts';
import { Conv2dKernel, type Conv2dKernelOptions } from '../kernels/conv2d.ts';
import { DenseKernel, type DenseSplitOptions } from '../kernels/dense.ts';
import { GatherBatchKernel } from '../kernels/gather_batch.ts';
import { MaxPool2dKernel } from '../kernels/max_pool2d.ts';
import { MetricsAccumulateKernel } from '../kernels/metrics_accumulate.ts';
import { SgdKernel } from '../kernels/sgd.ts';
import { SoftmaxCrossEntropyKernel } from '../kernels/softmax_cross_entropy.ts';
import type { Activation } from '../ops/activation.ts';
import type { Gpu } from '../runtime/gpu.ts';
import type { KernelTuning } from './kernel-tuning.ts';
import type { LayerDescription, NetworkDescription } from './shapes.ts';

export interface NetworkKernels {
  conv: ReadonlyMap<Activation, Conv2dKernel>;
  /** fc and classify (activation 'none') layers, by denseKernelKey(activation, fused activation). */
  dense: ReadonlyMap<string, DenseKernel>;
  /** Backward of the activations of conv and fc layers (not 'none': that is the identity). */
  activation: ReadonlyMap<Activation, ActivationKernel>;
  /** Max pools by the activation they fuse into their backward (fusedActivation); 'none': plain. */
  maxPool: ReadonlyMap<Activation, MaxPool2dKernel>;
  avgPool: AvgPool2dKernel | null;
  softmaxCrossEntropy: SoftmaxCrossEntropyKernel;
  gather: GatherBatchKernel;
  metrics: MetricsAccumulateKernel;
  sgd: SgdKernel;
  adam: AdamKernel;
  /** Passed to every dense bind that may split K. */
  denseSplits: DenseSplitOptions;
  /** The tuning's size for one-workgroup tree reductions (also the parameter statistics'). */
  reductionWorkgroupSize: number | undefined;
}

/**
 * The activation whose backward `layer` performs for the layer before it, or 'none'. A max pool,
 * fc or classify after a conv or fc with an activation applies that activation's slope in its own
 * input-gradient pass (its input is the activation's output), so the previous layer skips its
 * activation pass.
 */
export function fusedActivation(layer: LayerDescription, previous: LayerDescription | undefined): Activation {
  if (!previous || (layer.kind === 'pool' && layer.mode !== 'max') || layer.kind === 'conv') return 'none';
  return previous.kind === 'conv' || previous.kind === 'fc' ? previous.activation : 'none';
}

/** Key of NetworkKernels.dense. */
export function denseKernelKey(activation: Activation, inputActivation: Activation): string {
  return `${activation}/${inputActivation}`;
}

type ConvLayer = Extract<LayerDescription, { kind: 'conv' }>;
type DenseLayer = Extract<LayerDescription, { kind: 'fc' | 'classify' }>;

// The kernel each layer runs, chosen in one place for every user of NetworkKernels (training
// layers, the probe, input gradients), so they cannot disagree. Each throws if createNetworkKernels
// did not prepare it, which means the description differs from the one the kernels were made for.

export function convKernelFor(k: NetworkKernels, d: ConvLayer): Conv2dKernel {
  return prepared(k.conv.get(d.activation), `conv2d ${d.activation}`);
}

/** `fused`: fusedActivation(d, previous layer). */
export function denseKernelFor(k: NetworkKernels, d: DenseLayer, fused: Activation): DenseKernel {
  const key = denseKernelKey(d.kind === 'fc' ? d.activation : 'none', fused);
  return prepared(k.dense.get(key), `dense ${key}`);
}

/** `fused`: fusedActivation(d, previous layer). */
export function maxPoolKernelFor(k: NetworkKernels, fused: Activation): MaxPool2dKernel {
  return prepared(k.maxPool.get(fused), `max_pool2d (${fused})`);
}

export function avgPoolKernelOf(k: NetworkKernels): AvgPool2dKernel {
  return prepared(k.avgPool, 'avg_pool2d');
}

export function activationKernelFor(k: NetworkKernels, activation: Activation): ActivationKernel {
  return prepared(k.activation.get(activation), `activation ${activation}`);
}

function prepared<T>(kernel: T | null | undefined, name: string): T {
  if (!kernel) throw new Error(`network kernels: the ${name} kernel was not prepared for this network`);
  return kernel;
}

/** Compiles what `description` uses, in parallel. */
export async function createNetworkKernels(
  gpu: Gpu,
  description: NetworkDescription,
  tuning: KernelTuning = {},
): Promise<NetworkKernels> {
  const convActivations = new Set<Activation>();
  const denseKinds = new Map<string, [Activation, Activation]>();
  const maxPoolActivations = new Set<Activation>();
  const backwardActivations = new Set<Activation>();
  let avgPool = false;
  description.layers.forEach((layer, i) => {
    const next = description.layers[i + 1];
    const fused = fusedActivation(layer, description.layers[i - 1]);
    if (layer.kind === 'conv') convActivations.add(layer.activation);
    else if (layer.kind !== 'pool') {
      const own = layer.kind === 'fc' ? layer.activation : 'none';
      denseKinds.set(denseKernelKey(own, fused), [own, fused]);
    } else if (layer.mode === 'max') maxPoolActivations.add(fused);
    else avgPool = true;
    const own = layer.kind === 'conv' || layer.kind === 'fc' ? layer.activation : 'none';
    if (own !== 'none' && !(next && fusedActivation(next, layer) !== 'none')) backwardActivations.add(own);
  });

  const splitK = tuning.splitK ?? true;
  const convOptions = { ...tuning.convTiles, ...(splitK ? {} : { maxSplits: 1 }) };
  const conv = createConvKernels(gpu, [...convActivations], convOptions);
  const dense = Promise.all(
    [...denseKinds].map(async ([key, [activation, inputActivation]]) => {
      const options = { activation, inputActivation, tiles: tuning.denseTiles };
      return [key, await DenseKernel.create(gpu, options)] as const;
    }),
  );
  const activation = Promise.all(
    [...backwardActivations].map(
      async (a) => [a, await ActivationKernel.create(gpu, { activation: a })] as const,
    ),
  );
  const maxPool = Promise.all(
    [...maxPoolActivations].map(
      async (a) => [a, await MaxPool2dKernel.create(gpu, { inputActivation: a })] as const,
    ),
  );
  const [convMap, denseList, activationList, maxPoolList, ...rest] = await Promise.all([
    conv,
    dense,
    activation,
    maxPool,
    avgPool ? AvgPool2dKernel.create(gpu) : null,
    SoftmaxCrossEntropyKernel.create(gpu),
    GatherBatchKernel.create(gpu),
    MetricsAccumulateKernel.create(gpu, { workgroupSize: tuning.reductionWorkgroupSize }),
    SgdKernel.create(gpu),
    AdamKernel.create(gpu),
  ]);
  const [avgPoolKernel, softmaxCrossEntropy, gather, metrics, sgd, adam] = rest;
  return {
    conv: convMap,
    dense: new Map(denseList),
    activation: new Map(activationList),
    maxPool: new Map(maxPoolList),
    avgPool: avgPoolKernel,
    softmaxCrossEntropy,
    gather,
    metrics,
    sgd,
    adam,
    denseSplits: splitK ? {} : { splits: 1 },
    reductionWorkgroupSize: tuning.reductionWorkgroupSize,
  };
}

/** One create() (five pipelines), then variants that compile only their forward pipeline. */
async function createConvKernels(
  gpu: Gpu,
  activations: Activation[],
  options: Conv2dKernelOptions,
): Promise<Map<Activation, Conv2dKernel>> {
  const kernels = new Map<Activation, Conv2dKernel>();
  if (activations.length === 0) return kernels;
  const [first, ...others] = activations;
  const base = await Conv2dKernel.create(gpu, { ...options, activation: first });
  kernels.set(first, base);
  const variants = await Promise.all(others.map((activation) => base.variant({ ...options, activation })));
  others.forEach((activation, i) => kernels.set(activation, variants[i]));
  return kernels;
}
