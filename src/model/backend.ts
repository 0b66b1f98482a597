// The one interface both training backends implement: GPU (WGSL kernels, src/model/gpu-backend.ts)
// and CPU (src/fast + src/reference, src/model/cpu-backend.ts). The Trainer talks only to this, so
// the two follow the same run for the same seed and can be compared step by step.
// Not an implementation: no loops, no GPU objects.

import type { Dataset, SplitName } from '../data/dataset.ts';
import type { NetworkDescription } from './shapes.ts';

/** Optimizer and its hyper-parameters; any field may change between steps. */
export interface OptimizerSettings {
  kind: 'sgd' | 'adam';
  learningRate: number;
  /** SGD only; 0 disables momentum. */
  momentum: number;
  /** Adam only. */
  beta1: number;
  beta2: number;
  epsilon: number;
  /** L2 penalty added to the gradient (PyTorch `weight_decay`), both optimizers. */
  weightDecay: number;
}

export const DEFAULT_OPTIMIZER: OptimizerSettings = {
  kind: 'sgd',
  learningRate: 0.05,
  momentum: 0.9,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0,
};

/** Training metrics accumulated since the last takeMetrics(). */
export interface StepMetrics {
  steps: number;
  examples: number;
  /** Sum over examples of the per-example cross-entropy loss. */
  lossSum: number;
  correct: number;
}

export interface EvaluationResult {
  examples: number;
  lossSum: number;
  correct: number;
  /** classes x classes counts, row = true label, column = predicted label. */
  confusion: Uint32Array;
}

/**
 * Optimizer state in the flat parameter layout: SGD has one slot (velocity), Adam two (m, v).
 * `step` is the number of updates applied so far (Adam's t before the next update).
 */
export interface OptimizerState {
  kind: 'sgd' | 'adam';
  step: number;
  slots: Float32Array[];
}

export interface Backend {
  readonly kind: 'gpu' | 'cpu';
  /** The network at the training batch size; the flat parameter layout follows it. */
  readonly description: NetworkDescription;
  /** Makes the dataset available (GPU: uploaded once as bytes). Call before training. */
  setData(dataset: Dataset): Promise<void>;
  /** Replaces all parameters (flat layout, src/model/layout.ts). */
  setParameters(flat: Float32Array): void;
  getParameters(): Promise<Float32Array>;
  setOptimizerState(state: OptimizerState): void;
  getOptimizerState(): Promise<OptimizerState>;
  /** Sets the order of the training examples for the current epoch (a permutation of the train split). */
  setEpochOrder(order: Uint32Array): void;
  /**
   * Runs `count` training steps on batches first, first+1, ... of the current order. The GPU
   * backend records and submits without waiting; the CPU backend runs them before returning.
   */
  train(first: number, count: number, settings: OptimizerSettings): void;
  /** Reads and resets the metrics accumulated by train() (the GPU reads back asynchronously). */
  takeMetrics(): Promise<StepMetrics>;
  /** Loss, accuracy and confusion matrix over the first `limit` examples (default all) of a split. */
  evaluate(split: SplitName, limit?: number): Promise<EvaluationResult>;
  /** Frees everything the backend created. */
  destroy(): void;
}
