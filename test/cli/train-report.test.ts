import { describe, expect, it } from 'vitest';
import { evaluationSummary, formatConfusion } from '../../src/cli/train-report.ts';
import { formatProgress } from '../../src/cli/progress.ts';

describe('formatConfusion', () => {
  it('prints rows as true classes and columns as predictions', () => {
    const text = formatConfusion(new Uint32Array([5, 1, 0, 2, 123456, 3, 0, 0, 9]), ['a', 'bb', 'c']);
    expect(text.split('\n')).toEqual([
      'true | predicted',
      '     |      a     bb      c',
      '   a |      5      1      0',
      '  bb |      2 123456      3',
      '   c |      0      0      9',
    ]);
  });

  it('rejects counts that do not match the classes', () => {
    expect(() => formatConfusion(new Uint32Array(5), ['a', 'b'])).toThrow(/2 classes need 4 counts, got 5/);
  });
});

describe('evaluationSummary', () => {
  it('averages loss and accuracy over the examples', () => {
    const summary = evaluationSummary({
      examples: 8,
      lossSum: 2,
      correct: 6,
      confusion: new Uint32Array(4),
      predictions: new Uint8Array(8),
    });
    expect(summary).toEqual({ loss: 0.25, accuracy: 0.75 });
  });
});

describe('formatProgress', () => {
  it('shows epoch, step, loss, accuracy and images/s', () => {
    const line = formatProgress({
      epoch: 1,
      epochs: 2,
      step: 235,
      steps: 937,
      loss: 0.123456,
      accuracy: 0.9631,
      imagesPerSecond: 612.4,
    });
    expect(line).toBe('epoch 1/2 [######..................] 235/937  loss 0.1235  acc 96.31%  612 img/s');
  });
});
