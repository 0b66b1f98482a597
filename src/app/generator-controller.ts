// Trains the conditional generator (src/generator/, a GeneratorModel) in the page while its panel
// is open and Train is on, and publishes GeneratorView: losses after each call of train(), and the
// sample grid plus the latent walk at most every GRID_INTERVAL_MS (one sample() call for both).
// One call to the model is in flight at a time; each train() call is sized to ~TARGET_CALL_MS of
// work, and the loop yields to the page between calls. The model comes from a factory
// (generator-backends.ts: the GPU model, or the CPU model in a worker), so the page never runs
// the model's loops itself. No DOM.

import type { Dataset } from '../data/dataset.ts';
import type { GeneratorModel } from '../generator/types.ts';
import { Random } from '../util/random.ts';
import {
  WALK_RANGE,
  type GeneratorLossPoint,
  type GeneratorView,
  type LatentWalk,
} from './generator-view-types.ts';

export const GRID_COLUMNS = 8;
export const GRID_INTERVAL_MS = 1000;
export const TARGET_CALL_MS = 120;
const MAX_STEPS_PER_CALL = 50;
const CLASSES = 10;
const PIXELS = 28 * 28;
/** Seeds the grid's latent points and the walk's two end points (fixed, so they evolve in place). */
const LATENT_SEED = 1234;

export interface GeneratorFactory {
  /** How the model is made for `dataset`, and what the panel calls it ("GPU", "CPU (worker)"). */
  create(dataset: Dataset): Promise<GeneratorModel>;
  readonly device: string;
}

/** The latent points of the grid's columns (shared by all rows) and of the walk's ends A and B. */
export function latentPoints(latent: number, columns: number) {
  const random = new Random(LATENT_SEED);
  const draw = (n: number) => Float32Array.from({ length: n * latent }, () => random.normal());
  return { columns: draw(columns), a: draw(1), b: draw(1) };
}

/** The walk's latent point. */
export function walkPoint(walk: LatentWalk, a: Float32Array, b: Float32Array): Float32Array {
  if (walk.mode === 'points') return a.map((v, i) => (1 - walk.t) * v + walk.t * b[i]);
  const z = new Float32Array(a.length);
  z[Math.min(a.length - 1, Math.max(0, walk.dimension))] = (2 * walk.t - 1) * WALK_RANGE;
  return z;
}

export class GeneratorController {
  private model: GeneratorModel | null = null;
  private building: Promise<GeneratorModel> | null = null;
  private dataset: Dataset | null = null;
  private wanted = false;
  private shown = false;
  private running = false;
  private msPerStep: number | null = null;
  private lastGrid = -Infinity;
  private walkChanged = false;
  private walk: LatentWalk = { mode: 'points', dimension: 0, t: 0 };
  private history: GeneratorLossPoint[] = [];
  private view: GeneratorView;
  private generation = 0;

  constructor(
    private readonly factory: () => GeneratorFactory,
    private readonly publish: (view: GeneratorView) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.view = this.freshView(8);
  }

  /** The dataset changed (or first arrived): a new model, from step 0. */
  setDataset(dataset: Dataset | null): void {
    if (dataset === this.dataset) return;
    this.dataset = dataset;
    this.generation++;
    this.model?.destroy();
    this.model = null;
    this.building = null;
    this.history = [];
    this.view = this.freshView(this.view.latent);
    this.publish(this.view);
    this.pump();
  }

  /** Train pressed (true) or Pause (false). */
  setTraining(train: boolean): void {
    this.wanted = train;
    this.update({ status: train && this.dataset ? 'starting' : 'idle' });
    this.pump();
  }

  /** The panel is open: training runs only then. */
  setShown(shown: boolean): void {
    this.shown = shown;
    this.pump();
  }

  setWalk(walk: LatentWalk): void {
    this.walk = walk;
    this.walkChanged = true;
    this.pump();
  }

  destroy(): void {
    this.generation++;
    this.wanted = false;
    this.model?.destroy();
    this.model = null;
  }

  private freshView(latent: number): GeneratorView {
    const device = this.factory().device;
    return {
      ...{ status: 'idle', device, step: 0, latent, classes: CLASSES, columns: GRID_COLUMNS },
      ...{ grid: null, walkImages: null, history: [], error: null },
    } as GeneratorView;
  }

  private update(changes: Partial<GeneratorView>): void {
    this.view = { ...this.view, ...changes };
    this.publish(this.view);
  }

  /** Starts the loop if there is something to do and it is not running. */
  private pump(): void {
    if (this.running || !this.dataset || !this.shown) return;
    if (!this.wanted && !(this.walkChanged && this.model)) return;
    this.running = true;
    const generation = this.generation;
    void this.loop(generation)
      .catch((error: unknown) => {
        if (generation !== this.generation) return;
        this.wanted = false;
        this.update({ status: 'idle', error: error instanceof Error ? error.message : String(error) });
      })
      .finally(() => {
        this.running = false;
        if (generation !== this.generation) this.pump();
      });
  }

  /** The model of this generation (null when the dataset changed while it was being made). */
  private async ensureModel(dataset: Dataset, generation: number): Promise<GeneratorModel | null> {
    if (this.model) return this.model;
    this.building ??= this.factory().create(dataset);
    let model: GeneratorModel;
    try {
      model = await this.building;
    } catch (error) {
      if (generation === this.generation) this.building = null; // the next Train tries again
      throw error;
    }
    if (generation !== this.generation) {
      model.destroy(); // made for the previous dataset
      return null;
    }
    this.building = null;
    this.model = model;
    this.update({ latent: model.config.latent, device: this.factory().device, error: null });
    return model;
  }

  private async loop(generation: number): Promise<void> {
    const alive = () => generation === this.generation && this.shown;
    const dataset = this.dataset!;
    while (alive() && (this.wanted || this.walkChanged)) {
      const model = await this.ensureModel(dataset, generation);
      if (!model || !alive()) return;
      if (this.wanted) await this.trainOnce(model, generation);
      if (generation !== this.generation) return;
      if (this.now() - this.lastGrid >= GRID_INTERVAL_MS || this.walkChanged)
        await this.sample(model, generation);
      // Yield to the page between calls (input, painting, the classifier's own loop).
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    if (generation === this.generation && this.view.status !== 'idle') this.update({ status: 'idle' });
  }

  private async trainOnce(model: GeneratorModel, generation: number): Promise<void> {
    const steps = this.msPerStep
      ? Math.max(1, Math.min(MAX_STEPS_PER_CALL, Math.round(TARGET_CALL_MS / this.msPerStep)))
      : 2;
    const started = this.now();
    const result = await model.train(steps);
    const perStep = (this.now() - started) / steps;
    this.msPerStep = this.msPerStep === null ? perStep : 0.7 * this.msPerStep + 0.3 * perStep;
    if (generation !== this.generation) return;
    this.history.push({ ...result });
    const status = this.wanted ? 'training' : 'idle';
    this.update({ status, step: result.step, history: this.history.slice() });
  }

  /** The grid and the walk in one sample() call. */
  private async sample(model: GeneratorModel, generation: number): Promise<void> {
    this.lastGrid = this.now();
    this.walkChanged = false;
    const latent = model.config.latent;
    const points = latentPoints(latent, GRID_COLUMNS);
    const rows = CLASSES * GRID_COLUMNS + CLASSES;
    const labels = new Int32Array(rows);
    const z = new Float32Array(rows * latent);
    for (let c = 0; c < CLASSES; c++)
      for (let j = 0; j < GRID_COLUMNS; j++) {
        labels[c * GRID_COLUMNS + j] = c;
        z.set(points.columns.subarray(j * latent, (j + 1) * latent), (c * GRID_COLUMNS + j) * latent);
      }
    const walk = walkPoint(this.walk, points.a, points.b);
    for (let c = 0; c < CLASSES; c++) {
      labels[CLASSES * GRID_COLUMNS + c] = c;
      z.set(walk, (CLASSES * GRID_COLUMNS + c) * latent);
    }
    const images = await model.sample(labels, z);
    if (generation !== this.generation) return;
    const split = CLASSES * GRID_COLUMNS * PIXELS;
    this.update({ grid: images.slice(0, split), walkImages: images.slice(split) });
  }
}
