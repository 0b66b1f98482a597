// Text the training CLI prints at the end: the confusion matrix and the one-line JSON summary.
// Pure formatting; no I/O.

import type { EvaluationResult } from '../model/backend.ts';

/** Rows = true class, columns = predicted class, right-aligned counts with class names as headers. */
export function formatConfusion(confusion: Uint32Array, classNames: readonly string[]): string {
  const n = classNames.length;
  if (confusion.length !== n * n) {
    throw new Error(`formatConfusion: ${n} classes need ${n * n} counts, got ${confusion.length}`);
  }
  const names = classNames.map((name) => (name.length > 7 ? name.slice(0, 7) : name));
  const width = Math.max(5, ...names.map((s) => s.length), ...Array.from(confusion, (c) => String(c).length));
  const label = Math.max(4, ...names.map((s) => s.length));
  const pad = (s: string, w: number) => s.padStart(w);
  const lines = [
    `${pad('true', label)} | predicted`,
    `${' '.repeat(label)} | ${names.map((s) => pad(s, width)).join(' ')}`,
  ];
  for (let r = 0; r < n; r++) {
    const row = Array.from(confusion.subarray(r * n, (r + 1) * n), (c) => pad(String(c), width));
    lines.push(`${pad(names[r], label)} | ${row.join(' ')}`);
  }
  return lines.join('\n');
}

export interface RunSummary {
  net: string;
  dataset: string;
  backend: string;
  /** The GPU adapter, or "cpu". */
  adapter: string;
  seed: number;
  batch: number;
  optimizer: string;
  learning_rate: number;
  momentum: number;
  weight_decay: number;
  /** The learning-rate schedule over the run (learning_rate is its peak) and its warm-up steps. */
  schedule: string;
  warmup_steps: number;
  /** Epochs trained, fractional when --steps stopped early. */
  epochs: number;
  steps: number;
  train_loss: number;
  train_accuracy: number;
  train_images_per_s: number;
  test_examples: number;
  test_loss: number;
  test_accuracy: number;
  /** Wall time of the whole run, loading and writing included. */
  seconds: number;
  out: string;
}

export function evaluationSummary(result: EvaluationResult): { loss: number; accuracy: number } {
  const n = Math.max(1, result.examples);
  return { loss: result.lossSum / n, accuracy: result.correct / n };
}
