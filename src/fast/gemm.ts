// Blocked single-threaded float32 GEMM for the fast CPU path: C[M,N] (+)= op(A) op(B), row-major,
// with optional transposes. Goto-style: a KC x NC panel of B and an MC x KC block of A are packed
// into contiguous slivers (which also absorbs the transposes and the ragged edges), then a 4x4
// register-blocked micro-kernel sweeps them. B may also arrive packed already (gemmPrepackedB),
// which lets im2col write its columns straight into the sliver layout and skip a copy.
// Not threaded, not SIMD, no alpha/beta scaling.
// Numerics: each k-block is summed in JS doubles and added to C once, so C is rounded to float32
// ceil(K / KC) times (plus once more if it already held a value and `accumulate` is set).

import { microKernel2x4, microKernel4x4, TILE } from './gemm_kernel.ts';
import { packSlivers } from './gemm_pack.ts';

/** Depth of one packed block (the k-sum length between float32 roundings of C). */
export const BLOCK_K = 256;
/** Rows of A packed at a time: BLOCK_M x BLOCK_K floats (64 KiB) stay in L2. */
export const BLOCK_M = 64;
/** Columns of B packed at a time: BLOCK_K x BLOCK_N floats (512 KiB). */
export const BLOCK_N = 512;

/**
 * One product. op(A) is m x k and op(B) is k x n, both row-major with their natural leading
 * dimension: A is stored [m, k] (or [k, m] when transA), B is stored [k, n] (or [n, k] when transB),
 * C is stored [m, n]. Offsets (in elements, default 0) select one matrix inside a bigger array,
 * e.g. one image of a batch, without allocating a subarray view.
 */
export interface GemmParams {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  /** true: C += op(A) op(B); false: C = op(A) op(B) (whatever C held is ignored, even NaN). */
  accumulate: boolean;
  aOffset?: number;
  bOffset?: number;
  cOffset?: number;
}

/** A product whose B is prepacked: `bOffset` is where its slivers start; there is no transB. */
export type PrepackedGemmParams = Omit<GemmParams, 'transB'>;

/** Packing buffers; fixed size, so one per caller (or the shared default) serves every shape. */
export interface GemmWorkspace {
  packedA: Float32Array;
  packedB: Float32Array;
}

export function createGemmWorkspace(): GemmWorkspace {
  return {
    packedA: new Float32Array(BLOCK_M * BLOCK_K),
    packedB: new Float32Array(BLOCK_K * BLOCK_N),
  };
}

let sharedWorkspace: GemmWorkspace | undefined;

/** JS is single-threaded, so one module-wide 576 KiB workspace is safe when callers pass none. */
export function defaultGemmWorkspace(): GemmWorkspace {
  sharedWorkspace ??= createGemmWorkspace();
  return sharedWorkspace;
}

/** C (+)= op(A) op(B); see GemmParams for layouts. Allocates nothing after the first call. */
export function gemm(
  c: Float32Array,
  a: Float32Array,
  b: Float32Array,
  p: GemmParams,
  workspace: GemmWorkspace = defaultGemmWorkspace(),
): void {
  checkGemm(c, a, p);
  needLength('b', b, p.bOffset ?? 0, p.k * p.n);
  multiply(c, a, b, p, p.transB, false, workspace);
}

/**
 * Floats in a prepacked B of depth k and width n: ceil(n / TILE) column slivers, each k x TILE,
 * element (p, j) at (j / TILE) * k * TILE + p * TILE + j % TILE (lanes past n are padding).
 */
export function prepackedLength(k: number, n: number): number {
  return Math.ceil(n / TILE) * TILE * k;
}

/** Writes op(B) (honouring transB and bOffset) into `packed`, from its start, in the prepacked layout. */
export function prepackB(packed: Float32Array, b: Float32Array, p: GemmParams): void {
  checkSizes(p);
  needLength('b', b, p.bOffset ?? 0, p.k * p.n);
  needLength('packed', packed, 0, prepackedLength(p.k, p.n));
  const bRow = p.transB ? 1 : p.n;
  const bCol = p.transB ? p.k : 1;
  packSlivers(packed, b, p.bOffset ?? 0, bCol, bRow, p.n, p.k);
}

/** C (+)= op(A) B with B already in the prepacked layout (see prepackedLength) from p.bOffset. */
export function gemmPrepackedB(
  c: Float32Array,
  a: Float32Array,
  packedB: Float32Array,
  p: PrepackedGemmParams,
  workspace: GemmWorkspace = defaultGemmWorkspace(),
): void {
  checkGemm(c, a, p);
  needLength('packedB', packedB, p.bOffset ?? 0, prepackedLength(p.k, p.n));
  multiply(c, a, packedB, p, false, true, workspace);
}

/** The blocked loops shared by gemm and gemmPrepackedB (arguments already checked). */
function multiply(
  c: Float32Array,
  a: Float32Array,
  b: Float32Array,
  p: PrepackedGemmParams,
  transB: boolean,
  bPrepacked: boolean,
  workspace: GemmWorkspace,
): void {
  const { m, n, k } = p;
  const aOff = p.aOffset ?? 0;
  const bOff = p.bOffset ?? 0;
  const cOff = p.cOffset ?? 0;
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (!p.accumulate) c.fill(0, cOff, cOff + m * n); // an empty sum is zero
    return;
  }
  // Element (i, j) of a row-major stored op(X) lives at offset + i*xRow + j*xCol.
  const aRow = p.transA ? 1 : k;
  const aCol = p.transA ? m : 1;
  const bRow = transB ? 1 : n;
  const bCol = transB ? k : 1;
  for (let j0 = 0; j0 < n; j0 += BLOCK_N) {
    const nc = Math.min(BLOCK_N, n - j0);
    for (let k0 = 0; k0 < k; k0 += BLOCK_K) {
      const kc = Math.min(BLOCK_K, k - k0);
      const add = p.accumulate || k0 > 0;
      // A prepacked B is read in place: its slivers span the full depth k, so start at row k0.
      let panel = b;
      let panelStart = bOff + j0 * k + k0 * TILE;
      let sliverStride = k * TILE;
      if (!bPrepacked) {
        panel = workspace.packedB;
        panelStart = 0;
        sliverStride = kc * TILE;
        packSlivers(panel, b, bOff + k0 * bRow + j0 * bCol, bCol, bRow, nc, kc);
      }
      for (let i0 = 0; i0 < m; i0 += BLOCK_M) {
        const mc = Math.min(BLOCK_M, m - i0);
        packSlivers(workspace.packedA, a, aOff + i0 * aRow + k0 * aCol, aRow, aCol, mc, kc);
        sweepBlock(
          workspace.packedA,
          panel,
          panelStart,
          sliverStride,
          mc,
          nc,
          kc,
          c,
          cOff + i0 * n + j0,
          n,
          add,
        );
      }
    }
  }
}

/** Runs a micro-kernel over every 4x4 tile of one packed mc x nc block of C (2x4 on a short last row). */
function sweepBlock(
  packedA: Float32Array,
  packedB: Float32Array,
  bStart: number,
  sliverStride: number,
  mc: number,
  nc: number,
  kc: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
  add: boolean,
): void {
  for (let j = 0; j < nc; j += TILE) {
    const cols = Math.min(TILE, nc - j);
    const bSliver = bStart + (j / TILE) * sliverStride;
    for (let i = 0; i < mc; i += TILE) {
      const rows = Math.min(TILE, mc - i);
      const tile = cOff + i * ldc + j;
      if (rows > 2) microKernel4x4(packedA, i * kc, packedB, bSliver, kc, c, tile, ldc, rows, cols, add);
      else microKernel2x4(packedA, i * kc, packedB, bSliver, kc, c, tile, ldc, rows, cols, add);
    }
  }
}

const SIZE_FIELDS = ['m', 'n', 'k', 'aOffset', 'bOffset', 'cOffset'] as const;

/** Throws unless every size and offset is a whole number >= 0. */
function checkSizes(p: PrepackedGemmParams): void {
  for (const field of SIZE_FIELDS) {
    const value = p[field] ?? 0;
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(`gemm: ${field} must be a non-negative integer, got ${value}`);
    }
  }
}

/** Throws naming the array when it is too short: typed arrays would silently read NaN past the end. */
function needLength(name: string, array: Float32Array, offset: number, count: number): void {
  if (offset + count > array.length) {
    throw new Error(
      `gemm: ${name} needs ${count} elements from offset ${offset} but has length ${array.length}; ` +
        'check m, n, k and the offsets',
    );
  }
}

function checkGemm(c: Float32Array, a: Float32Array, p: PrepackedGemmParams): void {
  checkSizes(p);
  needLength('a', a, p.aOffset ?? 0, p.m * p.k);
  needLength('c', c, p.cOffset ?? 0, p.m * p.n);
}
