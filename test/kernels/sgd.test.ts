// sgd kernel host side, no GPU: the uniform layout agrees with struct SgdParams in the shader.

import { describe, expect, it } from 'vitest';
import { sgdUniforms } from '../../src/kernels/sgd.ts';
import { wgslStructFields } from './wgsl_struct.ts';

describe('sgd params', () => {
  it('match SgdParams in sgd.update.wgsl, field by field', () => {
    expect(wgslStructFields('sgd.update.wgsl', 'SgdParams')).toEqual(Object.entries(sgdUniforms.fields));
  });
});
