// Every WGSL kernel the GPU CVAE needs, compiled once per model: two dense kernels (relu forward;
// no-activation forward whose backward_input applies the encoder's relu slope), the transposed
// convs (relu and none, sharing one conv2d kernel), relu backward, the three CVAE ops, gather and
// Adam. Not bindings or buffers (gpu-cvae-plan.ts). The sigmoid for sample() is compiled lazily.

import { ActivationKernel } from '../kernels/activation.ts';
import { AdamKernel } from '../kernels/adam.ts';
import { BceLogitsKernel } from '../kernels/bce_logits.ts';
import { ConcatOnehotKernel } from '../kernels/concat_onehot.ts';
import { ConvTranspose2dKernel } from '../kernels/conv_transpose2d.ts';
import { DenseKernel } from '../kernels/dense.ts';
import { GatherBatchKernel } from '../kernels/gather_batch.ts';
import { VaeLatentKernel } from '../kernels/vae_latent.ts';
import { tuningForAdapter, type KernelTuning } from '../model/kernel-tuning.ts';
import type { Gpu } from '../runtime/gpu.ts';

export interface CvaeKernels {
  /** E1 and D1: relu fused into the forward; their inputs are concatenations (no slope to apply). */
  denseRelu: DenseKernel;
  /** E2: no activation; backward_input applies relu' of E1's output (fused relu backward). */
  denseLinearAfterRelu: DenseKernel;
  convTRelu: ConvTranspose2dKernel;
  convTNone: ConvTranspose2dKernel;
  /** dInput = dOut * relu'(y) after each transposed conv's backward_input. */
  relu: ActivationKernel;
  bce: BceLogitsKernel;
  latent: VaeLatentKernel;
  onehot: ConcatOnehotKernel;
  gather: GatherBatchKernel;
  adam: AdamKernel;
  /** images = sigmoid(logits), compiled on the first sample(). */
  sigmoid(): Promise<ActivationKernel>;
}

/** Small tiles on a software adapter (SwiftShader runs them far faster), the defaults elsewhere. */
export function defaultCvaeTuning(gpu: Gpu): KernelTuning {
  return tuningForAdapter(gpu.adapterInfo.isFallbackAdapter);
}

export async function createCvaeKernels(gpu: Gpu, tuning: KernelTuning): Promise<CvaeKernels> {
  const splits = (tuning.splitK ?? true) ? {} : { maxSplits: 1 };
  const dense = (inputActivation: 'none' | 'relu', activation: 'none' | 'relu') =>
    DenseKernel.create(gpu, { activation, inputActivation, tiles: tuning.denseTiles });
  const convTRelu = ConvTranspose2dKernel.create(gpu, {
    activation: 'relu',
    convOptions: { ...tuning.convTiles, ...splits },
  });
  const [denseRelu, denseLinearAfterRelu, relu, bce, latent, onehot, gather, adam, convT] = await Promise.all(
    [
      dense('none', 'relu'),
      dense('relu', 'none'),
      ActivationKernel.create(gpu, { activation: 'relu' }),
      BceLogitsKernel.create(gpu),
      VaeLatentKernel.create(gpu),
      ConcatOnehotKernel.create(gpu),
      GatherBatchKernel.create(gpu),
      AdamKernel.create(gpu),
      convTRelu,
    ],
  );
  const convTNone = await ConvTranspose2dKernel.create(gpu, { activation: 'none', conv: convT.conv });
  let sigmoid: Promise<ActivationKernel> | undefined;
  return {
    denseRelu,
    denseLinearAfterRelu,
    convTRelu: convT,
    convTNone,
    relu,
    bce,
    latent,
    onehot,
    gather,
    adam,
    sigmoid: () => (sigmoid ??= ActivationKernel.create(gpu, { activation: 'sigmoid' })),
  };
}
