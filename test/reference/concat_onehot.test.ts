// concat_onehot reference: hand values forward and backward, and label / size validation.

import { describe, expect, it } from 'vitest';
import { concatOnehotBackward, concatOnehotForward } from '../../src/reference/concat_onehot.ts';
import { nanFilled } from '../helpers/gradcheck.ts';

describe('concat_onehot by hand (2 rows, width 3, 4 classes)', () => {
  it('forward appends the one-hot of each row label', () => {
    const out = nanFilled(14);
    concatOnehotForward(out, Float64Array.of(1, 2, 3, -4, -5, -6), Int32Array.of(3, 0), 2, 3, 4);
    expect(Array.from(out)).toEqual([1, 2, 3, 0, 0, 0, 1, -4, -5, -6, 1, 0, 0, 0]);
  });

  it('backward keeps the first width columns and drops the one-hot columns', () => {
    const dOut = Float64Array.from({ length: 14 }, (_, i) => i + 0.5);
    const dA = nanFilled(6);
    concatOnehotBackward(dA, dOut, 2, 3, 4);
    expect(Array.from(dA)).toEqual([0.5, 1.5, 2.5, 7.5, 8.5, 9.5]);
  });
});

describe('concat_onehot validation', () => {
  it('rejects labels outside [0, classes), non-integers and wrong lengths', () => {
    const out = new Float64Array(6);
    const a = new Float64Array(2);
    expect(() => concatOnehotForward(out, a, [0, 4], 2, 1, 2)).toThrow(
      /labels\[1\] is 4, not a class index in \[0, 2\)/,
    );
    expect(() => concatOnehotForward(out, a, [0.5, 1], 2, 1, 2)).toThrow(/labels\[0\] is 0.5/);
    expect(() => concatOnehotForward(out, a, [0, 1], 2, 1, 3)).toThrow(
      /out has length 6 but shape \[2, 4\] needs 8/,
    );
    expect(() => concatOnehotBackward(a, out, 2, 1, 0)).toThrow(/classes must be a positive integer/);
  });
});
