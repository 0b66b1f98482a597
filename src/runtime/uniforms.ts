// Uniform-buffer layouts for op params: a struct of 4-byte scalars (u32, i32, f32), in the same order
// as the WGSL struct, packed in one place. Scalars all have 4-byte alignment, so offsets are 4 * index;
// the total is rounded up to 16 bytes, which every uniform binding accepts. Vectors and matrices are
// deliberately not supported (their alignment rules are where hand-packed uniforms go wrong).

export type UniformScalar = 'u32' | 'i32' | 'f32';
export type UniformFields = Record<string, UniformScalar>;
export type UniformValues<F extends UniformFields> = { [K in keyof F]: number };

export interface UniformLayout<F extends UniformFields> {
  readonly fields: F;
  /** Byte offset of each field, as WGSL lays out the struct. */
  readonly offsets: { [K in keyof F]: number };
  /** Size of the buffer to allocate (multiple of 16). */
  readonly byteSize: number;
  pack(values: UniformValues<F>): ArrayBuffer;
}

function checkValue(name: string, type: UniformScalar, value: number): void {
  const ok =
    type === 'f32'
      ? typeof value === 'number'
      : Number.isInteger(value) &&
        (type === 'u32' ? value >= 0 && value <= 0xffffffff : value >= -(2 ** 31) && value < 2 ** 31);
  if (!ok) throw new RangeError(`uniform field '${name}' is ${type}, got ${value}`);
}

export function defineUniformLayout<F extends UniformFields>(fields: F): UniformLayout<F> {
  const names = Object.keys(fields) as (keyof F & string)[];
  const offsets = Object.fromEntries(names.map((name, i) => [name, 4 * i])) as { [K in keyof F]: number };
  const byteSize = Math.max(16, Math.ceil((4 * names.length) / 16) * 16);
  const pack = (values: UniformValues<F>): ArrayBuffer => {
    const bytes = new ArrayBuffer(byteSize);
    const view = new DataView(bytes);
    for (const name of names) {
      const type = fields[name];
      const value = values[name];
      checkValue(name, type, value);
      const offset = offsets[name];
      if (type === 'u32') view.setUint32(offset, value, true);
      else if (type === 'i32') view.setInt32(offset, value, true);
      else view.setFloat32(offset, value, true);
    }
    return bytes;
  };
  return { fields, offsets, byteSize, pack };
}
