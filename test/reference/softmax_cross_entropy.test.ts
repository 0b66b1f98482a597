// softmax_cross_entropy reference: known logits by hand (including huge ones), the mean-loss
// gradient by hand and by gradcheck, label and param validation.

import { describe, expect, it } from 'vitest';
import {
  softmaxCrossEntropyFlops,
  softmaxCrossEntropyShapes,
  validateSoftmaxCrossEntropy,
} from '../../src/ops/softmax_cross_entropy.ts';
import type { SoftmaxCrossEntropyParams } from '../../src/ops/softmax_cross_entropy.ts';
import {
  meanLoss,
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyForward,
} from '../../src/reference/softmax_cross_entropy.ts';
import { Random } from '../../src/util/random.ts';
import { assertClose } from '../helpers/allclose.ts';
import { gradcheck, nanFilled, randomFloat64 } from '../helpers/gradcheck.ts';

const EXACT = { atol: 1e-15, rtol: 1e-14 }; // only exp/log rounding separates these

describe('softmax_cross_entropy by hand', () => {
  const p: SoftmaxCrossEntropyParams = { batch: 3, classes: 3 };
  // Row 0: exp gives 1, 2, 3. Row 1: a tie at 1000 (exp(1000) would overflow without the max
  // shift). Row 2: -1000 and 0, whose softmax underflows to exactly 0 and 1.
  const logits = Float64Array.from([0, Math.log(2), Math.log(3), 1000, 1000, 999, -1000, 0, -1000]);
  const labels = [2, 1, 0];
  const e = Math.exp(-1);

  function forward() {
    const lossPerRow = nanFilled(3);
    const probs = nanFilled(9);
    const correct = new Uint8Array(3).fill(7);
    softmaxCrossEntropyForward(lossPerRow, probs, correct, logits, labels, p);
    return { lossPerRow, probs, correct };
  }

  it('gives softmax probabilities, -log p[label] per row, and first-max argmax hits', () => {
    const { lossPerRow, probs, correct } = forward();
    assertClose(probs, [1 / 6, 2 / 6, 3 / 6, 1 / (2 + e), 1 / (2 + e), e / (2 + e), 0, 1, 0], EXACT, 'probs');
    // row 0: -log(1/2); row 1: -log(1/(2+e)); row 2: the label's logit is 1000 below the max
    assertClose(lossPerRow, [Math.log(2), Math.log(2 + e), 1000], EXACT, 'lossPerRow');
    // row 1's tie goes to class 0, so label 1 is not a hit
    expect(Array.from(correct)).toEqual([1, 0, 0]);
    expect(meanLoss(lossPerRow)).toBeCloseTo((Math.log(2) + Math.log(2 + e) + 1000) / 3, 12);
  });

  it('backward is (probs - onehot(label)) / batch, overwriting dLogits', () => {
    const { probs } = forward();
    const dLogits = nanFilled(9);
    softmaxCrossEntropyBackward(dLogits, probs, labels, p);
    const expected = [1 / 6, 2 / 6, 3 / 6 - 1, 1 / (2 + e), 1 / (2 + e) - 1, e / (2 + e), -1, 1, 0].map(
      (g) => g / 3,
    );
    assertClose(dLogits, expected, EXACT, 'dLogits');
  });

  it('accepts a Uint32Array for correct', () => {
    const correct = new Uint32Array(3);
    softmaxCrossEntropyForward(nanFilled(3), nanFilled(9), correct, logits, labels, p);
    expect(Array.from(correct)).toEqual([1, 0, 0]);
  });
});

const GRADCHECK_CASES: Array<[string, SoftmaxCrossEntropyParams, number]> = [
  ['batch 1, 2 classes', { batch: 1, classes: 2 }, 0],
  ['batch 3, 10 classes', { batch: 3, classes: 10 }, 0],
  ['batch 5, 7 classes', { batch: 5, classes: 7 }, 0],
  ['batch 3, 10 classes, logits offset by +500', { batch: 3, classes: 10 }, 500],
];

describe('softmax_cross_entropy gradcheck of the mean loss (Float64 central differences)', () => {
  it.each(GRADCHECK_CASES)('%s', (_name, p, offset) => {
    const rng = new Random(0x5ce + p.batch * 17 + p.classes + offset);
    const logits = randomFloat64(rng, p.batch * p.classes, offset - 3, offset + 3);
    const labels = Array.from({ length: p.batch }, () => rng.int(p.classes));
    const lossPerRow = new Float64Array(p.batch);
    const probs = new Float64Array(logits.length);
    const correct = new Uint8Array(p.batch);
    const loss = () => {
      softmaxCrossEntropyForward(lossPerRow, probs, correct, logits, labels, p);
      return meanLoss(lossPerRow);
    };
    loss(); // probs at the unperturbed logits, for the analytic gradient
    const dLogits = nanFilled(logits.length);
    softmaxCrossEntropyBackward(dLogits, probs, labels, p);
    const result = gradcheck(loss, [{ name: 'logits', values: logits, analytic: dLogits }]);
    expect(result.ok, result.report).toBe(true);
  });
});

describe('softmax_cross_entropy validation', () => {
  const p = { batch: 2, classes: 3 };
  const run = (labels: ArrayLike<number>, params = p) =>
    softmaxCrossEntropyForward(nanFilled(2), nanFilled(6), new Uint8Array(2), nanFilled(6), labels, params);

  it.each([
    [[0, 3], 'softmax_cross_entropy: labels[1] is 3, not a class index in [0, 3)'],
    [[-1, 0], 'softmax_cross_entropy: labels[0] is -1, not a class index in [0, 3)'],
    [[0, 1.5], 'softmax_cross_entropy: labels[1] is 1.5, not a class index'],
    [[0], 'softmax_cross_entropy: labels has length 1 but shape [2] needs 2'],
  ])('rejects labels %j', (labels, message) => {
    expect(() => run(labels)).toThrow(message);
    expect(() => softmaxCrossEntropyBackward(nanFilled(6), nanFilled(6), labels, p)).toThrow(message);
  });

  it('rejects fewer than 2 classes and non-integer sizes, naming the field', () => {
    expect(() => validateSoftmaxCrossEntropy({ batch: 2, classes: 1 })).toThrow(
      'softmax_cross_entropy: classes must be at least 2, got 1; a classifier needs two or more classes',
    );
    expect(() => validateSoftmaxCrossEntropy({ batch: 0, classes: 3 })).toThrow(
      'softmax_cross_entropy: batch must be a positive integer, got 0',
    );
    expect(() => run([0, 0], { batch: 2, classes: 2.5 })).toThrow(
      'softmax_cross_entropy: classes must be a positive integer',
    );
  });

  it('checks array lengths, naming the array', () => {
    expect(() =>
      softmaxCrossEntropyForward(nanFilled(2), nanFilled(5), new Uint8Array(2), nanFilled(6), [0, 0], p),
    ).toThrow('softmax_cross_entropy: probs has length 5 but shape [2, 3] needs 6');
    expect(() =>
      softmaxCrossEntropyForward(nanFilled(2), nanFilled(6), new Uint8Array(1), nanFilled(6), [0, 0], p),
    ).toThrow('softmax_cross_entropy: correct has length 1');
  });

  it('has the documented shapes and FLOP count', () => {
    expect(softmaxCrossEntropyShapes(p)).toEqual({
      logits: [2, 3],
      probs: [2, 3],
      labels: [2],
      lossPerRow: [2],
      correct: [2],
    });
    expect(softmaxCrossEntropyFlops(p)).toBe(30);
  });
});
