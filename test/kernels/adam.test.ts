// adam kernel host side, no GPU: the uniform layout agrees with struct AdamParams in the shader,
// and each step's packed bias corrections are 1 - beta^t computed in doubles, rounded once.

import { describe, expect, it } from 'vitest';
import { adamUniforms, packAdamParams } from '../../src/kernels/adam.ts';
import { wgslStructFields } from './wgsl_struct.ts';

describe('adam params', () => {
  it('match AdamParams in adam.update.wgsl, field by field', () => {
    expect(wgslStructFields('adam.update.wgsl', 'AdamParams')).toEqual(Object.entries(adamUniforms.fields));
  });

  it.each([1, 2, 3, 1000])('pack the bias corrections of step %i', (step) => {
    const p = { learningRate: 0.002, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 1e-4, step };
    const bytes = packAdamParams(44_427, p);
    const view = new DataView(bytes);
    const f32 = (field: keyof typeof adamUniforms.fields) =>
      view.getFloat32(adamUniforms.offsets[field], true);
    expect(view.getUint32(adamUniforms.offsets.length, true)).toBe(44_427);
    expect(f32('learningRate')).toBe(Math.fround(0.002));
    expect(f32('correction1')).toBe(Math.fround(1 - 0.9 ** step));
    expect(f32('correction2')).toBe(Math.fround(1 - 0.999 ** step));
  });
});
