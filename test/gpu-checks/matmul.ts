// GPU check for the matmul kernel alone (shaders/matmul.forward.wgsl): every transpose combination,
// M, N, K of awkward sizes (1, 7, 63, 65, 130: above and below every tile and TILE_K), two tile
// configurations, split-K blocks summed here in a fixed order, run-to-run bit identity, and the
// refusal to combine split-K with bias or activation. The reference is a naive Float64 loop here:
// matmul has no op of its own in src/reference (dense is tested against denseForward & co.).

import { MatmulKernel, type MatmulTiles } from '../../src/kernels/matmul.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { closeOutcome, describeError, runCase, type CaseResult, type Outcome } from './check.ts';
import { combine, output, readFloats, sameBits, submitPass, upload } from './tensor_io.ts';

interface Transposes {
  transposeA: boolean;
  transposeB: boolean;
}

interface MatmulCase {
  m: number;
  n: number;
  k: number;
  splits: number;
}

// 128 x 128 blocks with 256 invocations (tileK 8: tileK 16 would need 16896 B of workgroup memory,
// over WebGPU's default 16384), and the default 64 x 64 blocks, smaller than M, N = 130 and 65.
const TILE_CONFIGS: readonly MatmulTiles[] = [
  { workgroupX: 16, workgroupY: 16, tileK: 8 },
  { workgroupX: 8, workgroupY: 8, tileK: 16 },
];

const TRANSPOSES: readonly Transposes[] = [
  { transposeA: false, transposeB: false },
  { transposeA: true, transposeB: false },
  { transposeA: false, transposeB: true },
  { transposeA: true, transposeB: true },
];

const SHAPES: readonly MatmulCase[] = [
  { m: 1, n: 1, k: 1, splits: 1 },
  { m: 7, n: 63, k: 65, splits: 1 },
  { m: 65, n: 130, k: 7, splits: 1 },
  { m: 130, n: 7, k: 63, splits: 1 },
  { m: 63, n: 65, k: 130, splits: 1 },
  // split-K: K 130 in chunks of 48 + 48 + 34 (both tileK); K 200 in 64 x 3 + 8 or 56 x 3 + 32
  { m: 63, n: 65, k: 130, splits: 3 },
  { m: 1, n: 7, k: 200, splits: 4 },
];

/**
 * Inputs are uniform in [-1, 1], so each product is below 1 in magnitude. f32 accumulation of K
 * terms rounds K times by at most 2^-24 of a running sum that stays below about sqrt(K) in
 * practice: K * 2^-20 leaves a margin of 16 over that, and is still far below the ~0.3 a missing,
 * doubled or misplaced term would cost.
 */
function tolerance(k: number) {
  return { atol: k * 2 ** -20, rtol: 0 };
}

/** C = op(A) op(B) in Float64; A is [M,K] or [K,M] (transposeA), B is [K,N] or [N,K] (transposeB). */
export function matmulReference(
  a: Float32Array,
  b: Float32Array,
  c: MatmulCase,
  t: Transposes,
): Float64Array {
  const { m, n, k } = c;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        const av = t.transposeA ? a[p * m + i] : a[i * k + p];
        const bv = t.transposeB ? b[j * k + p] : b[p * n + j];
        sum += av * bv;
      }
      out[i * n + j] = sum;
    }
  }
  return out;
}

/** Adds the split blocks in order 0, 1, ... as split_sum does. */
function sumBlocks(blocks: Float32Array, splits: number, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let s = 0; s < splits; s++) for (let i = 0; i < length; i++) out[i] += blocks[s * length + i];
  return out;
}

async function runMatmul(gpu: Gpu, kernel: MatmulKernel, c: MatmulCase, t: Transposes): Promise<Outcome> {
  const random = new Random(
    7919 * c.m + 104_729 * c.n + c.k + (t.transposeA ? 1 : 0) + (t.transposeB ? 2 : 0),
  );
  const a = random.fillUniform(new Float32Array(c.m * c.k));
  const b = random.fillUniform(new Float32Array(c.k * c.n));
  const expected = matmulReference(a, b, c, t);
  const aBuffer = upload(gpu, 'a', a);
  const bBuffer = upload(gpu, 'b', b);
  const words = c.splits * c.m * c.n;
  const result = output(gpu, 'result', words);
  const binding = kernel.bind({ result, a: aBuffer, b: bBuffer }, { ...c, ...t });
  try {
    if (binding.splits !== c.splits) {
      return { ok: false, detail: `bind used ${binding.splits} splits, the case asked ${c.splits}` };
    }
    submitPass(gpu, 'matmul check', (pass) => kernel.encodeForward(pass, binding));
    const first = await readFloats(gpu, result, words);
    submitPass(gpu, 'matmul check (again)', (pass) => kernel.encodeForward(pass, binding));
    const second = await readFloats(gpu, result, words);
    const grid = `grid ${binding.grid.x}x${binding.grid.y}x${binding.grid.z}`;
    return combine({
      [`C, ${grid}`]: closeOutcome(sumBlocks(first.values, c.splits, c.m * c.n), expected, tolerance(c.k)),
      tail: first.tail,
      determinism: sameBits('second run', first.values, second.values),
    });
  } finally {
    for (const thing of [binding, aBuffer, bBuffer, result]) thing.destroy();
  }
}

/** bind() must refuse split-K with a fused bias (each partial would add it). */
async function splitWithBiasIsRefused(gpu: Gpu): Promise<Outcome> {
  // Tiny tiles: SwiftShader's compile time grows with workgroup memory, and the tiles do not matter here.
  const tiles = { workgroupX: 4, workgroupY: 4, tileK: 4 };
  const kernel = await MatmulKernel.create(gpu, { bias: true, activation: 'relu', tiles });
  const buffer = upload(gpu, 'any', new Float32Array(64 * 64));
  try {
    kernel.bind({ result: buffer, a: buffer, b: buffer, bias: buffer }, { m: 4, n: 4, k: 64, splits: 2 });
    return { ok: false, detail: 'bind accepted splits 2 with bias and relu' };
  } catch (error) {
    const message = describeError(error);
    return { ok: /split-K .*cannot be combined with bias or activation/.test(message), detail: message };
  } finally {
    buffer.destroy();
  }
}

function transposeName(t: Transposes): string {
  return `${t.transposeA ? 'A^T' : 'A'} ${t.transposeB ? 'B^T' : 'B'}`;
}

export async function checkMatmul(gpu: Gpu): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const tiles of TILE_CONFIGS) {
    const tileName = `wg ${tiles.workgroupX}x${tiles.workgroupY} tileK ${tiles.tileK}`;
    // One pipeline per tile configuration: the transposes are uniforms.
    const kernel = MatmulKernel.create(gpu, { tiles, label: `matmul ${tileName}` });
    for (const t of TRANSPOSES) {
      for (const c of SHAPES) {
        const label = `${transposeName(t)}, M ${c.m} N ${c.n} K ${c.k}, splits ${c.splits}, ${tileName}`;
        results.push(await runCase(gpu, label, async () => runMatmul(gpu, await kernel, c, t)));
      }
    }
  }
  results.push(
    await runCase(gpu, 'split-K with bias + activation is refused', () => splitWithBiasIsRefused(gpu)),
  );
  return results;
}
