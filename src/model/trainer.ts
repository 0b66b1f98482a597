// The training loop over any Backend (GPU or CPU): seeded initialisation and per-epoch shuffling,
// epoch and step counters, optimizer settings that may change between steps, batch-size changes
// (a fresh backend from the factory, parameters and optimizer state carried over), metrics and
// evaluation. Owns no GPU objects and no DOM; the app and the CLI drive it.

import { epochPermutation } from '../data/batching.ts';
import type { Dataset, SplitName } from '../data/dataset.ts';
import { validateAdam } from '../ops/adam.ts';
import { validateSgd } from '../ops/sgd.ts';
import {
  DEFAULT_OPTIMIZER,
  type Backend,
  type EvaluationResult,
  type OptimizerSettings,
  type StepMetrics,
} from './backend.ts';
import { assertDatasetFits } from './data-fit.ts';
import { initialParameters } from './layout.ts';
import type { NetworkDescription } from './shapes.ts';
import type { NetworkSpec } from './spec.ts';
import { assertValidNetwork, assertValidTraining, describeNetwork } from './validate.ts';

/** Makes a backend for a network described at the training batch size (GPU or CPU). */
export type BackendFactory = (description: NetworkDescription) => Backend | Promise<Backend>;

export interface TrainerOptions {
  spec: NetworkSpec;
  dataset: Dataset;
  createBackend: BackendFactory;
  /** Seeds the initial parameters and every epoch's shuffle. */
  seed: number;
  batch: number;
  optimizer?: Partial<OptimizerSettings>;
  /** Start from these parameters (flat layout) instead of initialParameters(seed). */
  parameters?: Float32Array;
}

export interface TrainerProgress {
  /** 0-based epoch the last step belonged to. */
  epoch: number;
  /** Steps done in that epoch. */
  stepInEpoch: number;
  stepsPerEpoch: number;
  totalSteps: number;
  /** Metrics of the steps since the previous report. */
  metrics: StepMetrics;
}

/** The loss became NaN or infinite: training stops so the run can be inspected or restored. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
}

function addMetrics(total: StepMetrics, more: StepMetrics): void {
  total.steps += more.steps;
  total.examples += more.examples;
  total.lossSum += more.lossSum;
  total.correct += more.correct;
}

function checkOptimizer(settings: OptimizerSettings): void {
  if (settings.kind === 'sgd') validateSgd(settings);
  else if (settings.kind === 'adam') validateAdam({ ...settings, step: 1 });
  else throw new Error(`optimizer: kind must be 'sgd' or 'adam', got ${JSON.stringify(settings.kind)}`);
}

export class Trainer {
  private optimizerSettings: OptimizerSettings;
  private order: Uint32Array;
  private currentEpoch = 0;
  private stepsDone = 0;
  private stepsTotal = 0;
  /** Metrics taken from a backend replaced by setBatchSize, handed out by the next takeMetrics(). */
  private carried: StepMetrics = { steps: 0, examples: 0, lossSum: 0, correct: 0 };
  private replacing = false;

  private constructor(
    readonly spec: NetworkSpec,
    readonly dataset: Dataset,
    readonly seed: number,
    private readonly createBackend: BackendFactory,
    private currentBackend: Backend,
    optimizer: OptimizerSettings,
  ) {
    this.optimizerSettings = optimizer;
    this.order = epochPermutation(dataset.train.count, seed, 0);
    currentBackend.setEpochOrder(this.order);
  }

  /** Validates everything (SpecError / Error naming the fix) before making the backend. */
  static async create(options: TrainerOptions): Promise<Trainer> {
    const { dataset, batch, seed } = options;
    const spec = structuredClone(options.spec); // the caller (an editor) may go on changing its copy
    assertValidNetwork(spec);
    assertValidTraining({ batch, trainCount: dataset.train.count });
    if (!Number.isInteger(seed)) throw new Error(`Trainer: seed must be a whole number, got ${seed}`);
    const description = describeNetwork(spec, batch);
    assertDatasetFits(description, dataset);
    const optimizer = { ...DEFAULT_OPTIMIZER, ...options.optimizer };
    checkOptimizer(optimizer);
    const backend = await options.createBackend(description);
    try {
      await backend.setData(dataset);
      backend.setParameters(options.parameters ?? initialParameters(description, seed));
      return new Trainer(spec, dataset, seed, options.createBackend, backend, optimizer);
    } catch (error) {
      backend.destroy();
      throw error;
    }
  }

  get backend(): Backend {
    return this.currentBackend;
  }
  get batch(): number {
    return this.currentBackend.description.batch;
  }
  /** 0-based index of the epoch whose order is set (the one the last step belonged to). */
  get epoch(): number {
    return this.currentEpoch;
  }
  /** Steps done in the current epoch; equal to stepsPerEpoch once it is complete. */
  get stepInEpoch(): number {
    return this.stepsDone;
  }
  /** Full batches per epoch: the last partial batch is dropped. */
  get stepsPerEpoch(): number {
    return Math.floor(this.dataset.train.count / this.batch);
  }
  get totalSteps(): number {
    return this.stepsTotal;
  }
  get completedEpochs(): number {
    return this.currentEpoch + (this.stepsDone === this.stepsPerEpoch ? 1 : 0);
  }
  get optimizer(): OptimizerSettings {
    return { ...this.optimizerSettings };
  }

  /** Changes optimizer settings from the next step on; switching kind starts the new optimizer fresh. */
  setOptimizer(changes: Partial<OptimizerSettings>): void {
    const next = { ...this.optimizerSettings, ...changes };
    checkOptimizer(next);
    this.optimizerSettings = next;
  }

  /**
   * Continues with batches of `batch` on a new backend from the factory, carrying parameters,
   * optimizer state and metrics over. The current epoch keeps its order and resumes after the
   * examples already used (rounded up to a whole new batch, so none is seen twice in the epoch).
   */
  async setBatchSize(batch: number): Promise<void> {
    if (batch === this.batch) return;
    assertValidTraining({ batch, trainCount: this.dataset.train.count });
    this.replacing = true;
    try {
      const old = this.currentBackend;
      const description = describeNetwork(this.spec, batch);
      const [parameters, state, metrics] = await Promise.all([
        old.getParameters(),
        old.getOptimizerState(),
        old.takeMetrics(),
      ]);
      addMetrics(this.carried, metrics);
      const next = await this.createBackend(description);
      try {
        await next.setData(this.dataset);
        next.setParameters(parameters);
        next.setOptimizerState(state);
        next.setEpochOrder(this.order);
      } catch (error) {
        next.destroy(); // the old backend stays in use
        throw error;
      }
      const used = this.stepsDone * this.batch;
      this.currentBackend = next;
      this.stepsDone = Math.min(Math.ceil(used / batch), this.stepsPerEpoch);
      old.destroy();
    } finally {
      this.replacing = false;
    }
  }

  /** Runs `count` steps, moving to the next epoch (and its shuffle) whenever one is complete. */
  step(count = 1): void {
    if (this.replacing) throw new Error('step: wait for setBatchSize to finish');
    if (!Number.isInteger(count) || count < 0)
      throw new Error(`step: count must be a whole number, got ${count}`);
    let left = count;
    while (left > 0) {
      if (this.stepsDone === this.stepsPerEpoch) this.startEpoch(this.currentEpoch + 1);
      const n = Math.min(left, this.stepsPerEpoch - this.stepsDone);
      this.currentBackend.train(this.stepsDone, n, this.optimizerSettings);
      this.stepsDone += n;
      this.stepsTotal += n;
      left -= n;
    }
  }

  private startEpoch(epoch: number): void {
    this.currentEpoch = epoch;
    this.stepsDone = 0;
    this.order = epochPermutation(this.dataset.train.count, this.seed, epoch);
    this.currentBackend.setEpochOrder(this.order);
  }

  /** Metrics of the steps since the last call. */
  async takeMetrics(): Promise<StepMetrics> {
    const metrics = await this.currentBackend.takeMetrics();
    addMetrics(metrics, this.carried);
    this.carried = { steps: 0, examples: 0, lossSum: 0, correct: 0 };
    return metrics;
  }

  evaluate(split: SplitName = 'test', limit?: number): Promise<EvaluationResult> {
    return this.currentBackend.evaluate(split, limit);
  }

  getParameters(): Promise<Float32Array> {
    return this.currentBackend.getParameters();
  }

  /**
   * Trains until `epochs` more epochs are complete (a partly done epoch counts as the first),
   * reporting every `reportEvery` steps and at each epoch's end. Reports take the backend's
   * metrics, so the first also counts earlier steps not yet taken; the return value sums them all.
   * Throws NonFiniteLossError, after reporting, when a report's loss is NaN or infinite.
   */
  async trainEpochs(
    epochs: number,
    onProgress?: (progress: TrainerProgress) => void,
    reportEvery = 50,
  ): Promise<StepMetrics> {
    const total: StepMetrics = { steps: 0, examples: 0, lossSum: 0, correct: 0 };
    const target = this.completedEpochs + epochs;
    while (this.completedEpochs < target) {
      const inEpoch = this.stepsDone === this.stepsPerEpoch ? 0 : this.stepsDone;
      this.step(Math.min(reportEvery, this.stepsPerEpoch - inEpoch));
      const metrics = await this.takeMetrics();
      addMetrics(total, metrics);
      const { epoch, stepsPerEpoch, totalSteps } = this;
      onProgress?.({ epoch, stepInEpoch: this.stepsDone, stepsPerEpoch, totalSteps, metrics });
      if (!Number.isFinite(metrics.lossSum)) {
        throw new NonFiniteLossError(
          `The loss became ${metrics.lossSum} by step ${totalSteps} (epoch ${epoch + 1}); ` +
            'lower the learning rate or restore the last checkpoint',
        );
      }
    }
    return total;
  }

  destroy(): void {
    this.currentBackend.destroy();
  }
}
