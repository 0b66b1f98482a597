// Gradient check of the whole CVAE loss (BCE reconstruction + KL, batch mean) against central
// differences in Float64, on the reference ops, for a seeded sample of elements of every parameter
// tensor. Random non-zero biases so every bias gradient is exercised; a batch of 3, latent 3.

import { describe, expect, it } from 'vitest';
import { referenceCvaeOps } from '../../src/generator/cvae-ops.ts';
import { CvaePass } from '../../src/generator/cvae-pass.ts';
import { cvaeInitialParameters, cvaeLayout, DEFAULT_CVAE_CONFIG } from '../../src/generator/cvae-spec.ts';
import { Random } from '../../src/util/random.ts';
import { compareClose } from '../helpers/allclose.ts';
import { GRADCHECK_EPS } from '../helpers/gradcheck.ts';

const ROWS = 3;
const LATENT = 3;
const SAMPLES_PER_TENSOR = 6;

/**
 * The loss is ~550 per row (784 BCE terms), so central differences carry rounding of about
 * 550 * 2^-52 / 1e-6 ~ 1.2e-7: atol 1e-6 keeps a margin. A wrong gradient misses by far more.
 */
const TOLERANCE = { atol: 1e-6, rtol: 1e-5 };

function setup() {
  const layout = cvaeLayout(LATENT);
  const params = Float64Array.from(
    cvaeInitialParameters({ ...DEFAULT_CVAE_CONFIG, latent: LATENT, seed: 5 }),
  );
  const random = new Random(9);
  for (const t of layout.tensors) {
    if (t.name.endsWith('bias'))
      for (let i = 0; i < t.length; i++) params[t.offset + i] = random.uniform(-0.1, 0.1);
  }
  // Pixels spread over [0, 1] like MNIST (many zeros, some in between, some ones).
  const x = Float64Array.from({ length: ROWS * 784 }, () =>
    Math.max(0, Math.min(1, random.uniform(-0.8, 1.3))),
  );
  const labels = Int32Array.from([7, 0, 3]);
  const eps = Float64Array.from({ length: ROWS * LATENT }, () => random.normal());
  const pass = new CvaePass(ROWS, layout, referenceCvaeOps<Float64Array>(), (n) => new Float64Array(n));
  return { layout, params, x, labels, eps, pass, random };
}

describe('cvae loss gradient (Float64 reference)', () => {
  it('matches central differences for a sample of every tensor', () => {
    const { layout, params, x, labels, eps, pass, random } = setup();
    const grads = new Float64Array(layout.length);
    const losses = pass.forwardBackward(params, grads, x, labels, eps);
    expect(losses.reconstruction).toBeGreaterThan(100);
    expect(losses.kl).toBeGreaterThan(0);
    expect(losses.loss).toBeCloseTo(losses.reconstruction + losses.kl, 9);
    const loss = () => pass.forward(params, x, labels, eps).loss;
    const report: string[] = [];
    let ok = true;
    for (const t of layout.tensors) {
      const picks = Array.from({ length: Math.min(SAMPLES_PER_TENSOR, t.length) }, (_, i) =>
        t.length <= SAMPLES_PER_TENSOR ? i : random.int(t.length),
      );
      const analytic = picks.map((i) => grads[t.offset + i]);
      const numeric = picks.map((i) => {
        const at = t.offset + i;
        const saved = params[at];
        params[at] = saved + GRADCHECK_EPS;
        const up = loss();
        params[at] = saved - GRADCHECK_EPS;
        const down = loss();
        params[at] = saved;
        return (up - down) / (2 * GRADCHECK_EPS);
      });
      const check = compareClose(analytic, numeric, TOLERANCE);
      // A tensor the loss ignores would agree trivially: require real dependence.
      const matters = numeric.some((g) => Math.abs(g) > 1e-4);
      if (!check.ok || !matters) ok = false;
      report.push(`${t.name} at [${picks.join(', ')}]${matters ? '' : ' (all zero!)'}: ${check.table}`);
    }
    expect(ok, report.join('\n')).toBe(true);
  });

  it('leaves alignment gaps of the gradient buffer untouched', () => {
    const { layout, params, x, labels, eps, pass } = setup();
    const grads = new Float64Array(layout.length).fill(7);
    pass.forwardBackward(params, grads, x, labels, eps);
    const gap = layout.byName['E2.bias'].offset + layout.byName['E2.bias'].length; // 6 used of 64
    expect(grads[gap]).toBe(7);
  });
});
