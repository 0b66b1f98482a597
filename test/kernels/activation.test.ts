// The activation kernels' host-side contract, without a GPU: one uniform layout for both shaders,
// and ACTIVATION_CODE numbering every activation the way the shaders' switch statements do.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { activationUniforms } from '../../src/kernels/activation.ts';
import { ACTIVATION_CODE, ACTIVATIONS } from '../../src/ops/activation.ts';
import { wgslStructFields } from './wgsl_struct.ts';

const SHADERS = [
  'activation.forward.wgsl',
  'activation.backward_input.wgsl',
  'matmul.forward.wgsl',
  'dense.forward.wgsl',
];
/** The shaders that apply an activation with their own copy of `fn activate` (no WGSL splicing). */
const ACTIVATE_COPIES = [
  'activation.forward.wgsl',
  'matmul.forward.wgsl',
  'dense.forward.wgsl',
  'conv2d.forward.wgsl',
];

function source(file: string): string {
  return readFileSync(new URL(`../../shaders/${file}`, import.meta.url), 'utf8');
}

describe('activation params', () => {
  it.each(SHADERS.slice(0, 2))('match struct ActivationParams in %s', (file) => {
    expect(wgslStructFields(file, 'ActivationParams')).toEqual(Object.entries(activationUniforms.fields));
  });
});

describe('ACTIVATION_CODE', () => {
  it('numbers none, relu, sigmoid, tanh as 0, 1, 2, 3', () => {
    expect(ACTIVATIONS.map((a) => ACTIVATION_CODE[a])).toEqual([0, 1, 2, 3]);
  });

  it.each(SHADERS)('is the numbering %s documents, with none as the default', (file) => {
    const code = source(file);
    expect(code).toContain('0 none, 1 relu, 2 sigmoid, 3 tanh');
    expect(code).toMatch(/override ACTIVATION: u32 = 0u;/);
    for (const code3 of [1, 2, 3]) expect(code).toContain(`case ${code3}u:`);
  });
});

describe('fn activate', () => {
  it('is the same code in every shader that fuses an activation', () => {
    const bodies = ACTIVATE_COPIES.map(
      (file) => /fn activate\(x: f32\) -> f32 \{\n[\s\S]*?\n\}\n/.exec(source(file))?.[0],
    );
    expect(bodies[0]).toContain('case 3u');
    for (const body of bodies) expect(body).toBe(bodies[0]);
  });
});
