import { describe, expect, it } from 'vitest';
import { cellExamples, cellShade, className, rowTotals, topK } from '../../src/viz/classification.ts';

describe('topK', () => {
  it('gives the most probable classes of a row, ties by class index', () => {
    const p = [0.1, 0.2, 0.7, 0.0, 0.05, 0.3, 0.3, 0.35];
    expect(topK(p, 0, 4, 3)).toEqual([
      { classIndex: 2, probability: 0.7 },
      { classIndex: 1, probability: 0.2 },
      { classIndex: 0, probability: 0.1 },
    ]);
    expect(topK(p, 1, 4, 3).map((s) => s.classIndex)).toEqual([3, 1, 2]);
    expect(topK(p, 1, 4, 9).length).toBe(4);
  });

  it('names classes by name or index', () => {
    expect(className(['T-shirt', 'Trouser'], 1)).toBe('Trouser');
    expect(className(null, 7)).toBe('7');
  });
});

describe('confusion helpers', () => {
  const labels = [3, 5, 3, 3, 8, 3, 5];
  const predictions = [5, 5, 3, 5, 8, 5];

  it('finds the examples of one cell, limited, with the total', () => {
    expect(cellExamples(labels, predictions, 3, 5, 10)).toEqual({ indices: [0, 3, 5], total: 3 });
    expect(cellExamples(labels, predictions, 3, 5, 2)).toEqual({ indices: [0, 3], total: 3 });
    expect(cellExamples(labels, predictions, 5, 3, 10)).toEqual({ indices: [], total: 0 });
  });

  it('sums rows and shades cells by their share of the row', () => {
    expect(rowTotals([5, 1, 0, 2, 8, 0, 0, 0, 0], 3)).toEqual([6, 10, 0]);
    expect(cellShade(90, 100, true)).toBeCloseTo(0.9, 12);
    expect(cellShade(4, 100, false)).toBeCloseTo(0.3, 12);
    expect(cellShade(0, 100, false)).toBe(0);
    expect(cellShade(3, 0, true)).toBe(0);
  });
});
