// Param checks shared by every op's validator. Each failure names the op, the field, the bad
// value and the fix, because these messages reach the person editing an architecture.
// Not data checks: array lengths and labels are checked by the reference ops themselves.

/** Prints a value the way a person typed it: numbers plainly, anything else as JSON. */
function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** Throws unless `value` is a whole number >= 1 (a size, a count, a stride). */
export function requirePositiveInteger(op: string, field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `${op}: ${field} must be a positive integer, got ${show(value)}; use a whole number >= 1`,
    );
  }
}

/** Throws unless `value` is a whole number >= 0 (padding). */
export function requireNonNegativeInteger(op: string, field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(
      `${op}: ${field} must be a non-negative integer, got ${show(value)}; use a whole number >= 0`,
    );
  }
}

/**
 * Throws unless `value` is a finite number for which `inRange` holds.
 * `expectation` completes "must be ..." and `fix` says what to do instead.
 */
export function requireFiniteNumber(
  op: string,
  field: string,
  value: number,
  inRange: (v: number) => boolean,
  expectation: string,
  fix: string,
): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !inRange(value)) {
    throw new Error(`${op}: ${field} must be ${expectation}, got ${show(value)}; ${fix}`);
  }
}
