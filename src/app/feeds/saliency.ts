// The saliency feed: for one image (the digit on the drawing pad, or a test image), the predicted
// class and three maps of which pixels drove it (saliency.ts): gradient x input, SmoothGrad (its
// noisy copies as one batch) and an occlusion sweep (patches as batches of PROBE_MAX), on the run's
// backend (insight-engines.ts: GPU plans on the live parameters, or the CPU engines in a worker).
// Asked when the image changes and, while training, after chunks: no sooner than SALIENCY_INTERVAL_MS
// after the last one ended nor than `restFactor` times its duration (in the app the views' shared
// budget, budget.ts; alone TRAINING_REST_FACTOR, a tenth of the device or of a CPU core). A panel
// shown again recomputes only once that rest is over, if its maps are of the same image. One
// computation in flight (Feed), the latest image wins.

import { PIXEL_SCALE } from '../../data/batching.ts';
import type { Dataset } from '../../data/dataset.ts';
import * as S from '../../model/saliency.ts';
import { shapeElements } from '../../model/shapes.ts';
import type { SaliencyView } from '../dream-view-types.ts';
import type { InsightSource } from '../insight-engines.ts';
import { ReadCost, restFactorNow, type RestFactor } from './budget.ts';
import { Feed, type FeedOptions } from './feed.ts';

export const SALIENCY_INTERVAL_MS = 2000;
/** While training and without a budget, the rest after a computation in multiples of its duration. */
export const TRAINING_REST_FACTOR = 9;

export interface SaliencyFeedOptions extends Partial<Omit<FeedOptions, 'restFactor'>> {
  /** Rest after a computation while training, asked each time (default TRAINING_REST_FACTOR). */
  restFactor?: RestFactor;
}

/** Occlusion in the app: 5x5 patches every 2 px (a quarter of the probes of stride 1). */
export const APP_OCCLUSION: S.OcclusionOptions = { ...S.DEFAULT_OCCLUSION, stride: 2 };

/** What to explain: the drawn digit ([C, H, W] scaled like training inputs) or a test image. */
export type SaliencySubject = { kind: 'drawn'; image: Float32Array } | { kind: 'test'; index: number };

/** The subject's pixels as the network sees them (null for a test index out of range). */
export function subjectImage(dataset: Dataset, subject: SaliencySubject): Float32Array | null {
  if (subject.kind === 'drawn') return subject.image;
  const pixels = dataset.channels * dataset.imageHeight * dataset.imageWidth;
  const { index } = subject;
  if (!Number.isInteger(index) || index < 0 || index >= dataset.test.count) return null;
  return Float32Array.from(
    dataset.test.images.subarray(index * pixels, (index + 1) * pixels),
    (b) => b * PIXEL_SCALE,
  );
}

/** The three maps of `image` for the class the network predicts for it. */
export async function computeSaliency(
  source: InsightSource,
  image: Float32Array,
): Promise<SaliencyView | null> {
  const engines = await source.engines();
  if (!engines) return null;
  await engines.refresh();
  const { classes, gradients, probe } = engines;
  const shape = engines.backend.description.input;
  if (image.length !== shapeElements(shape))
    throw new RangeError(
      `saliency: the image has ${image.length} values, the network takes ${shapeElements(shape)}`,
    );
  const base = await probe(image, 1);
  const target = S.argmax(base.outputs.at(-1)!.subarray(0, classes));
  const maps: SaliencyView['maps'] = [
    {
      method: 'gradient x input',
      values: (await S.gradientTimesInput(gradients, image, target, classes)).values,
    },
    { method: 'SmoothGrad', values: (await S.smoothGrad(gradients, image, target, classes)).values },
    { method: 'occlusion', values: (await S.occlusion(probe, image, shape, target, APP_OCCLUSION)).values },
  ];
  return { inputShape: shape, image, target, probability: base.probabilities[target], maps };
}

export class SaliencyFeed {
  private subject: SaliencySubject | null = null;
  private readonly feed: Feed<SaliencySubject, SaliencyView>;
  /** When the last computation ended and the duration its rest is of (performance.now() ms). */
  private lastEnd = -Infinity;
  private lastDuration = 0;
  private readonly cost = new ReadCost();
  /** The subject of the maps delivered last. */
  private shownSubject: SaliencySubject | null = null;

  constructor(
    private readonly source: InsightSource,
    private readonly dataset: () => Dataset | null,
    onView: (view: SaliencyView, subject: SaliencySubject) => void,
    private readonly options: SaliencyFeedOptions = {},
  ) {
    this.feed = new Feed<SaliencySubject, SaliencyView>(
      async (subject) => {
        const dataset = this.dataset();
        const image = dataset && subjectImage(dataset, subject);
        const start = performance.now();
        try {
          return image ? await computeSaliency(source, image) : null;
        } finally {
          this.lastEnd = performance.now();
          this.lastDuration = this.cost.add(this.lastEnd - start);
        }
      },
      (view, subject) => {
        this.shownSubject = subject;
        onView(view, subject);
      },
      // The rest applies to refreshes while training (afterChunk, show), never to a new image.
      { minIntervalMs: 0, ...options, restFactor: 0 },
    );
  }

  get current(): SaliencySubject | null {
    return this.subject;
  }

  /** Explain `subject` now (when shown). */
  setSubject(subject: SaliencySubject | null, shown: boolean): void {
    this.subject = subject;
    if (subject && shown) this.feed.request(subject);
  }

  /** The current subject again (a new run: its maps are of another network). */
  refresh(): void {
    if (this.subject) this.feed.request(this.subject);
  }

  /**
   * The panel showed again: the maps it still shows are of the current subject, so they are
   * recomputed only once the rest after the last computation is over (as afterChunk).
   */
  show(now = performance.now()): void {
    if (this.subject && this.subject === this.shownSubject && !this.restOver(now)) return;
    this.refresh();
  }

  /** After a chunk of training: again, once the rest after the last computation is over. */
  afterChunk(now = performance.now()): void {
    if (!this.subject || this.feed.busy || !this.restOver(now)) return;
    this.feed.request(this.subject);
  }

  private restOver(now: number): boolean {
    const factor = restFactorNow(this.options.restFactor ?? TRAINING_REST_FACTOR);
    return now - this.lastEnd >= Math.max(SALIENCY_INTERVAL_MS, factor * this.lastDuration);
  }

  /** The panel closed or scrolled away: a computation asked for and not started is dropped. */
  drop(): void {
    this.feed.drop();
  }

  stop(): void {
    this.feed.stop();
  }
}
