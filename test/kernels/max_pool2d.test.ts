// max_pool2d kernel host side, no GPU: the uniform layout agrees with the struct in both shaders,
// and the params pack planes = batch * channels and the output size from the shape maths.

import { describe, expect, it } from 'vitest';
import { maxPool2dUniforms, packMaxPool2dParams } from '../../src/kernels/max_pool2d.ts';
import { wgslStructFields } from './wgsl_struct.ts';

describe('max_pool2d params', () => {
  it.each(['max_pool2d.forward.wgsl', 'max_pool2d.backward_input.wgsl'])(
    'match MaxPool2dParams in %s',
    (file) => {
      expect(wgslStructFields(file, 'MaxPool2dParams')).toEqual(Object.entries(maxPool2dUniforms.fields));
    },
  );

  it('pack planes, sizes, kernel and stride in struct order', () => {
    const p = { batch: 3, channels: 5, inHeight: 13, inWidth: 11, kernel: 3, stride: 2 };
    const words = new Uint32Array(packMaxPool2dParams(p));
    expect(Array.from(words)).toEqual([15, 13, 11, 6, 5, 3, 2, 0]);
  });

  it('reject invalid params, naming the field', () => {
    const p = { batch: 1, channels: 1, inHeight: 7, inWidth: 9, kernel: 3, stride: 1 };
    expect(() => packMaxPool2dParams({ ...p, kernel: 0 })).toThrow(/kernel must be a positive integer/);
    expect(() => packMaxPool2dParams({ ...p, inHeight: 2 })).toThrow(/kernel 3 is larger than inHeight 2/);
  });
});
