// One CVAE forward + backward pass over a batch on the CPU (docs/generator.md): encoder fc layers,
// reparameterised latent with KL, decoder fc + two transposed convs, BCE-with-logits loss, and the
// gradient of the batch-mean loss into a flat buffer laid out like the parameters. Generic over
// Float32Array (training) and Float64Array (gradient checks). Not the optimiser or the data order.

import type { ConvTranspose2dParams } from '../ops/conv_transpose2d.ts';
import type { DenseParams } from '../ops/dense.ts';
import type { FloatArray } from '../ops/types.ts';
import { activationBackward, activationForward } from '../reference/activation.ts';
import { bceLogitsBackward, bceLogitsForward, stableSigmoid } from '../reference/bce_logits.ts';
import { concatOnehotBackward, concatOnehotForward } from '../reference/concat_onehot.ts';
import { vaeLatentBackward, vaeLatentForward } from '../reference/vae_latent.ts';
import type { CvaeOps } from './cvae-ops.ts';
import * as spec from './cvae-spec.ts';
import { tensorView, type CvaeLayout, type CvaeTensorName } from './cvae-spec.ts';

/** Every layer's params for a batch of `rows`: what both the pass and the op sets are sized by. */
export interface CvaeShapes {
  rows: number;
  latent: number;
  e1: DenseParams;
  e2: DenseParams;
  d1: DenseParams;
  d2: ConvTranspose2dParams;
  d3: ConvTranspose2dParams;
}

export function cvaeShapes(rows: number, latent: number): CvaeShapes {
  const k = spec.CVAE_KERNEL;
  const convT = { kernelH: k, kernelW: k, stride: spec.CVAE_STRIDE, padding: spec.CVAE_PADDING };
  const seedSize = spec.CVAE_SEED_SIZE;
  return {
    rows,
    latent,
    e1: { batch: rows, inFeatures: spec.CVAE_PIXELS + spec.CVAE_CLASSES, outFeatures: spec.CVAE_HIDDEN },
    e2: { batch: rows, inFeatures: spec.CVAE_HIDDEN, outFeatures: 2 * latent },
    d1: {
      batch: rows,
      inFeatures: latent + spec.CVAE_CLASSES,
      outFeatures: spec.CVAE_SEED_CHANNELS * seedSize * seedSize,
    },
    d2: {
      batch: rows,
      inChannels: spec.CVAE_SEED_CHANNELS,
      inHeight: seedSize,
      inWidth: seedSize,
      outChannels: spec.CVAE_MID_CHANNELS,
      ...convT,
    },
    d3: {
      batch: rows,
      inChannels: spec.CVAE_MID_CHANNELS,
      inHeight: 2 * seedSize,
      inWidth: 2 * seedSize,
      outChannels: 1,
      ...convT,
    },
  };
}

/** Batch means of one pass: loss = reconstruction + kl. */
export interface CvaeLosses {
  loss: number;
  reconstruction: number;
  kl: number;
}

type Make<T> = (length: number) => T;
type Activation = 'xy' | 'h1' | 'ml' | 'z' | 'zy' | 'd1' | 'd2' | 'logits';
/** Each activation (post-relu where there is one: relu' needs only the output), its gradient, per-row losses. */
type Buffers<T> = Record<Activation | `d_${Activation}` | 'kl' | 'rec', T>;

/** Activations and their gradients for one batch size; made once, reused every step. */
export class CvaePass<T extends FloatArray> {
  readonly shapes: CvaeShapes;
  private readonly a: Buffers<T>;

  constructor(
    rows: number,
    readonly layout: CvaeLayout,
    private readonly ops: CvaeOps<T>,
    make: Make<T>,
  ) {
    const s = (this.shapes = cvaeShapes(rows, layout.latent));
    const z = layout.latent;
    const c = spec.CVAE_CLASSES;
    const size: Record<Activation, number> = {
      xy: spec.CVAE_PIXELS + c,
      h1: spec.CVAE_HIDDEN,
      ml: 2 * z,
      z,
      zy: z + c,
      d1: s.d1.outFeatures,
      d2: s.d2.outChannels * 4 * spec.CVAE_SEED_SIZE ** 2,
      logits: spec.CVAE_PIXELS,
    };
    const entries = Object.entries(size).flatMap(([name, width]) => [
      [name, make(rows * width)],
      [`d_${name}`, make(rows * width)],
    ]);
    this.a = { ...Object.fromEntries(entries), kl: make(rows), rec: make(rows) } as Buffers<T>;
  }

  private w(params: T, name: CvaeTensorName): T {
    return tensorView(params, this.layout, name);
  }

  /** Decoder only: logits [rows, 784] for latents z [rows, Z] (already in this.a.z) and labels. */
  private decode(params: T, labels: ArrayLike<number>): T {
    const { a, shapes: s, ops } = this;
    concatOnehotForward(a.zy, a.z, labels, s.rows, s.latent, spec.CVAE_CLASSES);
    ops.denseForward(a.d1, a.zy, this.w(params, 'D1.weight'), this.w(params, 'D1.bias'), s.d1);
    activationForward(a.d1, a.d1, 'relu');
    ops.convTForward(a.d2, a.d1, this.w(params, 'D2.weight'), this.w(params, 'D2.bias'), s.d2);
    activationForward(a.d2, a.d2, 'relu');
    ops.convTForward(a.logits, a.d2, this.w(params, 'D3.weight'), this.w(params, 'D3.bias'), s.d3);
    return a.logits;
  }

  /** Images sigmoid(decode(z, y)) written into `out` [rows, 784]. */
  sample(out: FloatArray, params: T, labels: ArrayLike<number>, z: ArrayLike<number>): void {
    this.a.z.set(z);
    const logits = this.decode(params, labels);
    for (let i = 0; i < logits.length; i++) out[i] = stableSigmoid(logits[i]);
  }

  /** Forward only; returns the batch-mean losses. x [rows, 784] in [0,1], eps [rows, Z]. */
  forward(params: T, x: T, labels: ArrayLike<number>, eps: T): CvaeLosses {
    const { a, shapes: s, ops } = this;
    concatOnehotForward(a.xy, x, labels, s.rows, spec.CVAE_PIXELS, spec.CVAE_CLASSES);
    ops.denseForward(a.h1, a.xy, this.w(params, 'E1.weight'), this.w(params, 'E1.bias'), s.e1);
    activationForward(a.h1, a.h1, 'relu');
    ops.denseForward(a.ml, a.h1, this.w(params, 'E2.weight'), this.w(params, 'E2.bias'), s.e2);
    vaeLatentForward(a.z, a.kl, a.ml, eps, s.rows, s.latent);
    const logits = this.decode(params, labels);
    bceLogitsForward(a.rec, logits, x, s.rows, spec.CVAE_PIXELS);
    let reconstruction = 0;
    let kl = 0;
    for (let r = 0; r < s.rows; r++) {
      reconstruction += a.rec[r];
      kl += a.kl[r];
    }
    reconstruction /= s.rows;
    kl /= s.rows;
    return { loss: reconstruction + kl, reconstruction, kl };
  }

  /**
   * Forward, then the gradient of the batch-mean loss into `grads` (same layout as params; every
   * tensor overwritten, alignment gaps untouched). Returns the forward's losses.
   */
  forwardBackward(params: T, grads: T, x: T, labels: ArrayLike<number>, eps: T): CvaeLosses {
    const losses = this.forward(params, x, labels, eps);
    const { a, shapes: s, ops } = this;
    const g = (name: CvaeTensorName) => this.w(grads, name);
    bceLogitsBackward(a.d_logits, a.logits, x, s.rows, spec.CVAE_PIXELS, 1 / s.rows);
    ops.convTBackwardWeight(g('D3.weight'), a.d2, a.d_logits, s.d3);
    ops.convTBackwardBias(g('D3.bias'), a.d_logits, s.d3);
    ops.convTBackwardInput(a.d_d2, a.d_logits, this.w(params, 'D3.weight'), s.d3);
    activationBackward(a.d_d2, a.d_d2, a.d2, 'relu');
    ops.convTBackwardWeight(g('D2.weight'), a.d1, a.d_d2, s.d2);
    ops.convTBackwardBias(g('D2.bias'), a.d_d2, s.d2);
    ops.convTBackwardInput(a.d_d1, a.d_d2, this.w(params, 'D2.weight'), s.d2);
    activationBackward(a.d_d1, a.d_d1, a.d1, 'relu');
    ops.denseBackwardWeight(g('D1.weight'), a.d_d1, a.zy, s.d1);
    ops.denseBackwardBias(g('D1.bias'), a.d_d1, s.d1);
    ops.denseBackwardInput(a.d_zy, a.d_d1, this.w(params, 'D1.weight'), s.d1);
    concatOnehotBackward(a.d_z, a.d_zy, s.rows, s.latent, spec.CVAE_CLASSES);
    vaeLatentBackward(a.d_ml, a.d_z, a.ml, eps, s.rows, s.latent, 1 / s.rows);
    ops.denseBackwardWeight(g('E2.weight'), a.d_ml, a.h1, s.e2);
    ops.denseBackwardBias(g('E2.bias'), a.d_ml, s.e2);
    ops.denseBackwardInput(a.d_h1, a.d_ml, this.w(params, 'E2.weight'), s.e2);
    activationBackward(a.d_h1, a.d_h1, a.h1, 'relu');
    // x is data, so E1 needs no input gradient.
    ops.denseBackwardWeight(g('E1.weight'), a.d_h1, a.xy, s.e1);
    ops.denseBackwardBias(g('E1.bias'), a.d_h1, s.e1);
    return losses;
  }
}
