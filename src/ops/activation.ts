// The elementwise activations a layer may apply, their names, rough FLOP counts and a validator
// for names that arrive as strings (architecture editor, checkpoints). The maths is in
// src/reference/activation.ts; nothing here reads tensor data.

export const ACTIVATIONS = ['none', 'relu', 'sigmoid', 'tanh'] as const;

export type Activation = (typeof ACTIVATIONS)[number];

export function isActivation(name: string): name is Activation {
  return (ACTIVATIONS as readonly string[]).includes(name);
}

/** Throws unless `name` is one of ACTIVATIONS. */
export function validateActivation(name: string): asserts name is Activation {
  if (!isActivation(name)) {
    throw new Error(
      `activation: activation must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(name)}; ` +
        'pick one of those names',
    );
  }
}

/**
 * Rough forward FLOPs per element, counting exp and tanh as one op each. These ops are limited by
 * memory bandwidth, so benchmarks should report bytes moved beside this.
 */
const FLOPS_PER_ELEMENT: Record<Activation, number> = { none: 0, relu: 1, sigmoid: 4, tanh: 1 };

export function activationFlops(elements: number, activation: Activation): number {
  return elements * FLOPS_PER_ELEMENT[activation];
}

/**
 * The number each activation has in WGSL (`override ACTIVATION: u32`): 0 none, 1 relu, 2 sigmoid,
 * 3 tanh. The one place that mapping lives; every shader that fuses an activation uses it.
 */
export const ACTIVATION_CODE: Readonly<Record<Activation, number>> = {
  none: 0,
  relu: 1,
  sigmoid: 2,
  tanh: 3,
};
