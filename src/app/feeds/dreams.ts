// The class-visualisation feed: gradient ascent on the input for every class at once (dream.ts) on
// the run's backend (insight-engines.ts), delivered as DreamsView slices of a few steps. Two
// modes: a run on demand (restart() from grey or noise, DREAM_STEPS steps, a slice after another
// while the panel is open) and "follow training" (a slice after each finished chunk, so the dreams
// keep climbing at the newest parameters and evolve with the network). Rate limited by Feed: at
// most one slice in flight, slices sized to ~SLICE_MS of work, and after each slice a rest of
// `restFactor` times its duration: in the app the views' shared budget (budget.ts: all views
// together at most a twentieth of the device, or of a CPU core, while training; no rest when not
// training), alone REST_FACTOR (a tenth), so the training keeps the rest even where one step
// takes seconds (SwiftShader). Not the ascent itself.

import { DEFAULT_ASCENT, type AscentSettings } from '../../model/ascent-settings.ts';
import { dreamObjective, ownClassProbabilities, startImages, type DreamStart } from '../../model/dream.ts';
import type { Objective } from '../../model/input-gradient.ts';
import type { NetworkDescription } from '../../model/shapes.ts';
import { dreamsViewOf, type DreamTarget, type DreamsView } from '../dream-view-types.ts';
import type { InsightSource, InsightEngines } from '../insight-engines.ts';
import { ReadCost, restFactorNow, type RestFactor } from './budget.ts';
import { Feed, type FeedOptions } from './feed.ts';

/** Steps of a run on demand (restart). */
export const DREAM_STEPS = 200;
/** Work one slice aims at, ms; the first slice takes FIRST_SLICE_STEPS. */
export const SLICE_MS = 150;
const FIRST_SLICE_STEPS = 4;
const MAX_SLICE_STEPS = 40;
export const DREAMS_INTERVAL_MS = 300;
/** Rest after a slice, in multiples of the slice's duration, without a budget: a tenth. */
export const REST_FACTOR = 9;

export interface DreamsFeedOptions extends Partial<Omit<FeedOptions, 'restFactor'>> {
  settings?: AscentSettings;
  /** Seeds the noise start. */
  seed?: number;
  /** Rest after a slice in multiples of its duration, asked after each (default REST_FACTOR). */
  restFactor?: RestFactor;
  now?: () => number;
}

/**
 * The objective of `target` for a runner of `batch` rows, the rows it shows, and the filter
 * layer's label; null when the network has no such conv layer (then the classes are dreamed).
 */
export function targetObjective(
  target: DreamTarget,
  description: NetworkDescription,
  batch: number,
  classes: number,
): { objective: Objective; rows: number; layerLabel: string | null } | null {
  if (target.kind === 'classes')
    return { objective: dreamObjective('logProbability', batch, classes), rows: classes, layerLabel: null };
  const layer = description.layers[target.layerIndex];
  if (!layer || layer.kind !== 'conv') return null;
  const rows = Math.min(batch, layer.outputShape[0]);
  const units = Array.from({ length: rows }, (_, k) => k);
  return { objective: { kind: 'unit', layerIndex: target.layerIndex, units }, rows, layerLabel: layer.label };
}

export class DreamsFeed {
  /** Keep dreaming after each finished chunk of training. */
  following = false;
  private target: DreamTarget = { kind: 'classes' };
  private restartFrom: DreamStart | null = 'grey';
  private stepsLeft = DREAM_STEPS;
  private engines: InsightEngines | null = null;
  private msPerStep: number | null = null;
  /** No slice starts before this time (the rest after the last one). */
  private notBefore = -Infinity;
  private resting: ReturnType<typeof setTimeout> | null = null;
  private readonly cost = new ReadCost();
  private readonly feed: Feed<null, DreamsView>;
  private readonly now: () => number;

  constructor(
    private readonly source: InsightSource,
    /** The training step the parameters are at now (shown with the dreams). */
    private readonly trainingStep: () => number | null,
    onView: (view: DreamsView) => void,
    /** Whether the panel is open and on screen: a run on demand goes on only then. */
    private readonly shown: () => boolean,
    private readonly options: DreamsFeedOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.feed = new Feed<null, DreamsView>(
      () => this.slice(),
      (view) => {
        onView(view);
        if (this.stepsLeft > 0) this.poke();
      },
      // The rest is the slice's own (notBefore, timing the ascent only), not the feed's.
      { minIntervalMs: DREAMS_INTERVAL_MS, ...options, restFactor: 0 },
    );
  }

  /** Starts a run on demand from `start` (grey or seeded noise). */
  restart(start: DreamStart): void {
    this.restartFrom = start;
    this.stepsLeft = DREAM_STEPS;
    this.poke();
  }

  /**
   * Dreams `target` from now on: a new run on demand, from grey for classes and from noise for
   * filters (a filter's mean response to flat grey gives a gradient with little to climb).
   */
  setTarget(target: DreamTarget): void {
    this.target = target;
    this.restart(target.kind === 'filters' ? 'noise' : 'grey');
  }

  /** After a finished chunk of training: one slice when following (and shown). */
  afterChunk(): void {
    if (this.following) this.poke(true);
  }

  /** The panel showed, or something changed: go on with a run on demand that has steps left. */
  poke(force = false): void {
    if (!this.shown() || (!force && this.stepsLeft <= 0) || this.resting !== null) return;
    const wait = this.notBefore - this.now();
    if (wait <= 0) return this.feed.request(null);
    this.resting = setTimeout(() => {
      this.resting = null;
      this.poke(force);
    }, wait);
  }

  get busy(): boolean {
    return this.feed.busy;
  }

  /** Whether it has slices to run: a run on demand with steps left, or following training. */
  get working(): boolean {
    return this.following || this.stepsLeft > 0;
  }

  stop(): void {
    this.feed.stop();
    if (this.resting !== null) clearTimeout(this.resting);
    this.resting = null;
  }

  private async slice(): Promise<DreamsView | null> {
    const engines = await this.source.engines();
    if (!engines) return null;
    if (engines !== this.engines) {
      // A new run or backend: its engines hold no images yet.
      this.engines = engines;
      this.restartFrom ??= 'grey';
      if (!this.following) this.stepsLeft = DREAM_STEPS;
    }
    const { ascent, classes, backend } = engines;
    const input = backend.description.input;
    let chosen = targetObjective(this.target, backend.description, ascent.batch, classes);
    if (!chosen) {
      // The network has no such layer any more (a new network): back to the classes.
      this.target = { kind: 'classes' };
      this.restartFrom ??= 'grey';
      chosen = targetObjective(this.target, backend.description, ascent.batch, classes)!;
    }
    if (this.restartFrom) {
      ascent.setObjective(chosen.objective);
      ascent.setImages(startImages(ascent.batch, input, this.restartFrom, this.options.seed ?? 0));
      this.restartFrom = null;
    }
    const step = this.trainingStep();
    await engines.refresh();
    const wanted = this.msPerStep ? Math.round(SLICE_MS / this.msPerStep) : FIRST_SLICE_STEPS;
    let count = Math.max(1, Math.min(MAX_SLICE_STEPS, wanted));
    if (!this.following) count = Math.min(count, Math.max(1, this.stepsLeft));
    const started = this.now();
    ascent.step(this.options.settings ?? DEFAULT_ASCENT, count);
    const reading = await ascent.read();
    const took = this.now() - started;
    this.notBefore = this.now() + restFactorNow(this.options.restFactor ?? REST_FACTOR) * this.cost.add(took);
    const perStep = took / count;
    this.msPerStep = this.msPerStep === null ? perStep : 0.5 * (this.msPerStep + perStep);
    this.stepsLeft = Math.max(0, this.stepsLeft - count);
    if (engines !== this.engines) return null; // replaced while it ran
    const classProbabilities = ownClassProbabilities(reading.probabilities, ascent.batch, classes);
    const view = dreamsViewOf({ ...reading, classProbabilities }, input, chosen.rows, step);
    return chosen.layerLabel === null ? view : { ...view, filters: { layerLabel: chosen.layerLabel } };
  }
}
