// GPU check for softmax_cross_entropy (loss, probs, correct and dLogits in one dispatch) against
// src/reference/softmax_cross_entropy.ts: batch 1/3/64/70, classes 2/10/13, logits of +-1000
// (stability), rows with tied maxima (the first maximum wins), a label out of range (loss NaN,
// correct 0), a 2-workgroup batch, run-to-run bit identity and no write past the end.

import { SoftmaxCrossEntropyKernel } from '../../src/kernels/softmax_cross_entropy.ts';
import type { SoftmaxCrossEntropyParams } from '../../src/ops/softmax_cross_entropy.ts';
import {
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyForward,
} from '../../src/reference/softmax_cross_entropy.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { closeOutcome, runCase, type CaseResult, type Outcome } from './check.ts';
import { combine, output, readFloats, readWords, sameBits, submitPass, upload } from './tensor_io.ts';

interface SoftmaxCase extends SoftmaxCrossEntropyParams {
  /** Logits are uniform in [-range, range]. */
  range: number;
  /** Rows whose maximum appears twice, with the label on the second copy (correct must be 0). */
  ties: boolean;
  /** Row 0 gets label = classes: the kernel must flag it instead of reading out of bounds. */
  badLabel: boolean;
}

const CASES: readonly SoftmaxCase[] = [
  { batch: 1, classes: 2, range: 4, ties: false, badLabel: false },
  { batch: 3, classes: 10, range: 4, ties: false, badLabel: false },
  { batch: 64, classes: 13, range: 4, ties: true, badLabel: false },
  { batch: 64, classes: 10, range: 1000, ties: false, badLabel: false },
  { batch: 3, classes: 13, range: 1000, ties: true, badLabel: false },
  { batch: 70, classes: 2, range: 1000, ties: false, badLabel: false }, // 2 workgroups of 64
  { batch: 5, classes: 10, range: 4, ties: false, badLabel: true },
];

/**
 * Each value comes from a handful of f32 operations on at most 13 terms (exp accurate to a few
 * ulp for arguments <= 0, one log): errors of a few ulp of the result, plus ulps of the logits
 * themselves for the loss, which reaches ~2000 when the label's logit is far below the maximum.
 */
const LOSS_TOLERANCE = { atol: 2e-6, rtol: 2e-6 };
const PROBS_TOLERANCE = { atol: 1e-6, rtol: 1e-5 };

interface SoftmaxData {
  logits: Float32Array;
  labels: Uint32Array;
}

function makeData(c: SoftmaxCase): SoftmaxData {
  const random = new Random(17 * c.batch + c.classes + c.range);
  const logits = random.fillUniform(new Float32Array(c.batch * c.classes), -c.range, c.range);
  const labels = new Uint32Array(c.batch).map(() => random.int(c.classes));
  if (c.ties) {
    for (let b = 0; b < c.batch; b += 2) {
      const row = logits.subarray(b * c.classes, (b + 1) * c.classes);
      const first = random.int(c.classes - 1);
      const second = first + 1 + random.int(c.classes - 1 - first);
      row[first] = row[second] = c.range + 1;
      labels[b] = second;
    }
  }
  // Half the rows otherwise get their label at the maximum so that `correct` is not all zeros.
  for (let b = 1; b < c.batch; b += 2) {
    const row = Array.from(logits.subarray(b * c.classes, (b + 1) * c.classes));
    labels[b] = row.indexOf(Math.max(...row));
  }
  if (c.badLabel) labels[0] = c.classes;
  return { logits, labels };
}

/** The reference in Float64 arrays; a bad label row is computed with label 0, then patched. */
function expectedValues(c: SoftmaxCase, d: SoftmaxData) {
  const labels = d.labels.map((label) => (label < c.classes ? label : 0));
  const loss = new Float64Array(c.batch);
  const probs = new Float64Array(c.batch * c.classes);
  const correct = new Uint32Array(c.batch);
  const dLogits = new Float64Array(c.batch * c.classes);
  softmaxCrossEntropyForward(loss, probs, correct, d.logits, labels, c);
  softmaxCrossEntropyBackward(dLogits, probs, labels, c);
  if (c.badLabel) {
    loss[0] = NaN;
    correct[0] = 0;
    for (let k = 0; k < c.classes; k++) dLogits[k] = probs[k] / c.batch; // no one-hot term
  }
  return { loss, probs, correct, dLogits };
}

/** closeOutcome, except that expected NaN must be matched by NaN. */
function lossOutcome(actual: Float32Array, expected: Float64Array): Outcome {
  const nan = expected.map((v, i) => (Number.isNaN(v) === Number.isNaN(actual[i]) ? 0 : 1));
  if (nan.some((bad) => bad)) return { ok: false, detail: `NaN mismatch: actual [${actual.join(', ')}]` };
  const keep = (_: number, i: number) => !Number.isNaN(expected[i]);
  return closeOutcome(actual.filter(keep), expected.filter(keep), LOSS_TOLERANCE);
}

function correctOutcome(actual: Uint32Array, expected: Uint32Array): Outcome {
  const ok = actual.every((v, i) => v === expected[i]);
  return { ok, detail: `actual [${actual.join('')}], expected [${expected.join('')}]` };
}

async function runSoftmax(gpu: Gpu, kernel: SoftmaxCrossEntropyKernel, c: SoftmaxCase): Promise<Outcome> {
  const d = makeData(c);
  const expected = expectedValues(c, d);
  const values = c.batch * c.classes;
  const buffers = {
    lossPerRow: output(gpu, 'lossPerRow', c.batch),
    probs: output(gpu, 'probs', values),
    correct: output(gpu, 'correct', c.batch, 'u32'),
    dLogits: output(gpu, 'dLogits', values),
    logits: upload(gpu, 'logits', d.logits),
    labels: upload(gpu, 'labels', d.labels),
  };
  const binding = kernel.bind(buffers, c);
  try {
    const record = (pass: GPUComputePassEncoder) => kernel.encodeForwardBackward(pass, binding);
    const read = async () => ({
      loss: await readFloats(gpu, buffers.lossPerRow, c.batch),
      probs: await readFloats(gpu, buffers.probs, values),
      correct: await readWords(gpu, buffers.correct, c.batch),
      dLogits: await readFloats(gpu, buffers.dLogits, values),
    });
    submitPass(gpu, 'softmax_cross_entropy check', record);
    const first = await read();
    submitPass(gpu, 'softmax_cross_entropy check (again)', record);
    const second = await read();
    const dLogitsTolerance = { atol: PROBS_TOLERANCE.atol / c.batch, rtol: PROBS_TOLERANCE.rtol };
    return combine({
      loss: lossOutcome(first.loss.values, expected.loss),
      probs: closeOutcome(first.probs.values, expected.probs, PROBS_TOLERANCE),
      correct: correctOutcome(first.correct.values, expected.correct),
      dLogits: closeOutcome(first.dLogits.values, expected.dLogits, dLogitsTolerance),
      tails: combine({
        loss: first.loss.tail,
        probs: first.probs.tail,
        correct: first.correct.tail,
        dLogits: first.dLogits.tail,
      }),
      determinism: combine({
        loss: sameBits('loss', first.loss.values, second.loss.values),
        probs: sameBits('probs', first.probs.values, second.probs.values),
        dLogits: sameBits('dLogits', first.dLogits.values, second.dLogits.values),
      }),
    });
  } finally {
    binding.destroy();
    for (const buffer of Object.values(buffers)) buffer.destroy();
  }
}

export async function checkSoftmaxCrossEntropy(gpu: Gpu): Promise<CaseResult[]> {
  const kernel = SoftmaxCrossEntropyKernel.create(gpu);
  const results: CaseResult[] = [];
  for (const c of CASES) {
    const extras = [c.ties ? 'tied maxima' : '', c.badLabel ? 'label out of range' : ''].filter(Boolean);
    const label = `batch ${c.batch}, classes ${c.classes}, logits +-${c.range}${extras.map((e) => `, ${e}`).join('')}`;
    results.push(await runCase(gpu, label, async () => runSoftmax(gpu, await kernel, c)));
  }
  return results;
}
