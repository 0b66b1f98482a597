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
import { checkMaxPool2d } from './max_pool2d.ts';
import { checkAvgPool2d } from './avg_pool2d.ts';
import { checkSgd } from './sgd.ts';
import { checkAdam } from './adam.ts';
import { checkGatherBatch } from './gather_batch.ts';
import { checkMatmul } from './matmul.ts';
import { checkDense } from './dense.ts';
import { checkActivation } from './activation.ts';
import { checkSoftmaxCrossEntropy } from './softmax_cross_entropy.ts';
import { checkConv2d } from './conv2d.ts';
import { checkSplitSum } from './split_sum.ts';
import { checkMetricsAccumulate } from './metrics_accumulate.ts';
import { checkDiagnose } from './diagnose.ts';
import { checkSegmentStats } from './segment_stats.ts';
import { checkProbe } from './probe.ts';
import { checkImageAscent } from './image_ascent.ts';
import { checkInputGradient } from './input_gradient.ts';
import { checkConvTranspose2d } from './conv_transpose2d.ts';
import { checkBceLogits } from './bce_logits.ts';
import { checkVaeLatent } from './vae_latent.ts';
import { checkConcatOnehot } from './concat_onehot.ts';
import { checkCvae } from './cvae.ts';

export const gpuChecks = {
  runtime: checkRuntime,
  scale_add: checkScaleAdd,
  max_pool2d: checkMaxPool2d,
  avg_pool2d: checkAvgPool2d,
  sgd: checkSgd,
  adam: checkAdam,
  gather_batch: checkGatherBatch,
  matmul: checkMatmul,
  dense: checkDense,
  activation: checkActivation,
  softmax_cross_entropy: checkSoftmaxCrossEntropy,
  conv2d: checkConv2d,
  split_sum: checkSplitSum,
  metrics_accumulate: checkMetricsAccumulate,
  diagnose: checkDiagnose,
  segment_stats: checkSegmentStats,
  probe: checkProbe,
  image_ascent: checkImageAscent,
  input_gradient: checkInputGradient,
  conv_transpose2d: checkConvTranspose2d,
  bce_logits: checkBceLogits,
  vae_latent: checkVaeLatent,
  concat_onehot: checkConcatOnehot,
  cvae: checkCvae,
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
