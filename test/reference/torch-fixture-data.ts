// Typed access to the PyTorch fixtures in test/fixtures/torch (written once by
// scripts/export_torch_fixtures.py) and the per-precision tolerances the fixture test uses.
// Not a test and not a generator: it only reads JSON and turns numbers into typed arrays.
import { readFileSync } from 'node:fs';
import { assertClose, type Tolerance } from '../helpers/allclose.ts';

/** A layer op case: inputs, the random `upstream` (dLoss/dOutput), torch's outputs and gradients. */
export interface LayerCase<P> {
  name: string;
  params: P;
  outputShape: number[];
  inputs: Record<string, number[]>;
  upstream: number[];
  outputs: Record<string, number[]>;
  grads: Record<string, number[]>;
}

export interface SoftmaxCrossEntropyCase<P> {
  name: string;
  params: P;
  inputs: { logits: number[]; labels: number[] };
  outputs: { lossPerRow: number[]; probs: number[]; correct: number[]; meanLoss: number };
  grads: { logits: number[] };
}

/** An optimizer run: state after each of a few steps with fixed grads, starting from zero state. */
export interface OptimizerCase<P, S> {
  name: string;
  params: P;
  initialParams: number[];
  steps: (S & { grads: number[]; params: number[] })[];
}

export function loadTorchFixture<C>(op: string): C[] {
  const url = new URL(`../fixtures/torch/${op}.json`, import.meta.url);
  const doc = JSON.parse(readFileSync(url, 'utf8')) as { op: string; cases: C[] };
  if (doc.op !== op) throw new Error(`${url.pathname}: holds op ${doc.op}, expected ${op}`);
  return doc.cases;
}

type FloatArray = Float32Array | Float64Array;

/**
 * One storage precision. Fixture inputs sit on a 1/1024 grid, so they are exact in both; what
 * differs is only how the reference stores its results. `check` derives the tolerance from the
 * reduction length K (terms summed per output element) and the field's magnitude:
 * - float64: torch and the reference both compute in float64 and differ only in summation order,
 *   an error of at most about K * 1.1e-16 * scale; fixtures keep 12 significant digits (5e-13
 *   relative). atol = 1e-11 * K * scale and rtol = 1e-9 leave a wide margin over both while a
 *   wrong index or formula shows up as an error of order `scale`.
 * - float32: results (and any intermediate state the reference keeps in its arrays) are rounded
 *   to float32, 2^-24 relative each; a sum of K terms, even if accumulated in float32, errs by
 *   at most about K * 2^-24 * scale. rtol = 1e-6 (16 float32 ulps) covers the final rounding.
 */
export interface Precision {
  name: 'float64' | 'float32';
  from(values: ArrayLike<number>): FloatArray;
  /** A fresh array filled with NaN, so a backward that accumulates instead of overwriting fails. */
  poisoned(length: number): FloatArray;
  zeros(length: number): FloatArray;
  check(actual: ArrayLike<number>, expected: number[], reductionLength: number, what: string): void;
}

function maxAbs(values: number[]): number {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m === 0 ? 1 : m;
}

function makePrecision(
  name: Precision['name'],
  make: (n: number) => FloatArray,
  tolerance: (reductionLength: number, scale: number) => Tolerance,
): Precision {
  return {
    name,
    from: (values) => {
      const out = make(values.length);
      for (let i = 0; i < values.length; i++) out[i] = values[i];
      return out;
    },
    poisoned: (length) => make(length).fill(NaN),
    zeros: (length) => make(length),
    check: (actual, expected, reductionLength, what) =>
      assertClose(actual, expected, tolerance(reductionLength, maxAbs(expected)), `${what} (${name})`),
  };
}

export const FLOAT64 = makePrecision(
  'float64',
  (n) => new Float64Array(n),
  (k, scale) => ({ atol: 1e-11 * k * scale, rtol: 1e-9 }),
);

export const FLOAT32 = makePrecision(
  'float32',
  (n) => new Float32Array(n),
  (k, scale) => ({ atol: k * 2 ** -24 * scale, rtol: 1e-6 }),
);

export const PRECISIONS: Precision[] = [FLOAT64, FLOAT32];
