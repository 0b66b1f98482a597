// CPU reference for the elementwise activations. The backward pass takes the forward OUTPUT y
// (not the input), as the GPU kernels do, so a layer keeps one tensor instead of two:
// relu' = (y > 0), sigmoid' = y(1 - y), tanh' = 1 - y^2.

import { validateActivation, type Activation } from '../ops/activation.ts';
import type { FloatArray } from '../ops/types.ts';
import { checkLength } from './check.ts';

const OP = 'activation';

function apply(x: number, activation: Activation): number {
  switch (activation) {
    case 'none':
      return x;
    case 'relu':
      return x > 0 ? x : 0;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x)); // exp overflow gives 1/Infinity = 0, the right limit
    case 'tanh':
      return Math.tanh(x);
  }
}

/** Derivative at the point whose forward output is y. */
function slopeFromOutput(y: number, activation: Activation): number {
  switch (activation) {
    case 'none':
      return 1;
    case 'relu':
      return y > 0 ? 1 : 0; // the subgradient at 0 is 0, as in PyTorch
    case 'sigmoid':
      return y * (1 - y);
    case 'tanh':
      return 1 - y * y;
  }
}

/** out[i] = f(input[i]). */
export function activationForward(out: FloatArray, input: FloatArray, activation: Activation): void {
  validateActivation(activation);
  checkLength(OP, 'out', out, [input.length]);
  for (let i = 0; i < input.length; i++) out[i] = apply(input[i], activation);
}

/** dInput[i] = dOut[i] * f'(x_i), with f' written in terms of the forward output y_i. */
export function activationBackward(
  dInput: FloatArray,
  dOut: FloatArray,
  output: FloatArray,
  activation: Activation,
): void {
  validateActivation(activation);
  checkLength(OP, 'dInput', dInput, [output.length]);
  checkLength(OP, 'dOut', dOut, [output.length]);
  for (let i = 0; i < output.length; i++) dInput[i] = dOut[i] * slopeFromOutput(output[i], activation);
}
