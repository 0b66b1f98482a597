import { describe, expect, it } from 'vitest';
import type { ConvFilters } from '../../src/app/view-types.ts';
import { GREY_LUT, VIRIDIS_LUT } from '../../src/viz/color-scales.ts';
import {
  filterTiles,
  paintBytes,
  paintLinear,
  paintSigned,
  resolveChannelView,
  tileCssSize,
} from '../../src/viz/tiles.ts';

function rgbaAt(out: Uint8ClampedArray, pixel: number): number[] {
  return Array.from(out.subarray(pixel * 4, pixel * 4 + 4));
}

describe('paintSigned', () => {
  it('maps 0 to white, +-range to the ends, clamps beyond, NaN to magenta', () => {
    const out = new Uint8ClampedArray(6 * 4);
    paintSigned(out, [9, 0, 0.5, -0.5, 2, NaN, 7], 1, 0.5);
    expect(rgbaAt(out, 0)).toEqual([255, 255, 255, 255]);
    expect(rgbaAt(out, 1)).toEqual([103, 0, 31, 255]);
    expect(rgbaAt(out, 2)).toEqual([5, 48, 97, 255]);
    expect(rgbaAt(out, 3)).toEqual([103, 0, 31, 255]);
    expect(rgbaAt(out, 4)).toEqual([255, 0, 255, 255]);
  });

  it('paints everything white for a zero range (a dead filter)', () => {
    const out = new Uint8ClampedArray(3 * 4);
    paintSigned(out, [0, 0, 0], 0, 0);
    expect(Array.from(out)).toEqual(new Array(3).fill([255, 255, 255, 255]).flat());
  });
});

describe('paintLinear and paintBytes', () => {
  it('maps lo and hi to the ends of the table and clamps', () => {
    const out = new Uint8ClampedArray(4 * 4);
    paintLinear(out, [1, 3, 2, 5], 0, 1, 3);
    expect(rgbaAt(out, 0)).toEqual([68, 1, 84, 255]);
    expect(rgbaAt(out, 1)).toEqual([253, 231, 37, 255]);
    expect(rgbaAt(out, 3)).toEqual([253, 231, 37, 255]);
    const mid = Math.round(255 / 2) * 3;
    expect(rgbaAt(out, 2).slice(0, 3)).toEqual(Array.from(VIRIDIS_LUT.rgb.subarray(mid, mid + 3)));
  });

  it('paints a flat map in the middle colour', () => {
    const out = new Uint8ClampedArray(2 * 4);
    paintLinear(out, [4, 4], 0, 4, 4, GREY_LUT);
    expect(rgbaAt(out, 0)).toEqual([128, 128, 128, 255]);
  });

  it('paints bytes in grey', () => {
    const out = new Uint8ClampedArray(2 * 4);
    paintBytes(out, [7, 0, 255], 1);
    expect(Array.from(out)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });
});

describe('tileCssSize', () => {
  it('is a whole multiple of the data size near the target', () => {
    expect(tileCssSize(5, 32)).toBe(30);
    expect(tileCssSize(3, 32)).toBe(33);
    expect(tileCssSize(24, 48)).toBe(48);
    expect(tileCssSize(28, 20)).toBe(28);
  });
});

describe('filterTiles', () => {
  const layer = (outChannels: number, inChannels: number, weights: number[]): ConvFilters => ({
    layerIndex: 2,
    label: 'conv',
    outChannels,
    inChannels,
    kernelHeight: 1,
    kernelWidth: 2,
    weights: new Float32Array(weights),
    bias: new Float32Array(outChannels),
  });

  it('auto shows each channel for small layers and the mean for large ones', () => {
    expect(resolveChannelView('auto', 16, 6)).toBe('each');
    expect(resolveChannelView('auto', 64, 32)).toBe('mean');
    expect(resolveChannelView('mean', 6, 1)).toBe('each');
  });

  it('each shares the weights; mean averages over input channels', () => {
    const l = layer(2, 3, [1, 2, 3, 4, 5, 6, -1, 0, -1, 0, 5, 3]);
    const each = filterTiles(l, 'each');
    expect(each.values).toBe(l.weights);
    expect([each.filters, each.tilesPerFilter, each.height, each.width]).toEqual([2, 3, 1, 2]);
    const mean = filterTiles(l, 'mean');
    expect(mean.tilesPerFilter).toBe(1);
    expect(Array.from(mean.values)).toEqual([3, 4, 1, 1]);
  });

  it('rejects weights that do not match the shape', () => {
    expect(() => filterTiles(layer(2, 3, [1, 2, 3]), 'each')).toThrow(/3 weights for 2x3x1x2/);
  });
});
