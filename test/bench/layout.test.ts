// Axis permutation used to hand TensorFlow.js its NHWC / HWIO layouts and read results back.

import { describe, expect, it } from 'vitest';
import { permute } from '../../bench/layout.ts';

describe('permute', () => {
  it('turns NCHW into NHWC', () => {
    // N=1, C=2, H=1, W=3: channel 0 = [0, 1, 2], channel 1 = [10, 11, 12].
    const nchw = new Float32Array([0, 1, 2, 10, 11, 12]);
    expect([...permute(nchw, [1, 2, 1, 3], [0, 2, 3, 1])]).toEqual([0, 10, 1, 11, 2, 12]);
  });

  it('round-trips OIHW -> HWIO -> OIHW on an odd shape', () => {
    const shape = [3, 2, 5, 1];
    const values = Float32Array.from({ length: 30 }, (_, i) => i * 1.5 - 7);
    const hwio = permute(values, shape, [2, 3, 1, 0]);
    expect(hwio[1]).toBe(values[5 * 2]); // (h0, w0, i0, o1) comes from weight[1, 0, 0, 0]
    expect([...permute(hwio, [5, 1, 2, 3], [3, 2, 0, 1])]).toEqual([...values]);
  });
});
