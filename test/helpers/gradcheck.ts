// Float64 central-difference gradient check for the CPU reference backward passes, in the
// spirit of micrograd/tinygrad: perturb every element of every input and parameter, recompute a
// scalar loss, and compare against the analytic gradient with a mismatch table per tensor.
// Not for float32 (finite differences are meaningless at 1e-6 there) and not for GPU kernels,
// which are compared against the reference instead.

import type { Random } from '../../src/util/random.ts';
import { compareClose, type Tolerance } from './allclose.ts';

/**
 * Step for central differences. Truncation error is O(eps^2 * f''') ~ 1e-12 for our O(1)
 * derivatives; rounding error is ~ |loss| * 2^-52 / eps ~ 1e-10 * |loss|. 1e-6 balances the two.
 */
export const GRADCHECK_EPS = 1e-6;

/**
 * With |loss| up to ~100 in these small cases, the rounding error above is ~1e-8, so atol 1e-7
 * leaves a 10x margin; rtol 1e-5 covers large gradients, whose loss values carry proportionally
 * larger rounding. A wrong gradient (a missed tap, a transposed index, a factor of 2) misses by
 * O(0.01..1), many orders of magnitude above these bounds.
 */
export const GRADCHECK_TOLERANCE: Tolerance = { atol: 1e-7, rtol: 1e-5 };

/** One tensor to check: its values (perturbed in place, then restored) and its analytic gradient. */
export interface GradTarget {
  name: string;
  values: Float64Array;
  analytic: ArrayLike<number>;
}

export interface GradcheckOptions {
  eps?: number;
  tol?: Tolerance;
}

export interface GradcheckResult {
  ok: boolean;
  /** One block per target: its mismatch table, or why the check proves nothing. */
  report: string;
}

/** d loss / d values[i] for every i by central differences; `values` is restored afterwards. */
export function numericGradient(loss: () => number, values: Float64Array, eps = GRADCHECK_EPS): Float64Array {
  const grad = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const saved = values[i];
    values[i] = saved + eps;
    const up = loss();
    const upAt = values[i];
    values[i] = saved - eps;
    const down = loss();
    const downAt = values[i];
    values[i] = saved;
    grad[i] = (up - down) / (upAt - downAt); // the step actually taken, after rounding
  }
  return grad;
}

/**
 * Checks every target's analytic gradient against central differences of `loss`, which must
 * read the targets' `values` each time it runs. A target whose numeric gradient is zero
 * everywhere fails: the loss does not depend on it, so agreement would prove nothing.
 */
export function gradcheck(
  loss: () => number,
  targets: GradTarget[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const tol = options.tol ?? GRADCHECK_TOLERANCE;
  const blocks: string[] = [];
  let ok = true;
  for (const target of targets) {
    const numeric = numericGradient(loss, target.values, options.eps);
    const report = compareClose(target.analytic, numeric, tol);
    const dependsOnIt = numeric.some((g) => Math.abs(g) > 100 * tol.atol);
    if (!report.ok) ok = false;
    if (!dependsOnIt) ok = false;
    const note = dependsOnIt ? '' : ' (numeric gradient is all zero: the loss ignores this tensor)';
    blocks.push(`${target.name}${note}: ${report.table}`);
  }
  return { ok, report: blocks.join('\n') };
}

/** Throws with every target's table when any target fails. */
export function assertGradcheck(
  what: string,
  loss: () => number,
  targets: GradTarget[],
  options?: GradcheckOptions,
): void {
  const result = gradcheck(loss, targets, options);
  if (!result.ok) throw new Error(`gradcheck ${what}:\n${result.report}`);
}

/** sum_i values[i] * weights[i]: a scalar loss whose gradient with respect to values is weights. */
export function weightedSum(values: ArrayLike<number>, weights: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * weights[i];
  return sum;
}

/** `length` uniform values in [lo, hi). */
export function randomFloat64(rng: Random, length: number, lo = -1, hi = 1): Float64Array {
  return rng.fillUniform(new Float64Array(length), lo, hi);
}

/**
 * `length` distinct values in [-1, 1], shuffled, at least 1.5/length apart (0.0015 for 1000
 * values, still 1500 x GRADCHECK_EPS). For max pool: an eps step can never change which element
 * is a window's maximum, so finite differences never cross an argmax.
 */
export function wellSeparated(rng: Random, length: number): Float64Array {
  const gap = 2 / length;
  const values = new Float64Array(length);
  for (let i = 0; i < length; i++) values[i] = -1 + i * gap + rng.uniform(0, gap / 4);
  return rng.shuffle(values);
}

/** An array of NaN: backward outputs start as this so any element a pass forgets to write shows up. */
export function nanFilled(length: number): Float64Array {
  return new Float64Array(length).fill(NaN);
}
