// Packing for the blocked GEMM: copies a block of op(A) or op(B) into TILE-wide slivers so the
// micro-kernel reads both operands sequentially. Not the blocking (gemm.ts) or the kernel.

import { TILE } from './gemm_kernel.ts';

/**
 * Packs `lines` lines (rows of op(A) or columns of op(B)) of length `depth` into slivers of
 * TILE lines: packed[(l/TILE)*depth*TILE + p*TILE + l%TILE] = src[start + l*lineStride + p*depthStride].
 * Lines past `lines` in the last sliver are zeroed: the micro-kernel computes them and storeEdge
 * drops them, and zeros keep stale NaNs or denormals (slow paths) out of that wasted work.
 * Loops run along whichever stride is 1, so both layouts read memory in order.
 */
export function packSlivers(
  packed: Float32Array,
  src: Float32Array,
  start: number,
  lineStride: number,
  depthStride: number,
  lines: number,
  depth: number,
): void {
  const tile = TILE; // a local, so the loops below do not re-read the imported binding
  for (let l0 = 0, o = 0; l0 < lines; l0 += tile, o += depth * tile) {
    const width = Math.min(tile, lines - l0);
    if (width < tile) packed.fill(0, o, o + depth * tile);
    const first = start + l0 * lineStride;
    if (depthStride === 1) {
      for (let r = 0; r < width; r++) {
        const line = first + r * lineStride;
        for (let p = 0, q = o + r; p < depth; p++, q += tile) packed[q] = src[line + p];
      }
    } else {
      for (let p = 0, q = o; p < depth; p++, q += tile) {
        const at = first + p * depthStride;
        for (let r = 0; r < width; r++) packed[q + r] = src[at + r * lineStride];
      }
    }
  }
}
