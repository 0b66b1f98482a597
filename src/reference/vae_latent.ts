// CPU reference for vae_latent: the VAE reparameterisation z = mu + exp(logvar/2)*eps and the KL
// divergence of N(mu, exp(logvar)) from N(0, I), per row. muLogvar rows are [mu (latent) ; logvar
// (latent)], as the encoder's last fc layer writes them. eps comes from the caller (seeded).

import type { FloatArray } from '../ops/types.ts';
import { validateVaeLatent, validateVaeLatentScale } from '../ops/vae_latent.ts';
import { checkLength } from './check.ts';

const OP = 'vae_latent';

/** z[r,j] = mu + exp(0.5*logvar)*eps[r,j]; klPerRow[r] = -0.5 * sum_j (1 + logvar - mu^2 - exp(logvar)). */
export function vaeLatentForward(
  z: FloatArray,
  klPerRow: FloatArray,
  muLogvar: FloatArray,
  eps: FloatArray,
  rows: number,
  latent: number,
): void {
  validateVaeLatent(rows, latent);
  checkLength(OP, 'z', z, [rows, latent]);
  checkLength(OP, 'klPerRow', klPerRow, [rows]);
  checkLength(OP, 'muLogvar', muLogvar, [rows, 2 * latent]);
  checkLength(OP, 'eps', eps, [rows, latent]);
  for (let r = 0; r < rows; r++) {
    let kl = 0;
    for (let j = 0; j < latent; j++) {
      const mu = muLogvar[r * 2 * latent + j];
      const logvar = muLogvar[r * 2 * latent + latent + j];
      z[r * latent + j] = mu + Math.exp(0.5 * logvar) * eps[r * latent + j];
      kl += 1 + logvar - mu * mu - Math.exp(logvar);
    }
    klPerRow[r] = -0.5 * kl;
  }
}

/**
 * Gradient of (loss through z) + scale * sum_r KL_r with respect to muLogvar, given dz:
 * dmu = dz + mu*scale; dlogvar = dz*eps*0.5*exp(0.5*logvar) + 0.5*(exp(logvar) - 1)*scale.
 * scale = 1/N makes the KL part the gradient of the batch-mean KL. Overwrites dMuLogvar.
 */
export function vaeLatentBackward(
  dMuLogvar: FloatArray,
  dz: FloatArray,
  muLogvar: FloatArray,
  eps: FloatArray,
  rows: number,
  latent: number,
  scale: number,
): void {
  validateVaeLatent(rows, latent);
  validateVaeLatentScale(scale);
  checkLength(OP, 'dMuLogvar', dMuLogvar, [rows, 2 * latent]);
  checkLength(OP, 'dz', dz, [rows, latent]);
  checkLength(OP, 'muLogvar', muLogvar, [rows, 2 * latent]);
  checkLength(OP, 'eps', eps, [rows, latent]);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < latent; j++) {
      const muAt = r * 2 * latent + j;
      const logvarAt = muAt + latent;
      const g = dz[r * latent + j];
      const std = Math.exp(0.5 * muLogvar[logvarAt]);
      dMuLogvar[muAt] = g + muLogvar[muAt] * scale;
      dMuLogvar[logvarAt] = g * eps[r * latent + j] * 0.5 * std + 0.5 * (std * std - 1) * scale;
    }
  }
}
