// Storage and shape types shared by the CPU reference and the GPU kernels.
// Arithmetic on shapes only: nothing here reads or writes tensor data.

/** A tensor's storage: Float32Array in the app, Float64Array in gradient checks. */
export type FloatArray = Float32Array | Float64Array;

/** A tensor shape, outermost dimension first (NCHW for images, [rows, cols] for matrices). */
export type Shape = readonly number[];

/** Number of elements in a tensor of this shape. */
export function numel(shape: Shape): number {
  return shape.reduce((product, size) => product * size, 1);
}
