// Argument checks shared by the CPU reference ops: an array's length must match the shape its
// params imply. Typed arrays ignore out-of-range writes and read undefined (NaN) past the end,
// so a wrong length would otherwise fail silently.

import { numel, type Shape } from '../ops/types.ts';

/** Throws naming the op, the array, its length and the shape it should have. */
export function checkLength(op: string, name: string, array: ArrayLike<number>, shape: Shape): void {
  const expected = numel(shape);
  if (array.length !== expected) {
    throw new Error(
      `${op}: ${name} has length ${array.length} but shape [${shape.join(', ')}] needs ${expected}; ` +
        'allocate it from the same params',
    );
  }
}
