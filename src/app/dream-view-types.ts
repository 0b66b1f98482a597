// What <cs-dreams-view> and <cs-saliency-view> display (the data contract between the controller
// that runs dreams / saliency on a backend and the elements): plain arrays, no GPU objects.
// Kept apart from view-types.ts so the two sides of issue 6 can change without touching it.

import type { DreamResult } from '../model/dream.ts';
import type { Shape3 } from '../model/shapes.ts';

/** Class visualisations: one image per class, and the probability each reaches for its class. */
export interface DreamsView {
  /** Ascent steps taken since the images started. */
  steps: number;
  /** The training step of the parameters they were taken at (null when not training). */
  trainingStep: number | null;
  classes: number;
  /** [C, H, W] of one image. */
  inputShape: Shape3;
  /** [classes, C, H, W], pixel values (0 background .. 1 ink). */
  images: Float32Array;
  /** [classes]: image c's probability of class c. */
  probabilities: Float32Array;
  /**
   * Set when the images maximise conv filters' mean activations instead of classes: the layer's
   * label, and `classes` counts its filters shown (image k: filter k); probabilities do not apply.
   */
  filters?: { layerLabel: string };
}

/** What the class visualisation climbs: the class scores, or the filters of one conv layer. */
export type DreamTarget = { kind: 'classes' } | { kind: 'filters'; layerIndex: number };

export type SaliencyMethod = 'gradient x input' | 'SmoothGrad' | 'occlusion';

/** Saliency maps of one image for one class. */
export interface SaliencyView {
  /** [C, H, W] of the image. */
  inputShape: Shape3;
  image: Float32Array;
  /** The class the maps explain, and its probability for this image. */
  target: number;
  probability: number;
  /** Each map has the image's shape; signed (positive: evidence for the target). */
  maps: { method: SaliencyMethod; values: Float32Array }[];
}

/** A DreamsView of the first `classes` rows of a dream run (rows beyond repeat classes). */
export function dreamsViewOf(
  result: DreamResult,
  inputShape: Shape3,
  classes: number,
  trainingStep: number | null = null,
): DreamsView {
  const pixels = inputShape[0] * inputShape[1] * inputShape[2];
  return {
    steps: result.steps,
    trainingStep,
    classes,
    inputShape,
    images: result.images.slice(0, classes * pixels),
    probabilities: Float32Array.from(result.classProbabilities.slice(0, classes)),
  };
}
