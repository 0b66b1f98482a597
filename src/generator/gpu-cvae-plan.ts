// The GPU CVAE's activations and bindings for one batch size, made once: the training pass
// (encoder, latent, decoder, BCE, then every gradient into the flat gradient buffer, in the order
// of cvae-pass.ts) or the sampling pass (decoder + sigmoid). encode*() only record dispatches.
// Not the optimiser, the data or the step loop (gpu-cvae.ts).

import type { DenseSplitOptions } from '../kernels/dense.ts';
import type { Gpu } from '../runtime/gpu.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { cvaeShapes, type CvaeShapes } from './cvae-pass.ts';
import * as spec from './cvae-spec.ts';
import type { CvaeTensorName } from './cvae-spec.ts';
import type { CvaeKernels } from './gpu-cvae-kernels.ts';
import { F32, Recorded, tensor, type CvaeFlatBuffers } from './gpu-cvae-recorded.ts';

export type { CvaeFlatBuffers } from './gpu-cvae-recorded.ts';

/** Decoder buffers: zy, d1, d2, logits; `z` and `labels` are given. */
function recordDecoder(
  r: Recorded,
  k: CvaeKernels,
  s: CvaeShapes,
  w: (name: CvaeTensorName) => TensorBuffer,
  z: GPUBuffer,
  labels: GPUBuffer,
  splits: DenseSplitOptions,
) {
  const zy = r.buffer('zy', s.rows * (s.latent + spec.CVAE_CLASSES));
  const d1 = r.buffer('d1', s.rows * s.d1.outFeatures);
  const d2 = r.buffer('d2', s.rows * s.d2.outChannels * 4 * spec.CVAE_SEED_SIZE ** 2);
  const logits = r.buffer('logits', s.rows * spec.CVAE_PIXELS);
  const onehot = k.onehot.bindForward({ out: zy, a: z, labels }, s.rows, s.latent, spec.CVAE_CLASSES);
  r.add(onehot, (p, b) => k.onehot.encodeForward(p, b));
  const fc = k.denseRelu.bindForward(
    { output: d1, input: zy, weight: w('D1.weight'), bias: w('D1.bias') },
    s.d1,
    splits,
  );
  r.add(fc, (p, b) => k.denseRelu.encodeForward(p, b));
  const up1 = k.convTRelu.bindForward(
    { output: d2, input: d1, weight: w('D2.weight'), bias: w('D2.bias') },
    s.d2,
  );
  r.add(up1, (p, b) => k.convTRelu.encodeForward(p, b));
  const up2 = k.convTNone.bindForward(
    { output: logits, input: d2, weight: w('D3.weight'), bias: w('D3.bias') },
    s.d3,
  );
  r.add(up2, (p, b) => k.convTNone.encodeForward(p, b));
  return { zy, d1, d2, logits };
}

/** Decoder-only pass for sample(): write labels (u32) and z, record, read `images`. */
export class CvaeSamplePlan {
  readonly labels: GPUBuffer;
  readonly z: GPUBuffer;
  readonly images: GPUBuffer;
  private readonly r: Recorded;

  constructor(
    gpu: Gpu,
    kernels: CvaeKernels,
    sigmoid: CvaeKernels['relu'],
    flat: CvaeFlatBuffers,
    readonly rows: number,
    splits: DenseSplitOptions,
  ) {
    const r = (this.r = new Recorded(gpu));
    try {
      const s = cvaeShapes(rows, flat.layout.latent);
      this.labels = r.buffer('sample labels', rows);
      this.z = r.buffer('sample z', rows * s.latent);
      this.images = r.buffer('sample images', rows * spec.CVAE_PIXELS);
      const w = (name: CvaeTensorName) => tensor(flat.params, flat.layout, name);
      const { logits } = recordDecoder(r, kernels, s, w, this.z, this.labels, splits);
      const squash = sigmoid.bindForward({ output: this.images, input: logits }, rows * spec.CVAE_PIXELS);
      r.add(squash, (p, b) => sigmoid.encodeForward(p, b));
    } catch (error) {
      r.destroy();
      throw error;
    }
  }

  encode(pass: GPUComputePassEncoder): void {
    for (const step of this.r.steps) step(pass);
  }

  destroy(): void {
    this.r.destroy();
  }
}

/**
 * The training pass for `rows` examples: gather writes `images` and `labels`; the host writes
 * `eps`; after encode(), `rec` and `kl` hold the per-row losses and the gradient buffer every
 * tensor's gradient of the batch-mean loss (overwritten; alignment gaps untouched).
 */
export class CvaeTrainPlan {
  readonly images: GPUBuffer;
  readonly labels: GPUBuffer;
  readonly eps: GPUBuffer;
  readonly rec: GPUBuffer;
  readonly kl: GPUBuffer;
  private readonly r: Recorded;

  constructor(
    gpu: Gpu,
    k: CvaeKernels,
    flat: CvaeFlatBuffers,
    readonly rows: number,
    splits: DenseSplitOptions,
  ) {
    if (!flat.grads) throw new Error('CvaeTrainPlan needs the gradient buffer');
    const r = (this.r = new Recorded(gpu));
    try {
      const s = cvaeShapes(rows, flat.layout.latent);
      const w = (name: CvaeTensorName) => tensor(flat.params, flat.layout, name);
      const g = (name: CvaeTensorName) => tensor(flat.grads!, flat.layout, name);
      const n = rows;
      const xyWidth = spec.CVAE_PIXELS + spec.CVAE_CLASSES;
      this.images = r.buffer('images', n * spec.CVAE_PIXELS);
      this.labels = r.buffer('labels', n);
      this.eps = r.buffer('eps', n * s.latent);
      this.rec = r.buffer('reconstruction per row', n);
      this.kl = r.buffer('kl per row', n);
      const xy = r.buffer('xy', n * xyWidth);
      const h1 = r.buffer('h1', n * spec.CVAE_HIDDEN);
      const ml = r.buffer('mu/logvar', n * 2 * s.latent);
      const z = r.buffer('z', n * s.latent);

      // Encoder and latent.
      const onehot = k.onehot.bindForward(
        { out: xy, a: this.images, labels: this.labels },
        n,
        spec.CVAE_PIXELS,
        spec.CVAE_CLASSES,
      );
      r.add(onehot, (p, b) => k.onehot.encodeForward(p, b));
      const e1 = k.denseRelu.bindForward(
        { output: h1, input: xy, weight: w('E1.weight'), bias: w('E1.bias') },
        s.e1,
        splits,
      );
      r.add(e1, (p, b) => k.denseRelu.encodeForward(p, b));
      const e2 = k.denseLinearAfterRelu.bindForward(
        { output: ml, input: h1, weight: w('E2.weight'), bias: w('E2.bias') },
        s.e2,
        splits,
      );
      r.add(e2, (p, b) => k.denseLinearAfterRelu.encodeForward(p, b));
      const latent = k.latent.bindForward({ z, klPerRow: this.kl, muLogvar: ml, eps: this.eps }, n, s.latent);
      r.add(latent, (p, b) => k.latent.encodeForward(p, b));
      const dec = recordDecoder(r, k, s, w, z, this.labels, splits);
      const bce = k.bce.bindForward(
        { lossPerRow: this.rec, logits: dec.logits, targets: this.images },
        n,
        spec.CVAE_PIXELS,
      );
      r.add(bce, (p, b) => k.bce.encodeForward(p, b));
      this.recordBackward(r, k, s, { w, g, xy, h1, ml, z, ...dec }, splits);
    } catch (error) {
      r.destroy();
      throw error;
    }
  }

  private recordBackward(
    r: Recorded,
    k: CvaeKernels,
    s: CvaeShapes,
    a: { w: (n: CvaeTensorName) => TensorBuffer; g: (n: CvaeTensorName) => TensorBuffer } & Record<
      'xy' | 'h1' | 'ml' | 'z' | 'zy' | 'd1' | 'd2' | 'logits',
      GPUBuffer
    >,
    splits: DenseSplitOptions,
  ): void {
    const n = s.rows;
    const { w, g } = a;
    const dLogits = r.buffer('dLogits', n * spec.CVAE_PIXELS);
    const dD2 = r.buffer('dD2', n * s.d2.outChannels * 4 * spec.CVAE_SEED_SIZE ** 2);
    const dD2pre = r.buffer('dD2 pre-relu', n * s.d2.outChannels * 4 * spec.CVAE_SEED_SIZE ** 2);
    const dD1 = r.buffer('dD1', n * s.d1.outFeatures);
    const dD1pre = r.buffer('dD1 pre-relu', n * s.d1.outFeatures);
    const dZy = r.buffer('dZy', n * (s.latent + spec.CVAE_CLASSES));
    const dZ = r.buffer('dZ', n * s.latent);
    const dMl = r.buffer('dMuLogvar', n * 2 * s.latent);
    const dH1pre = r.buffer('dH1 pre-relu', n * spec.CVAE_HIDDEN);

    const bce = k.bce.bindBackwardInput(
      { dLogits, logits: a.logits, targets: this.images },
      n,
      spec.CVAE_PIXELS,
      1 / n,
    );
    r.add(bce, (p, b) => k.bce.encodeBackwardInput(p, b));
    const d3 = k.convTNone.bindBackward(
      {
        dOut: dLogits,
        dInput: dD2,
        weight: w('D3.weight'),
        dWeight: g('D3.weight'),
        input: a.d2,
        dBias: g('D3.bias'),
      },
      s.d3,
    );
    r.add(
      d3,
      (p, b) => (
        k.convTNone.encodeBackwardWeight(p, b),
        k.convTNone.encodeBackwardBias(p, b),
        k.convTNone.encodeBackwardInput(p, b)
      ),
    );
    const relu2 = k.relu.bindBackwardInput({ dInput: dD2pre, dOut: dD2, output: a.d2 }, dD2.size / F32);
    r.add(relu2, (p, b) => k.relu.encodeBackwardInput(p, b));
    const d2 = k.convTRelu.bindBackward(
      {
        dOut: dD2pre,
        dInput: dD1,
        weight: w('D2.weight'),
        dWeight: g('D2.weight'),
        input: a.d1,
        dBias: g('D2.bias'),
      },
      s.d2,
    );
    r.add(
      d2,
      (p, b) => (
        k.convTRelu.encodeBackwardWeight(p, b),
        k.convTRelu.encodeBackwardBias(p, b),
        k.convTRelu.encodeBackwardInput(p, b)
      ),
    );
    const relu1 = k.relu.bindBackwardInput({ dInput: dD1pre, dOut: dD1, output: a.d1 }, n * s.d1.outFeatures);
    r.add(relu1, (p, b) => k.relu.encodeBackwardInput(p, b));
    const d1w = k.denseRelu.bindBackwardWeight(
      { dWeight: g('D1.weight'), dOut: dD1pre, input: a.zy, dBias: g('D1.bias') },
      s.d1,
      splits,
    );
    r.add(d1w, (p, b) => k.denseRelu.encodeBackwardWeight(p, b));
    const d1i = k.denseRelu.bindBackwardInput({ dInput: dZy, dOut: dD1pre, weight: w('D1.weight') }, s.d1);
    r.add(d1i, (p, b) => k.denseRelu.encodeBackwardInput(p, b));
    const onehot = k.onehot.bindBackwardInput({ dA: dZ, dOut: dZy }, n, s.latent, spec.CVAE_CLASSES);
    r.add(onehot, (p, b) => k.onehot.encodeBackwardInput(p, b));
    const latent = k.latent.bindBackwardInput(
      { dMuLogvar: dMl, dz: dZ, muLogvar: a.ml, eps: this.eps },
      n,
      s.latent,
      1 / n,
    );
    r.add(latent, (p, b) => k.latent.encodeBackwardInput(p, b));
    const e2 = k.denseLinearAfterRelu;
    const e2w = e2.bindBackwardWeight(
      { dWeight: g('E2.weight'), dOut: dMl, input: a.h1, dBias: g('E2.bias') },
      s.e2,
      splits,
    );
    r.add(e2w, (p, b) => e2.encodeBackwardWeight(p, b));
    // Fused: dH1pre = (dMl x W) * relu'(h1), E1's activation backward.
    const e2i = e2.bindBackwardInput(
      { dInput: dH1pre, dOut: dMl, weight: w('E2.weight'), input: a.h1 },
      s.e2,
    );
    r.add(e2i, (p, b) => e2.encodeBackwardInput(p, b));
    const e1w = k.denseRelu.bindBackwardWeight(
      { dWeight: g('E1.weight'), dOut: dH1pre, input: a.xy, dBias: g('E1.bias') },
      s.e1,
      splits,
    );
    r.add(e1w, (p, b) => k.denseRelu.encodeBackwardWeight(p, b));
  }

  /** Forward and backward of one batch (images, labels and eps already in place). */
  encode(pass: GPUComputePassEncoder): void {
    for (const step of this.r.steps) step(pass);
  }

  destroy(): void {
    this.r.destroy();
  }
}
