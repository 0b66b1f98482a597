// The blocked GEMM against a plain triple loop in doubles: every transpose combination, overwrite
// and accumulate, offsets into bigger arrays, shapes below, at and above every block size, a
// prepacked B, and the argument checks. Not the conv or dense wrappers (see their tests).

import { describe, expect, it } from 'vitest';
import {
  BLOCK_K,
  BLOCK_M,
  BLOCK_N,
  createGemmWorkspace,
  gemm,
  gemmPrepackedB,
  prepackB,
  prepackedLength,
  type GemmParams,
} from '../../src/fast/gemm.ts';
import { Random } from '../../src/util/random.ts';
import { assertClose } from '../helpers/allclose.ts';
import { fastTolerance, gemmRoundings } from './tolerance.ts';

/** C = op(A) op(B) (+ C0) in doubles, from the same layouts gemm() reads. */
function naiveGemm(a: Float32Array, b: Float32Array, c0: Float32Array | null, p: GemmParams): Float64Array {
  const { m, n, k } = p;
  const [aOff, bOff, cOff] = [p.aOffset ?? 0, p.bOffset ?? 0, p.cOffset ?? 0];
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = c0 ? c0[cOff + i * n + j] : 0;
      for (let q = 0; q < k; q++) {
        const av = p.transA ? a[aOff + q * m + i] : a[aOff + i * k + q];
        const bv = p.transB ? b[bOff + j * k + q] : b[bOff + q * n + j];
        sum += av * bv;
      }
      c[i * n + j] = sum;
    }
  }
  return c;
}

const random = new Random(7);
const filled = (length: number): Float32Array => random.fillUniform(new Float32Array(length));

/** Runs one product in arrays padded on both sides by `pad` so offsets and overruns are tested. */
function check(
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  accumulate: boolean,
  pad = 0,
) {
  const p: GemmParams = { m, n, k, transA, transB, accumulate, aOffset: pad, bOffset: pad, cOffset: pad };
  const a = filled(m * k + 2 * pad);
  const b = filled(k * n + 2 * pad);
  const c = filled(m * n + 2 * pad); // accumulate adds onto these; overwrite must ignore them
  if (!accumulate) c.fill(NaN, pad, pad + m * n);
  const expected = naiveGemm(a, b, accumulate ? c : null, p);
  const guardsBefore = Array.from(c.subarray(0, pad));
  const guardsAfter = Array.from(c.subarray(pad + m * n));
  gemm(c, a, b, p);
  const roundings = gemmRoundings(k) + (accumulate ? 1 : 0);
  const what = `gemm ${m}x${n}x${k} transA=${transA} transB=${transB} accumulate=${accumulate}`;
  assertClose(c.subarray(pad, pad + m * n), expected, fastTolerance(k + 1, roundings), what);
  expect(Array.from(c.subarray(0, pad))).toEqual(guardsBefore); // nothing written outside C
  expect(Array.from(c.subarray(pad + m * n))).toEqual(guardsAfter);
}

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 3],
  [5, 1, 9],
  [3, 5, 2],
  [4, 4, 4], // exactly one micro-tile
  [9, 13, 11],
  [BLOCK_M, 37, BLOCK_K], // exactly one block deep and tall
  [BLOCK_M + 3, BLOCK_N + 5, BLOCK_K + 7], // more than one block in every dimension
  [2, 3, 2 * BLOCK_K + 1], // three k-blocks: C is rounded to float32 between them
];

describe('gemm', () => {
  for (const [m, n, k] of SHAPES) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`matches a triple loop for ${m}x${n}x${k}, transA=${transA}, transB=${transB}`, () => {
          check(m, n, k, transA, transB, false);
        });
      }
    }
  }

  it('adds onto C when accumulate is set, for every transpose combination', () => {
    for (const [transA, transB] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      check(6, 10, 5, transA, transB, true);
      check(BLOCK_M + 1, 9, BLOCK_K + 2, transA, transB, true);
    }
  });

  it('reads and writes only at the given offsets', () => {
    check(5, 7, 3, false, true, false, 11);
    check(7, 6, 9, true, false, true, 5);
  });

  it('gives the same answer with a caller-owned workspace reused across shapes', () => {
    const workspace = createGemmWorkspace();
    for (const [m, n, k] of [
      [7, 9, 5],
      [BLOCK_M + 2, 6, 3],
      [3, 4, BLOCK_K + 1],
    ] as const) {
      const p: GemmParams = { m, n, k, transA: false, transB: false, accumulate: false };
      const a = filled(m * k);
      const b = filled(k * n);
      const viaDefault = new Float32Array(m * n);
      const viaOwn = new Float32Array(m * n);
      gemm(viaDefault, a, b, p);
      gemm(viaOwn, a, b, p, workspace);
      expect(Array.from(viaOwn)).toEqual(Array.from(viaDefault));
    }
  });

  it('with a prepacked B gives exactly what gemm gives, read from an offset and across blocks', () => {
    for (const [m, n, k] of [
      [5, 7, 3],
      [9, 2 * BLOCK_N + 6, 11],
      [BLOCK_M + 2, 13, BLOCK_K + 9],
    ] as const) {
      for (const transB of [false, true]) {
        const p: GemmParams = { m, n, k, transA: true, transB, accumulate: false };
        const [a, b] = [filled(m * k), filled(k * n)];
        const lead = 6; // the prepacked panel starts part-way into its array
        const packed = new Float32Array(lead + prepackedLength(k, n)).fill(NaN);
        const panel = new Float32Array(prepackedLength(k, n));
        prepackB(panel, b, p);
        packed.set(panel, lead);
        const [viaGemm, viaPacked] = [new Float32Array(m * n), new Float32Array(m * n)];
        gemm(viaGemm, a, b, p);
        gemmPrepackedB(viaPacked, a, packed, { m, n, k, transA: true, accumulate: false, bOffset: lead });
        expect(Array.from(viaPacked)).toEqual(Array.from(viaGemm));
      }
    }
  });

  it('lays a prepacked B out as TILE-wide column slivers over the full depth', () => {
    // B = [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]] (k = 2, n = 5): slivers {cols 0-3} and {col 4 + 3 zero lanes}.
    const b = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const packed = new Float32Array(prepackedLength(2, 5)).fill(NaN);
    prepackB(packed, b, { m: 1, n: 5, k: 2, transA: false, transB: false, accumulate: false });
    expect(Array.from(packed)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 5, 0, 0, 0, 10, 0, 0, 0]);
  });

  it('writes zeros for an empty sum (k = 0) and leaves C alone when accumulating', () => {
    const c = new Float32Array([1, 2, 3, 4, 5, 6]);
    gemm(c, new Float32Array(0), new Float32Array(0), {
      m: 2,
      n: 3,
      k: 0,
      transA: false,
      transB: false,
      accumulate: true,
    });
    expect(Array.from(c)).toEqual([1, 2, 3, 4, 5, 6]);
    gemm(c, new Float32Array(0), new Float32Array(0), {
      m: 2,
      n: 3,
      k: 0,
      transA: false,
      transB: false,
      accumulate: false,
    });
    expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('rejects arrays too short for the shape and sizes that are not whole numbers', () => {
    const p: GemmParams = { m: 3, n: 4, k: 5, transA: false, transB: false, accumulate: false };
    const [a, b, c] = [new Float32Array(15), new Float32Array(20), new Float32Array(12)];
    expect(() => gemm(c, a.subarray(1), b, p)).toThrow(
      /gemm: a needs 15 elements from offset 0 but has length 14/,
    );
    expect(() => gemm(c, a, b, { ...p, bOffset: 1 })).toThrow(/gemm: b needs 20 elements from offset 1/);
    expect(() => gemm(c.subarray(2), a, b, p)).toThrow(/gemm: c needs 12 elements/);
    expect(() => gemm(c, a, b, { ...p, k: 2.5 })).toThrow(/gemm: k must be a non-negative integer, got 2.5/);
    const short = new Float32Array(prepackedLength(5, 4) - 1);
    expect(() => gemmPrepackedB(c, a, short, p)).toThrow(
      /gemm: packedB needs 20 elements from offset 0 but has length 19/,
    );
  });
});
