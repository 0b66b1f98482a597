// CPU reference for the sgd update, torch.optim.SGD semantics (dampening 0, not Nesterov), in
// place on params and velocity. The velocity must start as zeros, which makes the first step's
// velocity the gradient itself, as PyTorch's lazily created momentum buffer does.

import { validateSgd, type SgdParams } from '../ops/sgd.ts';
import type { FloatArray } from '../ops/types.ts';
import { checkLength } from './check.ts';

const OP = 'sgd';

/** g = grad + wd*param; v = momentum*v + g (v = g when momentum is 0); param -= lr*v. */
export function sgdUpdate(params: FloatArray, velocity: FloatArray, grads: FloatArray, p: SgdParams): void {
  validateSgd(p);
  checkLength(OP, 'velocity', velocity, [params.length]);
  checkLength(OP, 'grads', grads, [params.length]);
  for (let i = 0; i < params.length; i++) {
    const g = grads[i] + p.weightDecay * params[i];
    const v = p.momentum === 0 ? g : p.momentum * velocity[i] + g;
    velocity[i] = v;
    params[i] = params[i] - p.learningRate * v;
  }
}
