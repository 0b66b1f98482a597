// Uniform layouts: offsets, size, little-endian packing, range checks, and the scale_add layout
// agreeing field by field with the WGSL struct it feeds.

import { describe, expect, it } from 'vitest';
import { scaleAddUniforms } from '../../src/kernels/scale_add.ts';
import { defineUniformLayout } from '../../src/runtime/uniforms.ts';
import { wgslStructFields } from '../kernels/wgsl_struct.ts';

describe('defineUniformLayout', () => {
  const layout = defineUniformLayout({
    count: 'u32',
    offset: 'i32',
    gain: 'f32',
    width: 'u32',
    height: 'u32',
  });

  it('puts scalars 4 bytes apart and rounds the size up to 16', () => {
    expect(layout.offsets).toEqual({ count: 0, offset: 4, gain: 8, width: 12, height: 16 });
    expect(layout.byteSize).toBe(32);
    expect(defineUniformLayout({ a: 'f32' }).byteSize).toBe(16);
  });

  it('packs each type little-endian at its offset', () => {
    const bytes = layout.pack({ count: 7, offset: -3, gain: 0.5, width: 0xffffffff, height: 28 });
    const view = new DataView(bytes);
    expect(bytes.byteLength).toBe(32);
    expect(view.getUint32(0, true)).toBe(7);
    expect(view.getInt32(4, true)).toBe(-3);
    expect(view.getFloat32(8, true)).toBe(0.5);
    expect(view.getUint32(12, true)).toBe(0xffffffff);
    expect(view.getUint32(16, true)).toBe(28);
    expect(view.getUint32(20, true)).toBe(0); // padding stays zero
  });

  it('rejects values that do not fit the field type', () => {
    const valid = { count: 1, offset: 0, gain: 1, width: 1, height: 1 };
    expect(() => layout.pack({ ...valid, count: -1 })).toThrow(/'count' is u32, got -1/);
    expect(() => layout.pack({ ...valid, width: 1.5 })).toThrow(/'width' is u32/);
    expect(() => layout.pack({ ...valid, offset: 2 ** 31 })).toThrow(/'offset' is i32/);
  });
});

describe('scale_add params', () => {
  it('match struct ScaleAddParams in the shader, field by field', () => {
    expect(wgslStructFields('scale_add.forward.wgsl', 'ScaleAddParams')).toEqual(
      Object.entries(scaleAddUniforms.fields),
    );
  });
});
