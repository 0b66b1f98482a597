// The params layouts of the CVAE op kernels (conv_transpose2d's epilogue, bce_logits, vae_latent,
// concat_onehot) agree field by field with the WGSL structs they feed, in every shader that
// declares the struct. A mismatch would silently read the wrong field on the GPU.

import { describe, expect, it } from 'vitest';
import { bceLogitsUniforms } from '../../src/kernels/bce_logits.ts';
import { concatOnehotUniforms } from '../../src/kernels/concat_onehot.ts';
import { convTranspose2dEpilogueUniforms } from '../../src/kernels/conv_transpose2d.ts';
import { vaeLatentUniforms } from '../../src/kernels/vae_latent.ts';
import { wgslStructFields } from './wgsl_struct.ts';

const CASES = [
  ['conv_transpose2d.forward.wgsl', 'BiasActivationParams', convTranspose2dEpilogueUniforms],
  ['bce_logits.forward.wgsl', 'BceLogitsParams', bceLogitsUniforms],
  ['bce_logits.backward_input.wgsl', 'BceLogitsParams', bceLogitsUniforms],
  ['vae_latent.forward.wgsl', 'VaeLatentParams', vaeLatentUniforms],
  ['vae_latent.backward_input.wgsl', 'VaeLatentParams', vaeLatentUniforms],
  ['concat_onehot.forward.wgsl', 'ConcatOnehotParams', concatOnehotUniforms],
  ['concat_onehot.backward_input.wgsl', 'ConcatOnehotParams', concatOnehotUniforms],
] as const;

describe('CVAE op uniforms match their WGSL structs', () => {
  it.each(CASES)('%s struct %s', (file, struct, layout) => {
    expect(wgslStructFields(file, struct)).toEqual(Object.entries(layout.fields));
  });
});
