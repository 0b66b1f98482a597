// max_pool2d's op-named exports; the shared shape maths lives in pool2d.ts.

import { pool2dFlops, validatePool2d, type Pool2dParams } from './pool2d.ts';

export { pool2dOutputSize, pool2dShapes, type Pool2dParams, type Pool2dShapes } from './pool2d.ts';

export function validateMaxPool2d(p: Pool2dParams): void {
  validatePool2d(p, 'max_pool2d');
}

/** Forward FLOPs: one compare per window tap. */
export function maxPool2dFlops(p: Pool2dParams): number {
  return pool2dFlops(p);
}
