// sgd params, FLOP count and validation shared by the CPU reference and the GPU update kernel.
// Semantics are torch.optim.SGD with dampening 0 and no Nesterov; the update itself is in
// src/reference/sgd.ts. No loops over data and no GPU objects here.

import { requireFiniteNumber } from './validate.ts';

const OP = 'sgd';

export interface SgdParams {
  learningRate: number;
  /** 0 turns momentum off; the velocity then just holds the last step's gradient. */
  momentum: number;
  /** L2 penalty added to the gradient (coupled, as torch.optim.SGD's weight_decay). */
  weightDecay: number;
}

/** Per element: decay (2), velocity (2), step (2). */
export function sgdFlops(elements: number): number {
  return 6 * elements;
}

/** Throws an Error naming the bad field and the fix; returns quietly when `p` is usable. */
export function validateSgd(p: SgdParams): void {
  requireFiniteNumber(OP, 'learningRate', p.learningRate, (v) => v >= 0, 'a finite number >= 0', 'try 0.01');
  // PyTorch accepts momentum >= 1, but the velocity then never decays and training diverges.
  requireFiniteNumber(OP, 'momentum', p.momentum, (v) => v >= 0 && v < 1, 'in [0, 1)', 'use 0 or e.g. 0.9');
  requireFiniteNumber(
    OP,
    'weightDecay',
    p.weightDecay,
    (v) => v >= 0,
    'a finite number >= 0',
    'use 0 or e.g. 5e-4',
  );
}
