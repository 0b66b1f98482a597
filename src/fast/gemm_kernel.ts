// The GEMM's register-blocked micro-kernels: one 4x4 tile of C from a packed 4-row sliver of A and
// a packed 4-column sliver of B, and a 2x4 variant for the last one or two rows of a block.
// Not the blocking or packing (see gemm.ts).
// Written for V8: monomorphic Float32Array arguments, integer offsets, the accumulators in locals
// (JS doubles, so products of float32 values are exact and the k-sum rounds only in double), the
// tile unrolled, no calls or closures in the k loop. Inside the loop the stride is the literal 4,
// not TILE: an imported or module-level const is read through a context cell with a hole check on
// every iteration (seen in --print-opt-code, ~15% slower), and `| 0` spares V8 the overflow checks
// on index sums.

/** The C tile is TILE x TILE (MR = NR), so one packing routine in gemm.ts serves A and B. */
export const TILE = 4;

/** Holds an edge tile before its valid part is copied out; constant size, shared. */
const edgeTile = new Float64Array(TILE * TILE);

/**
 * C[r, c] (+)= sum_p packedA[aOff + p*4 + r] * packedB[bOff + p*4 + c] for the `rows` x `cols`
 * corner of the tile at c[cOff] (row stride ldc). `add` false overwrites C instead of adding.
 * Padding rows/columns of the packed slivers are zero, so the loop always runs the full 4x4.
 * (prettier-ignore keeps the tile laid out as a grid: one line per tile row.)
 */
// prettier-ignore
export function microKernel4x4(
  packedA: Float32Array,
  aOff: number,
  packedB: Float32Array,
  bOff: number,
  depth: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
  rows: number,
  cols: number,
  add: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let ai = aOff;
  let bi = bOff;
  for (let p = 0; p < depth; p++) {
    const a0 = packedA[ai], a1 = packedA[(ai + 1) | 0], a2 = packedA[(ai + 2) | 0], a3 = packedA[(ai + 3) | 0];
    const b0 = packedB[bi], b1 = packedB[(bi + 1) | 0], b2 = packedB[(bi + 2) | 0], b3 = packedB[(bi + 3) | 0];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    ai = (ai + 4) | 0;
    bi = (bi + 4) | 0;
  }
  if (rows === TILE && cols === TILE) {
    const o0 = cOff, o1 = cOff + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
    if (add) {
      c[o0] += c00; c[o0 + 1] += c01; c[o0 + 2] += c02; c[o0 + 3] += c03;
      c[o1] += c10; c[o1 + 1] += c11; c[o1 + 2] += c12; c[o1 + 3] += c13;
      c[o2] += c20; c[o2 + 1] += c21; c[o2 + 2] += c22; c[o2 + 3] += c23;
      c[o3] += c30; c[o3 + 1] += c31; c[o3 + 2] += c32; c[o3 + 3] += c33;
    } else {
      c[o0] = c00; c[o0 + 1] = c01; c[o0 + 2] = c02; c[o0 + 3] = c03;
      c[o1] = c10; c[o1 + 1] = c11; c[o1 + 2] = c12; c[o1 + 3] = c13;
      c[o2] = c20; c[o2 + 1] = c21; c[o2 + 2] = c22; c[o2 + 3] = c23;
      c[o3] = c30; c[o3 + 1] = c31; c[o3 + 2] = c32; c[o3 + 3] = c33;
    }
    return;
  }
  const t = edgeTile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23; t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  storeEdge(c, cOff, ldc, rows, cols, add);
}

/** Copies the valid rows x cols corner of `edgeTile` into C (tiles on the right or bottom edge). */
function storeEdge(
  c: Float32Array,
  cOff: number,
  ldc: number,
  rows: number,
  cols: number,
  add: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const o = cOff + r * ldc;
    const t = r * TILE;
    for (let j = 0; j < cols; j++) c[o + j] = add ? c[o + j] + edgeTile[t + j] : edgeTile[t + j];
  }
}

/**
 * The same over a 2x4 tile, for the last rows of a block when only 1 or 2 remain (the 4x4 kernel
 * would spend half its work on padding). Reads the first two rows of a packed 4-row sliver.
 */
// prettier-ignore
export function microKernel2x4(
  packedA: Float32Array, aOff: number, packedB: Float32Array, bOff: number, depth: number,
  c: Float32Array, cOff: number, ldc: number, rows: number, cols: number, add: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let ai = aOff;
  let bi = bOff;
  for (let p = 0; p < depth; p++) {
    const a0 = packedA[ai], a1 = packedA[(ai + 1) | 0];
    const b0 = packedB[bi], b1 = packedB[(bi + 1) | 0], b2 = packedB[(bi + 2) | 0], b3 = packedB[(bi + 3) | 0];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    ai = (ai + 4) | 0;
    bi = (bi + 4) | 0;
  }
  const t = edgeTile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  storeEdge(c, cOff, ldc, rows, cols, add);
}
