// Host-side planning of conv2d's Winograd backward_input, without a GPU: the params uniform agrees
// with the WGSL struct, intermediate sizes and grids follow the 2x2 tiling, and the path is taken
// only for 3x3 stride-1 layers whose buffers and grids fit the device.

import { describe, expect, it } from 'vitest';
import {
  planWinograd,
  winogradFits,
  winogradGrids,
  winogradUniforms,
} from '../../src/kernels/conv2d_winograd.ts';
import type { Conv2dParams } from '../../src/ops/conv2d.ts';
import { wgslStructFields } from './wgsl_struct.ts';

// 7x9 input: tiles of 2x2 are 4 high (the last one half outside) and 5 wide.
const p: Conv2dParams = {
  batch: 2,
  inChannels: 3,
  inHeight: 7,
  inWidth: 9,
  outChannels: 5,
  kernelH: 3,
  kernelW: 3,
  stride: 1,
  padding: 1,
};
const tiles = { workgroupX: 4, workgroupY: 4, tileK: 64 }; // 32x32 GEMM tiles
const big = 2 ** 30;

describe('conv2d Winograd planning', () => {
  it('struct WinogradParams matches winogradUniforms', () => {
    expect(wgslStructFields('conv2d.backward_input_winograd.wgsl', 'WinogradParams')).toEqual(
      Object.entries(winogradUniforms.fields),
    );
  });

  it('sizes the transformed tensors: 16 positions of (out channel | in channel) x 2x2 tiles', () => {
    expect(planWinograd(p)).toEqual({
      tilesY: 4,
      tilesX: 5,
      tiles: 40, // 2 images x 4 x 5
      words: { weights: 16 * 5 * 3, dOut: 16 * 5 * 40, products: 16 * 3 * 40 },
    });
  });

  it('grids: transforms over 8x8 blocks of tiles and (image, channel); the GEMM per position', () => {
    const grids = winogradGrids(p, planWinograd(p), tiles, 65535);
    expect(grids.weights).toEqual({ x: 1, y: 1, z: 1 }); // 15 pairs, workgroups of 64
    expect(grids.dOut).toEqual({ x: 1, y: 1, z: 2 * 5 });
    expect(grids.output).toEqual({ x: 1, y: 1, z: 2 * 3 });
    expect(grids.multiply).toEqual({ x: 2, y: 1, z: 16 }); // 40 columns in tiles of 32
  });

  it('caps the GEMM at 64 column workgroups (each loops over the rest)', () => {
    const wide = { ...p, batch: 64, inHeight: 26, inWidth: 26 }; // 10816 tiles: 338 column tiles
    expect(winogradGrids(wide, planWinograd(wide), tiles, 65535).multiply.x).toBe(64);
  });

  it('fits 3x3 stride-1 layers only', () => {
    expect(winogradFits(p, tiles, big, 65535)).toBe(true);
    expect(winogradFits({ ...p, padding: 0 }, tiles, big, 65535)).toBe(true);
    expect(winogradFits({ ...p, stride: 2 }, tiles, big, 65535)).toBe(false);
    expect(winogradFits({ ...p, kernelW: 5, padding: 2 }, tiles, big, 65535)).toBe(false);
    expect(winogradFits({ ...p, kernelH: 5, kernelW: 5, padding: 2 }, tiles, big, 65535)).toBe(false);
  });

  it('falls back when an intermediate passes the buffer limit or a grid the dimension limit', () => {
    const largest = 4 * 16 * 5 * 40; // dOut's transform
    expect(winogradFits(p, tiles, largest, 65535)).toBe(true);
    expect(winogradFits(p, tiles, largest - 4, 65535)).toBe(false);
    expect(winogradFits(p, tiles, big, 16)).toBe(true); // z = 16 positions, 10 dOut planes
    expect(winogradFits(p, tiles, big, 15)).toBe(false);
  });
});
