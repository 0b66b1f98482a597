// bce_logits reference: PyTorch fixtures (loss per row and the batch-mean gradient), stability at
// huge logits, a Float64 gradcheck of the backward pass, and validation.

import { describe, expect, it } from 'vitest';
import { bceLogitsBackward, bceLogitsForward, stableSigmoid } from '../../src/reference/bce_logits.ts';
import { Random } from '../../src/util/random.ts';
import { gradcheck, nanFilled, randomFloat64 } from '../helpers/gradcheck.ts';
import { loadTorchFixture, PRECISIONS } from './torch-fixture-data.ts';

interface BceCase {
  name: string;
  params: { rows: number; cols: number };
  inputs: { logits: number[]; targets: number[] };
  outputs: { lossPerRow: number[] };
  grads: { logits: number[] };
}

const cases = loadTorchFixture<BceCase>('bce_logits');

describe.each(PRECISIONS)('bce_logits against torch ($name)', (f) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { rows, cols } = c.params;
    const logits = f.from(c.inputs.logits);
    const targets = f.from(c.inputs.targets);
    const loss = f.poisoned(rows);
    bceLogitsForward(loss, logits, targets, rows, cols);
    f.check(loss, c.outputs.lossPerRow, cols, 'lossPerRow');
    const dLogits = f.poisoned(rows * cols);
    bceLogitsBackward(dLogits, logits, targets, rows, cols, 1 / rows);
    f.check(dLogits, c.grads.logits, 1, 'dLogits');
  });
});

describe('bce_logits stability', () => {
  it('stays finite and exact at logits of +-1000 (a naive log(sigmoid) gives Inf/NaN)', () => {
    const logits = Float64Array.of(1000, -1000, 1000, -1000, 0);
    const targets = Float64Array.of(1, 0, 0, 1, 0.25);
    const loss = nanFilled(5);
    bceLogitsForward(loss, logits, targets, 5, 1);
    expect(Array.from(loss)).toEqual([0, 0, 1000, 1000, Math.LN2]);
    const d = nanFilled(5);
    bceLogitsBackward(d, logits, targets, 5, 1, 0.5);
    expect(Array.from(d)).toEqual([0, 0, 0.5, -0.5, 0.125]);
    expect(stableSigmoid(-800)).toBeGreaterThanOrEqual(0);
  });
});

describe('bce_logits gradcheck (Float64, loss = scale * sum of row losses)', () => {
  it.each([
    [1, 1],
    [3, 7],
    [2, 13],
  ])('%i rows x %i cols', (rows, cols) => {
    const rng = new Random(0xbce + rows * 17 + cols);
    const logits = randomFloat64(rng, rows * cols, -4, 4);
    const targets = randomFloat64(rng, rows * cols, 0, 1);
    const scale = 1 / rows;
    const perRow = new Float64Array(rows);
    const loss = () => {
      bceLogitsForward(perRow, logits, targets, rows, cols);
      return scale * perRow.reduce((a, b) => a + b, 0);
    };
    const analytic = nanFilled(rows * cols);
    bceLogitsBackward(analytic, logits, targets, rows, cols, scale);
    const result = gradcheck(loss, [{ name: 'logits', values: logits, analytic }]);
    expect(result.ok, result.report).toBe(true);
  });
});

describe('bce_logits validation', () => {
  it('names the bad size, the bad scale and a wrong length', () => {
    const a = new Float64Array(6);
    expect(() => bceLogitsForward(new Float64Array(2), a, a, 2, 0)).toThrow(
      /bce_logits: cols must be a positive integer/,
    );
    expect(() => bceLogitsBackward(a, a, a, 2, 3, NaN)).toThrow(/scale must be a finite number.*1\/batch/);
    expect(() => bceLogitsForward(new Float64Array(3), a, a, 2, 3)).toThrow(
      /lossPerRow has length 3 but shape \[2\]/,
    );
  });
});
