// Tolerances for comparing the fast CPU path with the naive reference, derived from how each
// computes: the reference sums in doubles and rounds once; the fast path multiplies float32
// values exactly in doubles but rounds partial sums to float32 `roundings` times (once per GEMM
// k-block of BLOCK_K = 256, once per image when summing over a batch, once per col2im add).
// Test helpers only; used by test/fast and bench/cpu-fast.ts.

import { BLOCK_K } from '../../src/fast/gemm.ts';
import { conv2dOutputSize, type Conv2dParams } from '../../src/ops/conv2d.ts';
import type { DenseParams } from '../../src/ops/dense.ts';
import type { Tolerance } from '../helpers/allclose.ts';

/**
 * With every input in [-1, 1], each partial sum has magnitude <= `reduction` (the number of terms
 * behind one output), so each float32 rounding moves it by at most 2^-24 * reduction; atol adds
 * those up (plus one for luck with the final store). rtol covers the final rounding of both
 * results to float32 (2^-24 each) with a factor 4 of slack.
 */
export function fastTolerance(reduction: number, roundings: number): Tolerance {
  return { atol: (roundings + 1) * 2 ** -24 * reduction, rtol: 2 ** -22 };
}

/** Float32 roundings of a GEMM's C over a k-sum of length `depth` (one per BLOCK_K-deep block). */
export function gemmRoundings(depth: number): number {
  return Math.ceil(depth / BLOCK_K);
}

export interface PassTolerances {
  forward: Tolerance;
  backwardInput: Tolerance;
  backwardWeight: Tolerance;
  backwardBias: Tolerance;
}

/**
 * conv2d, per pass: forward sums inC*kH*kW taps onto the bias; backward_input sums outC products
 * per column entry in the GEMM, then col2im adds up to ceil(kH/s)*ceil(kW/s) entries in float32;
 * backward_weight adds one GEMM per image onto the running float32 sum; the bias sum is in doubles.
 */
export function conv2dTolerances(p: Conv2dParams): PassTolerances {
  const { outHeight, outWidth } = conv2dOutputSize(p);
  const taps = p.inChannels * p.kernelH * p.kernelW;
  const plane = outHeight * outWidth;
  const reach = Math.ceil(p.kernelH / p.stride) * Math.ceil(p.kernelW / p.stride);
  return {
    forward: fastTolerance(taps + 1, gemmRoundings(taps)),
    backwardInput: fastTolerance(p.outChannels * reach, gemmRoundings(p.outChannels) + reach),
    backwardWeight: fastTolerance(p.batch * plane, p.batch * gemmRoundings(plane)),
    backwardBias: fastTolerance(p.batch * plane, 0),
  };
}

/** dense, per pass: each is one GEMM whose depth is in, out and batch features respectively. */
export function denseTolerances(p: DenseParams): PassTolerances {
  return {
    forward: fastTolerance(p.inFeatures + 1, gemmRoundings(p.inFeatures)),
    backwardInput: fastTolerance(p.outFeatures, gemmRoundings(p.outFeatures)),
    backwardWeight: fastTolerance(p.batch, gemmRoundings(p.batch)),
    backwardBias: fastTolerance(p.batch, 0),
  };
}
