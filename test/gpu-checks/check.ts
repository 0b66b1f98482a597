// The shape of a GPU check: one function `(gpu) => Promise<CaseResult[]>` that runs in Node (Dawn)
// and in Chromium alike, plus helpers to run one case inside a validation scope with a leak count.
// Results are plain JSON so they cross page.evaluate unchanged. Not a test runner: vitest asserts.

import type { Gpu } from '../../src/runtime/gpu.ts';
import { liveBuffers } from '../../src/runtime/gpu.ts';
import { withValidation } from '../../src/runtime/validation.ts';
import { compareClose, type Tolerance } from '../helpers/allclose.ts';

export interface CaseResult {
  label: string;
  ok: boolean;
  /** What was compared and how it went (the mismatch table when it failed). */
  detail: string;
  ms: number;
}

export interface CheckReport {
  check: string;
  adapter: string;
  ok: boolean;
  cases: CaseResult[];
  /** Set when the check threw outside any case (e.g. pipeline creation failed). */
  error?: string;
  /** Buffers created through the Gpu and not destroyed by the end of the check. */
  leakedBuffers: number;
  ms: number;
}

export type GpuCheck = (gpu: Gpu) => Promise<CaseResult[]>;

export interface Outcome {
  ok: boolean;
  detail: string;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Compares with compareClose and words the result for a report. */
export function closeOutcome(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
): Outcome {
  const report = compareClose(actual, expected, tol);
  return { ok: report.ok, detail: report.table };
}

/**
 * Runs one case in its own validation/out-of-memory scope; a throw, a scope error or a buffer the
 * case created and did not destroy makes the case fail, with the reason in `detail`.
 */
export async function runCase(gpu: Gpu, label: string, body: () => Promise<Outcome>): Promise<CaseResult> {
  const start = performance.now();
  const before = liveBuffers(gpu.counts());
  let outcome: Outcome;
  try {
    outcome = await withValidation(gpu.device, body, label);
  } catch (error) {
    outcome = { ok: false, detail: describeError(error) };
  }
  const leaked = liveBuffers(gpu.counts()) - before;
  if (leaked !== 0) outcome = { ok: false, detail: `${outcome.detail}\n${leaked} buffer(s) not destroyed` };
  return { label, ok: outcome.ok, detail: outcome.detail, ms: Math.round(performance.now() - start) };
}
