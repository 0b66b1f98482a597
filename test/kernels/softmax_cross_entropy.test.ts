// The softmax_cross_entropy kernel's uniform layout against its WGSL struct, without a GPU.

import { describe, expect, it } from 'vitest';
import { softmaxCrossEntropyUniforms } from '../../src/kernels/softmax_cross_entropy.ts';
import { wgslStructFields } from './wgsl_struct.ts';

describe('softmax_cross_entropy params', () => {
  it('match struct SoftmaxCrossEntropyParams in the shader, field by field', () => {
    expect(wgslStructFields('softmax_cross_entropy.forward.wgsl', 'SoftmaxCrossEntropyParams')).toEqual(
      Object.entries(softmaxCrossEntropyUniforms.fields),
    );
  });
});
