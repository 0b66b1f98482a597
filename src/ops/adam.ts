// adam params, bias corrections, FLOP count and validation shared by the CPU reference and the GPU
// update kernel. Semantics are torch.optim.Adam (L2 added to the gradient, not AdamW); the update
// itself is in src/reference/adam.ts. No loops over data and no GPU objects here.

import { requireFiniteNumber, requirePositiveInteger } from './validate.ts';

const OP = 'adam';

export interface AdamParams {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** L2 penalty added to the gradient (coupled, as torch.optim.Adam's weight_decay). */
  weightDecay: number;
  /** t >= 1: the index of this update, used by the bias corrections. */
  step: number;
}

/**
 * 1 - beta^t for both moments. Computed once per step in doubles (on the CPU, then passed as
 * uniforms to the GPU) so every element divides by the same value.
 */
export function adamBiasCorrections(p: AdamParams): { correction1: number; correction2: number } {
  return { correction1: 1 - p.beta1 ** p.step, correction2: 1 - p.beta2 ** p.step };
}

/** Per element: decay (2), first moment (3), second moment (4), corrections (2), step (5). */
export function adamFlops(elements: number): number {
  return 16 * elements;
}

/** Throws an Error naming the bad field and the fix; returns quietly when `p` is usable. */
export function validateAdam(p: AdamParams): void {
  requireFiniteNumber(OP, 'learningRate', p.learningRate, (v) => v >= 0, 'a finite number >= 0', 'try 0.001');
  requireFiniteNumber(OP, 'beta1', p.beta1, (v) => v >= 0 && v < 1, 'in [0, 1)', 'try 0.9');
  requireFiniteNumber(OP, 'beta2', p.beta2, (v) => v >= 0 && v < 1, 'in [0, 1)', 'try 0.999');
  // PyTorch accepts 0, but a parameter whose gradient is always 0 would then compute 0/0 = NaN.
  requireFiniteNumber(OP, 'epsilon', p.epsilon, (v) => v > 0, 'a finite number > 0', 'try 1e-8');
  requireFiniteNumber(
    OP,
    'weightDecay',
    p.weightDecay,
    (v) => v >= 0,
    'a finite number >= 0',
    'use 0 or e.g. 1e-4',
  );
  requirePositiveInteger(OP, 'step', p.step);
}
