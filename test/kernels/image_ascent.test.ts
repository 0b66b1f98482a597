// image_ascent host side, no GPU: one uniform layout feeds both shaders, field by field, and the
// params are checked before they are packed.

import { describe, expect, it } from 'vitest';
import { imageAscentUniforms, packImageAscentParams } from '../../src/kernels/image_ascent.ts';
import { wgslStructFields } from './wgsl_struct.ts';

const PARAMS = {
  ...{ batch: 2, channels: 1, height: 5, width: 4, shiftX: 3, shiftY: 0, blur: true, normalize: false },
  ...{ stepSize: 0.5, gradientScale: -2, decay: 0.25, tvWeight: 0.125, low: 0, high: 1 },
};

describe('image_ascent params', () => {
  it.each(['image_ascent.forward.wgsl', 'image_ascent.update.wgsl'])(
    'match ImageAscentParams in %s',
    (file) => {
      expect(wgslStructFields(file, 'ImageAscentParams')).toEqual(Object.entries(imageAscentUniforms.fields));
    },
  );

  it('pack flags as 0/1 words and floats as f32, in the struct order', () => {
    const bytes = packImageAscentParams(PARAMS);
    expect(Array.from(new Uint32Array(bytes, 0, 8))).toEqual([2, 1, 5, 4, 3, 0, 1, 0]);
    expect(Array.from(new Float32Array(bytes, 32, 6))).toEqual([0.5, -2, 0.25, 0.125, 0, 1]);
  });

  it('refuse a range with low above high and a non-finite step', () => {
    expect(() => packImageAscentParams({ ...PARAMS, low: 2 })).toThrow(/low 2 must not exceed high 1/);
    expect(() => packImageAscentParams({ ...PARAMS, stepSize: NaN })).toThrow(/stepSize must be finite/);
  });
});
