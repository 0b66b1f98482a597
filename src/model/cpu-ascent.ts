// Gradient ascent on the input on the CPU (class visualisation for the CPU backend and the
// reference for gpu-ascent.ts): the image state, one CpuInputGradients at the batch, and the
// image_ascent reference passes between them, on the same seeded schedule as the GPU.
// Parameters are a copy: call setParameters() again to follow a network that is still training.

import { imageAscentForward, imageAscentUpdate } from '../reference/image_ascent.ts';
import { AscentSchedule, type AscentSettings } from './ascent-settings.ts';
import { softmaxRows } from './backend-views.ts';
import { CpuInputGradients } from './cpu-input-grad.ts';
import type { Objective } from './input-gradient.ts';
import type { NetworkDescription } from './shapes.ts';
import { shapeElements } from './shapes.ts';

/** The image state and how the network sees it now. */
export interface AscentReading {
  /** Steps taken since setImages(). */
  steps: number;
  /** [batch, C, H, W]. */
  images: Float32Array;
  /** [batch, classes] softmax of the images as they are (no jitter, no blur). */
  probabilities: Float32Array;
}

export class CpuAscent {
  readonly engine: CpuInputGradients;
  private readonly image: Float32Array;
  private schedule: AscentSchedule;

  constructor(
    training: NetworkDescription,
    readonly batch: number,
    private readonly seed = 0,
  ) {
    this.engine = new CpuInputGradients(training, batch);
    this.image = new Float32Array(this.engine.images.length);
    this.schedule = new AscentSchedule(training.input, batch, seed);
  }

  setParameters(flat: Float32Array): void {
    this.engine.setParameters(flat);
  }

  setObjective(objective: Objective): void {
    this.engine.setObjective(objective);
  }

  /** Starts over from `images` ([batch, C, H, W]); the jitter schedule restarts from the seed. */
  setImages(images: Float32Array): void {
    if (images.length !== this.image.length)
      throw new RangeError(`ascent: images need ${this.image.length} floats, got ${images.length}`);
    this.image.set(images);
    this.schedule = new AscentSchedule(this.engine.description.input, this.batch, this.seed);
  }

  /** `count` ascent steps of the objective set last. */
  step(settings: AscentSettings, count = 1): void {
    for (let s = 0; s < count; s++) {
      const params = this.schedule.next(settings, 1);
      imageAscentForward(this.engine.images, this.image, params);
      this.engine.computeGradient();
      imageAscentUpdate(this.image, this.engine.images, this.engine.dImages, params);
    }
  }

  read(): AscentReading {
    const engine = this.engine;
    engine.images.set(this.image);
    engine.forward();
    const probabilities = softmaxRows(engine.logits, this.batch, engine.classes);
    return { steps: this.schedule.steps, images: this.image.slice(), probabilities };
  }

  /** Floats of one image. */
  get pixels(): number {
    return shapeElements(this.engine.description.input);
  }
}
