// Small pure helpers behind the predictions and confusion views: the top-k classes of a
// probability row, the test examples that fall in one confusion cell, and how strongly a cell is
// shaded. No DOM.

export interface ClassScore {
  classIndex: number;
  probability: number;
}

/** The `k` most probable classes of row `row` of a [rows, classes] table, most probable first. */
export function topK(
  probabilities: ArrayLike<number>,
  row: number,
  classes: number,
  k: number,
): ClassScore[] {
  const scores: ClassScore[] = [];
  for (let c = 0; c < classes; c++)
    scores.push({ classIndex: c, probability: probabilities[row * classes + c] });
  // Stable on ties (lower class first) so the display does not flicker between equal classes.
  scores.sort((a, b) => b.probability - a.probability || a.classIndex - b.classIndex);
  return scores.slice(0, Math.max(0, k));
}

/** Name of class `c`: classNames[c] when given, else the index ("7"). */
export function className(classNames: readonly string[] | null | undefined, c: number): string {
  return classNames?.[c] ?? String(c);
}

/**
 * Test-set indices whose true label is `trueClass` and prediction `predicted`, in order, at most
 * `limit` of them, and how many there are in all. `labels` and `predictions` share the order of
 * evaluated examples (predictions may be shorter when only a prefix was evaluated).
 */
export function cellExamples(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  trueClass: number,
  predicted: number,
  limit: number,
): { indices: number[]; total: number } {
  const indices: number[] = [];
  let total = 0;
  const n = Math.min(labels.length, predictions.length);
  for (let i = 0; i < n; i++) {
    if (labels[i] !== trueClass || predictions[i] !== predicted) continue;
    total++;
    if (indices.length < limit) indices.push(i);
  }
  return { indices, total };
}

/** Row sums of a classes x classes confusion matrix (examples per true class). */
export function rowTotals(confusion: ArrayLike<number>, classes: number): number[] {
  const totals = new Array<number>(classes).fill(0);
  for (let r = 0; r < classes; r++) for (let c = 0; c < classes; c++) totals[r] += confusion[r * classes + c];
  return totals;
}

/**
 * Opacity in [0, 1] of a confusion cell's colour: its share of the row. Off-diagonal shares are
 * small (a few percent), so they get a square root to stay visible next to a 99% diagonal.
 */
export function cellShade(count: number, rowTotal: number, diagonal: boolean): number {
  if (rowTotal <= 0 || count <= 0) return 0;
  const share = count / rowTotal;
  return diagonal ? share : Math.min(1, Math.sqrt(share) * 1.5);
}
