// vae_latent (reparameterisation z = mu + exp(logvar/2)*eps and the KL term to N(0, I)) shape
// checks shared by the CPU reference and the GPU kernel. muLogvar is [rows, 2*latent] with mu in
// the first `latent` columns and logvar in the last; eps and z are [rows, latent].
// No loops over data and no GPU objects here.

import { requireFiniteNumber, requirePositiveInteger } from './validate.ts';

const OP = 'vae_latent';

/** Throws naming the bad size and the fix. */
export function validateVaeLatent(rows: number, latent: number): void {
  requirePositiveInteger(OP, 'rows', rows);
  requirePositiveInteger(OP, 'latent', latent);
}

/** The backward `scale` (1/N for the KL batch mean) must be finite. */
export function validateVaeLatentScale(scale: number): void {
  requireFiniteNumber(OP, 'scale', scale, () => true, 'a finite number', 'pass 1/batch for a mean loss');
}

export function vaeLatentShapes(rows: number, latent: number) {
  return { muLogvar: [rows, 2 * latent], eps: [rows, latent], z: [rows, latent], klPerRow: [rows] } as const;
}
