// avg_pool2d kernel host side, no GPU: the uniform layout agrees with the struct in both shaders,
// and inverseArea is f32(1 / kernel^2).

import { describe, expect, it } from 'vitest';
import { avgPool2dUniforms, packAvgPool2dParams } from '../../src/kernels/avg_pool2d.ts';
import { wgslStructFields } from './wgsl_struct.ts';

describe('avg_pool2d params', () => {
  it.each(['avg_pool2d.forward.wgsl', 'avg_pool2d.backward_input.wgsl'])(
    'match AvgPool2dParams in %s',
    (file) => {
      expect(wgslStructFields(file, 'AvgPool2dParams')).toEqual(Object.entries(avgPool2dUniforms.fields));
    },
  );

  it('pack planes, sizes, kernel, stride and f32(1 / kernel^2)', () => {
    const p = { batch: 3, channels: 6, inHeight: 11, inWidth: 14, kernel: 3, stride: 3 };
    const bytes = packAvgPool2dParams(p);
    expect(Array.from(new Uint32Array(bytes, 0, 7))).toEqual([18, 11, 14, 3, 4, 3, 3]);
    expect(new Float32Array(bytes, 28, 1)[0]).toBe(Math.fround(1 / 9));
  });
});
