// CPU reference for the adam update, torch.optim.Adam semantics (L2 weight decay added to the
// gradient, not AdamW; no amsgrad), in place on params and both moment arrays, which must start
// as zeros. `p.step` is t >= 1, the index of this update.

import { adamBiasCorrections, validateAdam, type AdamParams } from '../ops/adam.ts';
import type { FloatArray } from '../ops/types.ts';
import { checkLength } from './check.ts';

const OP = 'adam';

/**
 * g = grad + wd*param; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
 * param -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps).
 */
export function adamUpdate(
  params: FloatArray,
  m: FloatArray,
  v: FloatArray,
  grads: FloatArray,
  p: AdamParams,
): void {
  validateAdam(p);
  checkLength(OP, 'm', m, [params.length]);
  checkLength(OP, 'v', v, [params.length]);
  checkLength(OP, 'grads', grads, [params.length]);
  const { correction1, correction2 } = adamBiasCorrections(p);
  for (let i = 0; i < params.length; i++) {
    const g = grads[i] + p.weightDecay * params[i];
    const mi = p.beta1 * m[i] + (1 - p.beta1) * g;
    const vi = p.beta2 * v[i] + (1 - p.beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    const mHat = mi / correction1;
    const vHat = vi / correction2;
    params[i] = params[i] - (p.learningRate * mHat) / (Math.sqrt(vHat) + p.epsilon);
  }
}
