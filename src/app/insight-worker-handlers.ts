// What the insight worker (insight-worker.ts) runs for the CPU backend: the class-visualisation
// ascent (CpuAscent, one row per class) and the saliency engine (CpuInputGradients at a small
// batch: gradients, and the forward logits the occlusion sweep needs), on a copy of the training
// parameters the page posts. Handlers for serveRpc; separate from the entry so Node tests can call
// them. Heavy loops run here, never on the page (a lenet5 ascent step is ~50-150 ms of CPU).

import type { AscentSettings } from '../model/ascent-settings.ts';
import { CpuAscent } from '../model/cpu-ascent.ts';
import { CpuInputGradients } from '../model/cpu-input-grad.ts';
import type { Objective } from '../model/input-gradient.ts';
import type { NetworkDescription } from '../model/shapes.ts';

export interface InsightInit {
  description: NetworkDescription;
  /** Rows of the ascent (one per class). */
  ascentBatch: number;
  /** Images of one gradient or logits call (SmoothGrad's noisy copies, occlusion patches). */
  gradientBatch: number;
  seed: number;
}

export function insightHandlers() {
  let ascent: CpuAscent | null = null;
  let gradients: CpuInputGradients | null = null;
  const need = <T>(engine: T | null): T => {
    if (!engine) throw new Error('insight worker: call init first');
    return engine;
  };
  return {
    init(init: InsightInit) {
      ascent = new CpuAscent(init.description, init.ascentBatch, init.seed);
      gradients = new CpuInputGradients(init.description, init.gradientBatch);
    },
    setParameters(flat: Float32Array) {
      need(ascent).setParameters(flat);
      need(gradients).setParameters(flat);
    },
    setObjective: (objective: Objective) => need(ascent).setObjective(objective),
    setImages: (images: Float32Array) => need(ascent).setImages(images),
    step: (settings: AscentSettings, count: number) => need(ascent).step(settings, count),
    read: () => need(ascent).read(),
    gradient: (images: Float32Array, count: number, objective: Objective) =>
      need(gradients).gradient(images, count, objective),
    /** [count, classes] logits of `count` images. */
    logits(images: Float32Array, count: number) {
      const engine = need(gradients);
      engine.images.fill(0);
      engine.images.set(images.subarray(0, engine.images.length));
      engine.forward();
      return engine.logits.slice(0, count * engine.classes);
    },
  };
}
