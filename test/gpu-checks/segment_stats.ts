// GPU check for segment_stats.forward against the reference (src/reference/segment_stats.ts):
// segments of awkward lengths (empty, 1, around the workgroup size, many workgroup rows), at
// unaligned and overlapping offsets, values of mixed magnitude with NaN and +-Inf inside a segment
// and a segment holding nothing else, in plain and Adam-direction mode, workgroups of 256, 64 and 1.
// Counts and plain-mode min / max must match exactly; sums within the f32 error of their length;
// two runs bit-identical (determinism); nothing written past the last segment.

import { SegmentStatsKernel, parseSegmentStats } from '../../src/kernels/segment_stats.ts';
import {
  PLAIN_STATS,
  SEGMENT_STATS_WORDS,
  type Segment,
  type SegmentStats,
  type SegmentStatsParams,
} from '../../src/ops/segment_stats.ts';
import { segmentStats } from '../../src/reference/segment_stats.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { runCase, type CaseResult, type Outcome } from './check.ts';
import { combine, output, readWords, submitPass, upload } from './tensor_io.ts';

interface StatsCase {
  label: string;
  length: number;
  segments: Segment[];
  params: SegmentStatsParams;
  workgroupSize: number;
}

const ADAM: SegmentStatsParams = { mode: 'adam', correction1: 0.271, correction2: 0.00299, epsilon: 1e-8 };

const cases: readonly StatsCase[] = [
  {
    label: 'plain, WG 256: empty, 1, 255, 257, 4097 (NaN/Inf inside), all non-finite, overlapping',
    length: 10_007,
    segments: [
      { offset: 0, length: 1 },
      { offset: 3, length: 0 },
      { offset: 5, length: 255 },
      { offset: 301, length: 257 },
      { offset: 1_001, length: 4_097 },
      { offset: 9_990, length: 3 },
      { offset: 4_000, length: 6_007 },
    ],
    params: PLAIN_STATS,
    workgroupSize: 256,
  },
  {
    label: 'adam direction, WG 64: v = 0 with m = 0, odd lengths',
    length: 3_001,
    segments: [
      { offset: 0, length: 63 },
      { offset: 63, length: 65 },
      { offset: 131, length: 2_870 },
    ],
    params: ADAM,
    workgroupSize: 64,
  },
  {
    label: 'plain, WG 1: one invocation per segment',
    length: 77,
    segments: [
      { offset: 2, length: 75 },
      { offset: 0, length: 7 },
    ],
    params: PLAIN_STATS,
    workgroupSize: 1,
  },
];

function makeInputs(c: StatsCase): { x: Float32Array; y: Float32Array } {
  const random = new Random(31 + c.length);
  // Mixed magnitudes (1e-4 .. 1e2) make a wrong order or a dropped term visible.
  const x = Float32Array.from({ length: c.length }, () => random.uniform(-1, 1) * 10 ** (random.int(7) - 4));
  const y = Float32Array.from({ length: c.length }, () => random.uniform(0, 1e-2));
  if (c.params.mode === 'plain' && c.length > 9_992) {
    x[1_500] = NaN;
    x[2_222] = Infinity;
    x[3_000] = -Infinity;
    x.set([NaN, Infinity, -Infinity], 9_990);
  } else {
    x[5] = 0; // m = v = 0: direction 0 / (0 + epsilon) = 0
    y[5] = 0;
  }
  return { x, y };
}

/** Error bound of an f32 sum of `length` terms walked in WG strides then a tree, relative to sum |terms|. */
function sumTolerance(length: number, workgroupSize: number, magnitude: number): number {
  const depth = Math.ceil(length / workgroupSize) + Math.log2(workgroupSize) + 2;
  return 2 * depth * 2 ** -24 * magnitude;
}

function compareStats(
  got: SegmentStats[],
  want: SegmentStats[],
  c: StatsCase,
  x: Float32Array,
  y: Float32Array,
): Outcome {
  const problems: string[] = [];
  const exactExtremes = c.params.mode === 'plain';
  const magnitudes = segmentStats(
    Float32Array.from(x, Math.abs),
    Float32Array.from(y, Math.abs),
    c.segments,
    c.params,
  );
  got.forEach((g, s) => {
    const w = want[s];
    const where = `segment ${s} (${c.segments[s].offset}+${c.segments[s].length})`;
    if (g.count !== w.count || g.nonFinite !== w.nonFinite) {
      problems.push(
        `${where}: count/nonFinite ${g.count}/${g.nonFinite}, expected ${w.count}/${w.nonFinite}`,
      );
    }
    for (const key of ['min', 'max'] as const) {
      const tolerance = exactExtremes || !Number.isFinite(w[key]) ? 0 : 1e-5 * Math.abs(w[key]);
      if (!(g[key] === w[key] || Math.abs(g[key] - w[key]) <= tolerance)) {
        problems.push(`${where}: ${key} ${g[key]}, expected ${w[key]}`);
      }
    }
    const length = c.segments[s].length;
    const sumTol =
      sumTolerance(length, c.workgroupSize, Math.abs(magnitudes[s].sum)) +
      (exactExtremes ? 0 : 1e-5 * Math.abs(magnitudes[s].sum));
    const squareTol = sumTolerance(length, c.workgroupSize, w.sumSquares) * (exactExtremes ? 1 : 10);
    if (!(Math.abs(g.sum - w.sum) <= sumTol))
      problems.push(`${where}: sum ${g.sum}, expected ${w.sum} +- ${sumTol}`);
    if (!(Math.abs(g.sumSquares - w.sumSquares) <= squareTol)) {
      problems.push(`${where}: sumSquares ${g.sumSquares}, expected ${w.sumSquares} +- ${squareTol}`);
    }
  });
  return { ok: problems.length === 0, detail: problems.join('\n') || `${got.length} segments match` };
}

async function runStats(gpu: Gpu, c: StatsCase): Promise<Outcome> {
  const kernel = await SegmentStatsKernel.create(gpu, { workgroupSize: c.workgroupSize });
  const { x, y } = makeInputs(c);
  const xBuffer = upload(gpu, 'x', x);
  const yBuffer = upload(gpu, 'y', y);
  const words = SEGMENT_STATS_WORDS * c.segments.length;
  const outs = [output(gpu, 'out 1', words, 'u32'), output(gpu, 'out 2', words, 'u32')];
  const adam = c.params.mode === 'adam';
  const bindings = outs.map((out) =>
    kernel.bind({ out, x: xBuffer, ...(adam ? { y: yBuffer } : {}) }, c.segments, c.params),
  );
  try {
    submitPass(gpu, 'segment_stats check', (pass) => bindings.forEach((b) => kernel.encodeForward(pass, b)));
    const [first, second] = await Promise.all(outs.map((out) => readWords(gpu, out, words)));
    const got = parseSegmentStats(first.values.slice().buffer, c.segments);
    const want = segmentStats(x, adam ? y : null, c.segments, c.params);
    const differ = first.values.filter((word, i) => word !== second.values[i]).length;
    return combine({
      stats: compareStats(got, want, c, x, y),
      determinism: { ok: differ === 0, detail: differ === 0 ? 'bit-identical' : `${differ} words differ` },
      tail: first.tail,
    });
  } finally {
    bindings.forEach((b) => b.destroy());
    [xBuffer, yBuffer, ...outs].forEach((buffer) => buffer.destroy());
  }
}

export async function checkSegmentStats(gpu: Gpu): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) results.push(await runCase(gpu, c.label, () => runStats(gpu, c)));
  return results;
}
