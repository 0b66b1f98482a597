// The data the live views of the trainer app are drawn from: what the feeds (src/app/feeds/) read
// from a running Trainer and hand to the view elements (src/ui/). Plain typed arrays and numbers,
// so an element can be tested with synthetic data. Types only: no loops, no GPU objects, no DOM.

/** One conv layer's filters as read from the flat parameters at some training step. */
export interface ConvFilters {
  /** Index into spec.layers. */
  layerIndex: number;
  /** Human label, e.g. "conv 5x5 x6". */
  label: string;
  outChannels: number;
  inChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  /** [outChannels, inChannels, kernelHeight, kernelWidth]. */
  weights: Float32Array;
  /** [outChannels]. */
  bias: Float32Array;
}

/** Every conv layer's filters after `step` training steps. */
export interface FilterSnapshot {
  step: number;
  epoch: number;
  layers: ConvFilters[];
}

/** The output of one conv or pooling layer for the probed images. */
export interface FeatureMaps {
  layerIndex: number;
  kind: 'conv' | 'pool';
  label: string;
  channels: number;
  height: number;
  width: number;
  /** [count, channels, height, width], after the activation for conv layers. */
  data: Float32Array;
}

/** A forward pass of a few chosen images at the current parameters. */
export interface ProbeView {
  step: number;
  count: number;
  /** [count, channels, height, width] as the network sees them (bytes x PIXEL_SCALE). */
  inputs: Float32Array;
  inputShape: readonly [number, number, number];
  /** True label per image, or null for a drawn image. */
  labels: (number | null)[];
  /** Test-set index per image, or null for a drawn image. */
  testIndices: (number | null)[];
  /** Conv and pooling layers only, in network order. */
  maps: FeatureMaps[];
  /** [count, classes] softmax probabilities. */
  probabilities: Float32Array;
  classes: number;
}

/** Min, max, mean and root-mean-square of a tensor. */
export interface Range {
  min: number;
  max: number;
  mean: number;
  rms: number;
}

/** Health of one layer with parameters (conv, fc, classify) or of its output. */
export interface LayerHealth {
  layerIndex: number;
  label: string;
  /** Output of the layer over the probe batch (after its activation). */
  activation: Range;
  /** Fraction of units (channels for conv, units for fc) whose output is zero for every probed image. */
  deadFraction: number;
  weight: Range | null;
  gradient: Range | null;
  /** ||w_after - w_before|| / ||w_before|| for one update, or null where unknown. */
  updateRatio: number | null;
}

export interface HealthView {
  step: number;
  layers: LayerHealth[];
}

/** Test-set evaluation with what each example was predicted as (for the confusion matrix). */
export interface EvaluationView {
  step: number;
  examples: number;
  loss: number;
  accuracy: number;
  classes: number;
  /** classes x classes counts, row = true label, column = predicted label. */
  confusion: Uint32Array;
  /** Predicted class of each evaluated test example, in test-set order. */
  predictions: Uint8Array;
}
