// Elementwise comparison |actual - expected| <= atol + rtol * |expected| with a readable
// mismatch table, in the spirit of gpuweb/cts. Used by reference, fixture and kernel tests.

export interface Tolerance {
  atol: number;
  rtol: number;
}

type Numbers = ArrayLike<number>;

export interface CloseReport {
  ok: boolean;
  maxAbsError: number;
  mismatches: number;
  table: string;
}

/** Compares two arrays; never throws. `table` lists the first `show` mismatches. */
export function compareClose(actual: Numbers, expected: Numbers, tol: Tolerance, show = 8): CloseReport {
  if (actual.length !== expected.length) {
    return {
      ok: false,
      maxAbsError: Infinity,
      mismatches: Math.max(actual.length, expected.length),
      table: `length mismatch: actual ${actual.length}, expected ${expected.length}`,
    };
  }
  let maxAbsError = 0;
  let mismatches = 0;
  const rows: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const err = Math.abs(a - e);
    const bad = !(err <= tol.atol + tol.rtol * Math.abs(e)); // NaN counts as bad
    if (Number.isNaN(err)) maxAbsError = Infinity;
    else if (err > maxAbsError) maxAbsError = err;
    if (bad) {
      mismatches++;
      if (rows.length < show) rows.push(`  [${i}] actual ${a} expected ${e} |diff| ${err.toExponential(3)}`);
    }
  }
  const head = `${mismatches} of ${expected.length} outside atol=${tol.atol} rtol=${tol.rtol}; max |diff| ${maxAbsError.toExponential(3)}`;
  return { ok: mismatches === 0, maxAbsError, mismatches, table: [head, ...rows].join('\n') };
}

/** Throws an Error carrying the mismatch table when the arrays differ beyond tolerance. */
export function assertClose(actual: Numbers, expected: Numbers, tol: Tolerance, what = 'values'): void {
  const report = compareClose(actual, expected, tol);
  if (!report.ok) throw new Error(`${what}: ${report.table}`);
}
