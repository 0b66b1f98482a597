// The generator's seeded run: which training images each step uses (per-epoch shuffles from
// src/data/batching.ts, partial last batch dropped) and the eps stream of the latent noise. Both
// backends use these two classes so the same seed gives the same run. Not the model.

import { batchCount, epochPermutation } from '../data/batching.ts';
import { Random } from '../util/random.ts';

/** Batch `step` (0, 1, ...) of a run: epoch floor(step / batchesPerEpoch) of epochPermutation. */
export class CvaeBatchOrder {
  readonly batchesPerEpoch: number;
  private epoch = -1;
  private order: Uint32Array = new Uint32Array(0);

  constructor(
    readonly count: number,
    readonly batch: number,
    readonly seed: number,
  ) {
    this.batchesPerEpoch = batchCount(count, batch, 'drop');
  }

  /** The dataset indices of training step `step`; a view, valid until the next call. */
  indices(step: number): Uint32Array {
    const epoch = Math.floor(step / this.batchesPerEpoch);
    if (epoch !== this.epoch) {
      this.order = epochPermutation(this.count, this.seed, epoch);
      this.epoch = epoch;
    }
    const start = (step % this.batchesPerEpoch) * this.batch;
    return this.order.subarray(start, start + this.batch);
  }
}

/**
 * Seed of the eps stream: distinct from the init Random(seed), so the noise is not the init's
 * uniforms again, and from epochSeed's shuffles. Any fixed odd constant does; this is 2^32/phi.
 */
export function cvaeNoiseSeed(seed: number): number {
  return (seed ^ 0x9e3779b9) >>> 0;
}

/** eps [batch, latent] ~ N(0,1) for each step, drawn in order from one Random and nothing else. */
export class CvaeNoise {
  private readonly random: Random;

  constructor(seed: number) {
    this.random = new Random(cvaeNoiseSeed(seed));
  }

  /** Fills `out` (row-major [N, Z]) with the next N*Z standard normals and returns it. */
  next(out: Float32Array): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.random.normal();
    return out;
  }
}

/** Seeded z ~ N(0, I) for sampling grids (fresh Random(seed), independent of training). */
export function sampleLatents(count: number, latent: number, seed: number): Float32Array {
  const random = new Random(seed >>> 0);
  const z = new Float32Array(count * latent);
  for (let i = 0; i < z.length; i++) z[i] = random.normal();
  return z;
}
