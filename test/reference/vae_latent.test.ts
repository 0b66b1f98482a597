// vae_latent reference: a hand case (z and KL), a Float64 gradcheck of the backward pass for a
// loss that reads both z and the KL, and validation.

import { describe, expect, it } from 'vitest';
import { vaeLatentBackward, vaeLatentForward } from '../../src/reference/vae_latent.ts';
import { Random } from '../../src/util/random.ts';
import { gradcheck, nanFilled, randomFloat64, weightedSum } from '../helpers/gradcheck.ts';

describe('vae_latent by hand', () => {
  it('z = mu + exp(logvar/2)*eps and KL = -0.5*sum(1 + logvar - mu^2 - exp(logvar))', () => {
    // one row, latent 2: mu = [1, 0], logvar = [0, 2 ln 2] (std 1 and 2), eps = [0.5, -1]
    const muLogvar = Float64Array.of(1, 0, 0, 2 * Math.LN2);
    const z = nanFilled(2);
    const kl = nanFilled(1);
    vaeLatentForward(z, kl, muLogvar, Float64Array.of(0.5, -1), 1, 2);
    expect(z[0]).toBeCloseTo(1.5, 14);
    expect(z[1]).toBeCloseTo(-2, 14);
    // -0.5 * ((1 + 0 - 1 - 1) + (1 + 2ln2 - 0 - 4)) = -0.5 * (-4 + 2 ln 2)
    expect(kl[0]).toBeCloseTo(2 - Math.LN2, 14);
  });

  it('N(0, I) has zero KL and zero KL gradient', () => {
    const kl = nanFilled(2);
    vaeLatentForward(nanFilled(2), kl, new Float64Array(4), Float64Array.of(0.3, -0.7), 2, 1);
    expect(Array.from(kl, Math.abs)).toEqual([0, 0]); // -0.5 * 0 is -0
    const d = nanFilled(4);
    vaeLatentBackward(d, new Float64Array(2), new Float64Array(4), Float64Array.of(0.3, -0.7), 2, 1, 0.5);
    expect(Array.from(d, Math.abs)).toEqual([0, 0, 0, 0]);
  });
});

describe('vae_latent gradcheck (Float64, loss = sum(z * w) + scale * sum(KL))', () => {
  it.each([
    [1, 1],
    [3, 2],
    [2, 8],
  ])('%i rows, latent %i', (rows, latent) => {
    const rng = new Random(0x7ae + rows * 13 + latent);
    const muLogvar = randomFloat64(rng, rows * 2 * latent, -1.5, 1.5);
    const eps = randomFloat64(rng, rows * latent, -2, 2);
    const dz = randomFloat64(rng, rows * latent);
    const scale = 1 / rows;
    const z = new Float64Array(rows * latent);
    const kl = new Float64Array(rows);
    const loss = () => {
      vaeLatentForward(z, kl, muLogvar, eps, rows, latent);
      return weightedSum(z, dz) + scale * kl.reduce((a, b) => a + b, 0);
    };
    const analytic = nanFilled(rows * 2 * latent);
    vaeLatentBackward(analytic, dz, muLogvar, eps, rows, latent, scale);
    const result = gradcheck(loss, [{ name: 'muLogvar', values: muLogvar, analytic }]);
    expect(result.ok, result.report).toBe(true);
  });
});

describe('vae_latent validation', () => {
  it('names the bad size, the bad scale and a wrong length', () => {
    const a = new Float64Array(4);
    expect(() => vaeLatentForward(a, a, a, a, 1, 0)).toThrow(/vae_latent: latent must be a positive integer/);
    expect(() => vaeLatentBackward(a, new Float64Array(2), a, new Float64Array(2), 1, 2, Infinity)).toThrow(
      /scale must be a finite number/,
    );
    expect(() =>
      vaeLatentForward(
        new Float64Array(2),
        new Float64Array(1),
        new Float64Array(3),
        new Float64Array(2),
        1,
        2,
      ),
    ).toThrow(/muLogvar has length 3 but shape \[1, 4\] needs 4/);
  });
});
