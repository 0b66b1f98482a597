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
  /** Predicted class (the first maximum logit) of each evaluated example, in split order. */
  predictions: Uint8Array;
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

/** The most images one probe() takes: the probe network's batch. */
export const PROBE_MAX = 16;

/** A forward pass of a few images at the current parameters (Backend.probe). */
export interface ProbeResult {
  count: number;
  /** One per layer of description.layers: [count, ...outputShape] after the activation (logits for classify). */
  outputs: Float32Array[];
  /** [count, classes] softmax of the logits. */
  probabilities: Float32Array;
}

/** Statistics of one tensor; NaN and +-Inf are counted in nonFinite and left out of the rest. */
export interface TensorStats {
  count: number;
  nonFinite: number;
  /** Of the finite values; Infinity / -Infinity when there is none. */
  min: number;
  max: number;
  sum: number;
  sumSquares: number;
}

/** One parameter tensor (a layer's weight or bias) as Backend.parameterStats() reports it. */
export interface ParameterTensorStats {
  layerIndex: number;
  tensor: 'weight' | 'bias';
  parameters: TensorStats;
  /** d mean-loss / d tensor of the last training step (zeros before the first). */
  gradients: TensorStats;
  /**
   * The last update divided by its learning rate, from the optimizer state: SGD's velocity, or
   * Adam's m_hat / (sqrt(v_hat) + epsilon). null before the first update of the current optimizer.
   */
  update: TensorStats | null;
}

/**
 * One training batch run forward and backward at the current parameters, with no update
 * (Backend.inspectBatch): what diagnose.ts searches for the first NaN or Inf. Copies.
 */
export interface BatchTrace {
  /** One per layer, in order: [batch, ...outputShape] after the activation (logits for classify). */
  outputs: Float32Array[];
  /**
   * One per layer: d loss / d the layer's output (before its activation where the backward pass
   * folds that in); null for classify and where the backend computes none.
   */
  outputGradients: (Float32Array | null)[];
  /** [batch] cross-entropy of each example. */
  lossPerRow: Float32Array;
  /** Flat layout (layout.ts), as used by the pass. */
  parameters: Float32Array;
  /** d mean-loss / d parameters, flat layout. */
  parameterGradients: Float32Array;
}

/** Why a backend stopped working (GPUDeviceLostInfo's fields). */
export interface BackendLostInfo {
  reason: string;
  message: string;
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
   * `learningRates`, when given, holds one rate per step (length `count`, each finite and >= 0,
   * e.g. from a schedule: src/model/schedule.ts) and replaces settings.learningRate step by step;
   * the other settings hold for every step. Without it every step uses settings.learningRate.
   */
  train(first: number, count: number, settings: OptimizerSettings, learningRates?: Float32Array): void;
  /** Reads and resets the metrics accumulated by train() (the GPU reads back asynchronously). */
  takeMetrics(): Promise<StepMetrics>;
  /** Loss, accuracy and confusion matrix over the first `limit` examples (default all) of a split. */
  evaluate(split: SplitName, limit?: number): Promise<EvaluationResult>;
  /**
   * For the live views; none of these changes parameters, optimizer state, metrics or the next
   * training steps, and the GPU queues them after the training already submitted (so they see
   * its result) and reads back without stalling it.
   *
   * Forward pass of `count` (1..PROBE_MAX) images, [count, C, H, W] scaled like training inputs
   * (bytes x PIXEL_SCALE), at the current parameters: every layer's output and the softmax.
   */
  probe(images: Float32Array, count: number): Promise<ProbeResult>;
  /** `length` floats of the flat parameters from `offset` (e.g. one layer's weights, layout.ts). */
  readParameters(offset: number, length: number): Promise<Float32Array>;
  /**
   * Statistics of every weight and bias tensor (layout order): values, last gradients, last
   * update. `adam` gives Adam's beta1, beta2 and epsilon for the update's direction.
   */
  parameterStats(
    adam: Pick<OptimizerSettings, 'beta1' | 'beta2' | 'epsilon'>,
  ): Promise<ParameterTensorStats[]>;
  /**
   * Debug path (diagnose.ts), not for the training loop: runs training batch `index` of the
   * current order forward and backward at the current parameters without updating them, and
   * reads every layer back. Overwrites only the gradients and activations the next step rewrites.
   */
  inspectBatch(index: number): Promise<BatchTrace>;
  /** Resolves when the backend can no longer be used (its GPU device was lost); never on the CPU. */
  readonly lost: Promise<BackendLostInfo>;
  /** Frees everything the backend created. */
  destroy(): void;
}
