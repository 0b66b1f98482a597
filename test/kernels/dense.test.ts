// The dense kernel's host-side arithmetic, without a GPU: its two uniform layouts against their
// WGSL structs, and the split-K chunk counts chosen for the dense GEMMs of the reference networks.

import { describe, expect, it } from 'vitest';
import { denseBiasUniforms, denseForwardUniforms } from '../../src/kernels/dense.ts';
import { chooseMatmulSplits } from '../../src/kernels/matmul.ts';
import { wgslStructFields } from './wgsl_struct.ts';

// DEFAULT_MATMUL_TILES: 8 x 8 invocations of 8 x 8 each, 64 x 64 blocks of C.
const TILES = { workgroupX: 8, workgroupY: 8, tileK: 16 };
const GIB = 2 ** 30;

describe('dense params', () => {
  it('match struct DenseForwardParams in dense.forward.wgsl, field by field', () => {
    expect(wgslStructFields('dense.forward.wgsl', 'DenseForwardParams')).toEqual(
      Object.entries(denseForwardUniforms.fields),
    );
  });

  it('match struct DenseBiasParams in dense.backward_bias.wgsl, field by field', () => {
    expect(wgslStructFields('dense.backward_bias.wgsl', 'DenseBiasParams')).toEqual(
      Object.entries(denseBiasUniforms.fields),
    );
  });
});

// The dense passes as GEMMs: forward M=batch N=out K=in; backward_weight M=out N=in K=batch.
describe('split-K choices for the reference networks at batch 64 and 256', () => {
  it('splits the forward of a long input into a small output (convnet fc 9216 -> 128)', () => {
    // 1 x 2 tiles of 64 would leave a large GPU idle: 32 splits (the cap) of 288 inputs each.
    expect(chooseMatmulSplits({ m: 64, n: 128, k: 9216 }, TILES, GIB)).toBe(32);
  });

  it('splits backward_weight of the classify layer (128 -> 10) over the batch', () => {
    // 1 x 2 tiles: 64 splits wanted, 256 / (4 * 16) = 4 allowed by the batch.
    expect(chooseMatmulSplits({ m: 10, n: 128, k: 256 }, TILES, GIB)).toBe(4);
  });

  it('does not split when the output alone fills the GPU (convnet fc backward_weight 128 x 9216)', () => {
    expect(chooseMatmulSplits({ m: 128, n: 9216, k: 256 }, TILES, GIB)).toBe(1);
  });

  it('does not split short reductions, and keeps the partials within one binding', () => {
    expect(chooseMatmulSplits({ m: 10, n: 30, k: 63 }, TILES, GIB)).toBe(1);
    const shape = { m: 10, n: 100, k: 4096 };
    expect(chooseMatmulSplits(shape, TILES, GIB)).toBe(32);
    expect(chooseMatmulSplits(shape, TILES, 3 * 4 * 100 * 10)).toBe(3);
  });
});
