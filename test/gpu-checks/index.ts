// The registry of GPU checks, by name, and the runner both harnesses call: Node's vitest process
// and the Chromium test page (test/browser/main.ts) import this same module, so one check function
// runs in both. To add an op: write test/gpu-checks/<op>.ts exporting a GpuCheck, list it here,
// and name it in a *.gpu.test.ts through test/helpers/gpu-environments.ts.

import type { Gpu } from '../../src/runtime/gpu.ts';
import { liveBuffers } from '../../src/runtime/gpu.ts';
import { withValidation } from '../../src/runtime/validation.ts';
import { describeError, type CaseResult, type CheckReport, type GpuCheck } from './check.ts';
import { checkRuntime } from './runtime.ts';
import { checkScaleAdd } from './scale_add.ts';

export const gpuChecks = {
  runtime: checkRuntime,
  scale_add: checkScaleAdd,
} satisfies Record<string, GpuCheck>;

export type GpuCheckName = keyof typeof gpuChecks;

export function isGpuCheckName(name: string): name is GpuCheckName {
  return Object.hasOwn(gpuChecks, name);
}

/** Runs one check; never throws (errors land in the report), so the browser returns plain JSON. */
export async function runGpuCheck(gpu: Gpu, name: string): Promise<CheckReport> {
  const start = performance.now();
  const before = liveBuffers(gpu.counts());
  let cases: CaseResult[] = [];
  let error: string | undefined;
  if (!isGpuCheckName(name)) {
    error = `unknown GPU check '${name}'; known: ${Object.keys(gpuChecks).join(', ')}`;
  } else {
    try {
      cases = await withValidation(gpu.device, () => gpuChecks[name](gpu), name);
    } catch (thrown) {
      error = describeError(thrown);
    }
  }
  const leakedBuffers = liveBuffers(gpu.counts()) - before;
  // A check that ran no case proves nothing, so it does not pass.
  const ok = error === undefined && leakedBuffers === 0 && cases.length > 0 && cases.every((c) => c.ok);
  const ms = Math.round(performance.now() - start);
  return { check: name, adapter: gpu.describe(), ok, cases, error, leakedBuffers, ms };
}

/** The failure message vitest shows: every failing case with its detail. */
export function formatCheckFailure(environment: string, report: CheckReport): string {
  const lines = [`GPU check '${report.check}' failed in ${environment} on ${report.adapter}`];
  if (report.error) lines.push(`  error: ${report.error}`);
  if (report.cases.length === 0) lines.push('  no cases ran');
  if (report.leakedBuffers !== 0) lines.push(`  ${report.leakedBuffers} buffer(s) leaked`);
  for (const c of report.cases.filter((c) => !c.ok))
    lines.push(`  case "${c.label}":\n    ${c.detail.replace(/\n/g, '\n    ')}`);
  return lines.join('\n');
}
