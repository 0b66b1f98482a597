// GPU check for metrics_accumulate against a CPU computation of the same totals: several batches
// accumulated into few loss slots (so slots wrap and add), padding rows past `rows` holding NaN
// losses and out-of-range labels (they must not be read), a tied maximum (the first wins), a
// label outside the classes (never correct, no confusion count, its loss still added), rows
// more and fewer than the workgroup, with and without the confusion matrix.

import {
  MetricsAccumulateKernel,
  metricsTotalsBytes,
  parseMetricsTotals,
} from '../../src/kernels/metrics_accumulate.ts';
import { readBuffer } from '../../src/runtime/buffers.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { runCase, type CaseResult, type Outcome } from './check.ts';
import { readU32, storageOut, submitPass } from './kernel_io.ts';

interface MetricsCase {
  capacity: number;
  rows: number;
  classes: number;
  batches: number;
  slots: number;
  workgroupSize: number;
  confusion: boolean;
}

const cases: readonly MetricsCase[] = [
  { capacity: 40, rows: 37, classes: 10, batches: 5, slots: 2, workgroupSize: 16, confusion: true },
  { capacity: 40, rows: 40, classes: 10, batches: 3, slots: 7, workgroupSize: 64, confusion: true },
  { capacity: 5, rows: 1, classes: 3, batches: 2, slots: 1, workgroupSize: 1, confusion: false },
  { capacity: 300, rows: 299, classes: 6, batches: 2, slots: 3, workgroupSize: 256, confusion: false },
];

/** One batch: logits with a tie in row 0, labels with one outside the classes, NaN padding. */
function makeBatch(c: MetricsCase, random: Random) {
  const logits = random.fillUniform(new Float32Array(c.capacity * c.classes), -3, 3);
  const labels = Uint32Array.from({ length: c.capacity }, () => random.int(c.classes));
  const loss = random.fillUniform(new Float32Array(c.capacity), 0, 5);
  if (c.classes > 1) logits[1] = logits[0] = 9; // row 0: classes 0 and 1 tie; class 0 wins
  labels[c.rows - 1] = c.classes + 2; // outside the classes
  loss.fill(NaN, c.rows);
  labels.fill(0xffffffff, c.rows);
  return { logits, labels, loss };
}

/** Adds the batch's correct count (counts[0]) and confusion counts (counts[1..]). */
function countBatch(c: MetricsCase, batch: ReturnType<typeof makeBatch>, counts: number[]): void {
  for (let r = 0; r < c.rows; r++) {
    let best = 0;
    for (let k = 1; k < c.classes; k++)
      if (batch.logits[r * c.classes + k] > batch.logits[r * c.classes + best]) best = k;
    const label = batch.labels[r];
    if (best === label) counts[0]++;
    if (label < c.classes) counts[1 + label * c.classes + best]++;
  }
}

async function runMetrics(gpu: Gpu, kernel: MetricsAccumulateKernel, c: MetricsCase): Promise<Outcome> {
  const random = new Random(700 + c.rows * 13 + c.slots);
  const usage = storageOut();
  const totals = gpu.createBuffer({ label: 'totals', size: metricsTotalsBytes(c.slots), usage });
  const confusion = gpu.createBuffer({ label: 'confusion', size: 4 * c.classes * c.classes, usage });
  const lossPerRow = gpu.createBuffer({ label: 'loss', size: 4 * c.capacity, usage });
  const logits = gpu.createBuffer({ label: 'logits', size: 4 * c.capacity * c.classes, usage });
  const labels = gpu.createBuffer({ label: 'labels', size: 4 * c.capacity, usage });
  const buffers = { totals, lossPerRow, logits, labels, ...(c.confusion ? { confusion } : {}) };
  const binding = kernel.bind(buffers, { rows: c.rows, classes: c.classes, slots: c.slots });
  const sums = new Float64Array(c.slots);
  const counts = new Array<number>(1 + c.classes * c.classes).fill(0);
  try {
    for (let b = 0; b < c.batches; b++) {
      const batch = makeBatch(c, random);
      gpu.device.queue.writeBuffer(lossPerRow, 0, batch.loss);
      gpu.device.queue.writeBuffer(logits, 0, batch.logits);
      gpu.device.queue.writeBuffer(labels, 0, batch.labels);
      submitPass(gpu, 'metrics_accumulate', (pass) => kernel.encodeForward(pass, binding));
      for (let r = 0; r < c.rows; r++) sums[b % c.slots] += batch.loss[r];
      countBatch(c, batch, counts);
    }
    const got = parseMetricsTotals(await readBuffer(gpu, totals), c.slots);
    const gotSlots = new Float32Array(await readBuffer(gpu, totals, 8, 4 * c.slots));
    const gotConfusion = await readU32(gpu, confusion);
    const problems: string[] = [];
    if (got.batches !== c.batches) problems.push(`batches ${got.batches}, expected ${c.batches}`);
    if (got.correct !== counts[0]) problems.push(`correct ${got.correct}, expected ${counts[0]}`);
    // At most `capacity` f32 additions of values below 5 per batch, a few batches per slot.
    const atol = 1e-6 * c.capacity * c.batches;
    sums.forEach((sum, s) => {
      if (!(Math.abs(gotSlots[s] - sum) <= atol)) problems.push(`slot ${s}: ${gotSlots[s]}, expected ${sum}`);
    });
    const wanted = c.confusion ? counts.slice(1) : new Array<number>(c.classes * c.classes).fill(0);
    if (gotConfusion.some((v, i) => v !== wanted[i]))
      problems.push(`confusion ${[...gotConfusion]} != ${wanted}`);
    const detail = `${c.batches} batches of ${c.rows}/${c.capacity} rows, ${c.slots} slots, WG ${c.workgroupSize}`;
    return {
      ok: problems.length === 0,
      detail: problems.length ? `${detail}: ${problems.join('; ')}` : detail,
    };
  } finally {
    binding.destroy();
    for (const buffer of [totals, confusion, lossPerRow, logits, labels]) buffer.destroy();
  }
}

export async function checkMetricsAccumulate(gpu: Gpu): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const kernel = await MetricsAccumulateKernel.create(gpu, { workgroupSize: c.workgroupSize });
    const label = `rows ${c.rows} classes ${c.classes} slots ${c.slots} wg ${c.workgroupSize}${c.confusion ? ' +confusion' : ''}`;
    results.push(await runCase(gpu, label, () => runMetrics(gpu, kernel, c)));
  }
  return results;
}
