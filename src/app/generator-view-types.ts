// What <cs-generator-view> displays and emits (the contract between the generator's controller,
// generator-controller.ts, and the element): plain numbers and arrays, no GPU objects, no model.

/** How the latent slider walks: between two seeded latent points, or along one latent dimension. */
export type LatentWalkMode = 'points' | 'dimension';

export interface LatentWalk {
  mode: LatentWalkMode;
  /** The dimension walked in 'dimension' mode (the others stay 0). */
  dimension: number;
  /** Position on the walk, 0..1 ('dimension': z_d from -WALK_RANGE to +WALK_RANGE). */
  t: number;
}

/** 'dimension' mode walks z_d over [-WALK_RANGE, WALK_RANGE] (the prior's +-3 sigma). */
export const WALK_RANGE = 3;

export interface GeneratorLossPoint {
  step: number;
  loss: number;
  reconstruction: number;
  kl: number;
}

export interface GeneratorView {
  /** 'idle' (never trained or paused), 'training', 'starting' (the model is being built). */
  status: 'idle' | 'starting' | 'training';
  /** Where it trains, e.g. "GPU" or "CPU (worker)". */
  device: string;
  step: number;
  latent: number;
  classes: number;
  /** Samples per class in the grid. */
  columns: number;
  /** [classes * columns, 28 * 28] in [0, 1]: row c holds class c's samples, column j latent point j. */
  grid: Float32Array | null;
  /** [classes, 28 * 28]: each class at the walk's current latent point. */
  walkImages: Float32Array | null;
  /** Mean losses per report, oldest first. */
  history: readonly GeneratorLossPoint[];
  /** Why it stopped, if it failed. */
  error: string | null;
}
