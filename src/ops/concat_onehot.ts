// concat_onehot ([a ; onehot(label)] per row, how the CVAE conditions on the class) shape checks
// shared by the CPU reference and the GPU kernel. a is [rows, width]; out is [rows, width+classes].
// No loops over data (labels are checked where they are read) and no GPU objects here.

import { requirePositiveInteger } from './validate.ts';

const OP = 'concat_onehot';

/** Throws naming the bad size and the fix. */
export function validateConcatOnehot(rows: number, width: number, classes: number): void {
  requirePositiveInteger(OP, 'rows', rows);
  requirePositiveInteger(OP, 'width', width);
  requirePositiveInteger(OP, 'classes', classes);
}

export function concatOnehotShapes(rows: number, width: number, classes: number) {
  return { a: [rows, width], labels: [rows], out: [rows, width + classes] } as const;
}
