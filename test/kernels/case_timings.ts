// Prints each case of a GPU check report with its time, so per-case timings in Node and Chromium
// appear in the test output (expectGpuCheck logs only the total). Test output only.

import type { CaseResult } from '../gpu-checks/check.ts';

export function logCaseTimings(environment: string, check: string, cases: readonly CaseResult[]): void {
  const lines = cases.map((c) => `  ${String(c.ms).padStart(6)} ms  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.label}`);
  console.log(`[${environment}] ${check} per case:\n${lines.join('\n')}`);
}
