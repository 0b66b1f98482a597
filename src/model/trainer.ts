// The training loop over any Backend (GPU or CPU): seeded initialisation and per-epoch shuffling,
// epoch and step counters, optimizer settings that may change between steps, batch-size changes
// (a fresh backend from the factory, parameters and optimizer state carried over), metrics and
// evaluation; snapshots and an exact restore of the run's position (trainer-state.ts), noticing a
// lost backend, and naming the layer when the loss stops being finite (diagnose.ts).
// Owns no GPU objects and no DOM; the app and the CLI drive it (resilient-trainer.ts adds
// periodic snapshots and recovery from a lost GPU device).

import { epochPermutation } from '../data/batching.ts';
import type { Dataset, SplitName } from '../data/dataset.ts';
import {
  DEFAULT_OPTIMIZER,
  type Backend,
  type EvaluationResult,
  type OptimizerSettings,
  type StepMetrics,
} from './backend.ts';
import type { BackendLostInfo, BatchTrace } from './backend.ts'; // for snapshots and diagnosis
import { assertDatasetFits } from './data-fit.ts';
import { diagnoseNonFiniteLoss, NonFiniteLossError } from './diagnose.ts';
import { trainInReports, untilEpochs, type TrainerProgress } from './trainer-loop.ts';
import { initialParameters } from './layout.ts';
import {
  CONSTANT_SCHEDULE,
  fillLearningRates,
  isConstantSchedule,
  validateSchedule,
  type LearningRateSchedule,
} from './schedule.ts';
import type { NetworkSpec } from './spec.ts';
import {
  addMetrics,
  checkOptimizer,
  checkSnapshot,
  emptyMetrics,
  loadBackend,
  makeLoadedBackend,
  type BackendFactory,
  type TrainerSnapshot,
} from './trainer-state.ts';
import { assertValidNetwork, assertValidTraining, describeNetwork } from './validate.ts';

export { NonFiniteLossError } from './diagnose.ts';
export type { BackendFactory, TrainerSnapshot } from './trainer-state.ts';
export type { TrainerProgress } from './trainer-loop.ts';

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

export class Trainer {
  private optimizerSettings: OptimizerSettings;
  private order: Uint32Array;
  private currentEpoch = 0;
  private stepsDone = 0;
  private stepsTotal = 0;
  /** Metrics taken from a backend replaced by setBatchSize, handed out by the next takeMetrics(). */
  private carried: StepMetrics = emptyMetrics();
  private replacing = false;
  /** Where a NaN diagnosis replays from: the latest snapshot taken or restored (or the start). */
  private replayPoint: TrainerSnapshot | null = null;
  /**
   * The newest replay point a finite report has vouched for (a loss was computed from its
   * parameters and was finite). A snapshot taken between the bad steps and the report that shows
   * them holds broken parameters; the diagnosis replays from this one instead.
   */
  private finitePoint: TrainerSnapshot | null = null;
  /** Bumped by restore(): a snapshot still reading back then belongs to the run before it. */
  private timeline = 0;
  private lostInfo: BackendLostInfo | null = null;

  private constructor(
    readonly spec: NetworkSpec,
    readonly dataset: Dataset,
    private currentSeed: number,
    private readonly createBackend: BackendFactory,
    private currentBackend: Backend,
    optimizer: OptimizerSettings,
  ) {
    this.optimizerSettings = optimizer;
    this.order = epochPermutation(dataset.train.count, currentSeed, 0);
    currentBackend.setEpochOrder(this.order);
    this.watchForLoss(currentBackend);
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
      const trainer = new Trainer(spec, dataset, seed, options.createBackend, backend, optimizer);
      await trainer.snapshot(); // the start, for a NaN diagnosis to replay from
      return trainer;
    } catch (error) {
      backend.destroy();
      throw error;
    }
  }

  get backend(): Backend {
    return this.currentBackend;
  }
  /** Seeds the initial parameters and every epoch's shuffle (restore() may change it). */
  get seed(): number {
    return this.currentSeed;
  }
  /** Set once the current backend's device is lost: restore() then moves to a new backend. */
  get backendLost(): BackendLostInfo | null {
    return this.lostInfo;
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
      const [parameters, optimizerState, metrics] = await Promise.all([
        old.getParameters(),
        old.getOptimizerState(),
        old.takeMetrics(),
      ]);
      addMetrics(this.carried, metrics);
      const state = { batch, parameters, optimizerState, order: this.order };
      // On failure the new backend is destroyed and the old one stays in use.
      const next = await makeLoadedBackend(this.createBackend, this.spec, this.dataset, state);
      const used = this.stepsDone * this.batch;
      this.adopt(next);
      this.stepsDone = Math.min(Math.ceil(used / batch), this.stepsPerEpoch);
      old.destroy();
    } finally {
      this.replacing = false;
    }
  }

  private learningRateSchedule: LearningRateSchedule = { ...CONSTANT_SCHEDULE };

  /** The learning-rate schedule step() applies to the optimizer's (base) learning rate. */
  get schedule(): LearningRateSchedule {
    return { ...this.learningRateSchedule };
  }

  /**
   * From the next step on, step t of the run (totalSteps: counted since this Trainer was made)
   * trains with learningRateAt(optimizer.learningRate, schedule, t) (schedule.ts); the base rate
   * may still change with setOptimizer. CONSTANT_SCHEDULE (the default) turns it off.
   */
  setSchedule(schedule: LearningRateSchedule): void {
    validateSchedule(schedule);
    this.learningRateSchedule = { ...schedule };
  }

  /** The learning rate the next step will train with. */
  get nextLearningRate(): number {
    return this.stepLearningRates(1)?.[0] ?? this.optimizerSettings.learningRate;
  }

  /** The scheduled rates of the next `count` steps, or undefined when every step uses the base rate. */
  private stepLearningRates(count: number): Float32Array | undefined {
    const schedule = this.learningRateSchedule;
    if (isConstantSchedule(schedule)) return undefined;
    const base = this.optimizerSettings.learningRate;
    return fillLearningRates(new Float32Array(count), base, schedule, this.stepsTotal);
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
      this.currentBackend.train(this.stepsDone, n, this.optimizerSettings, this.stepLearningRates(n));
      this.stepsDone += n;
      this.stepsTotal += n;
      left -= n;
    }
  }

  private startEpoch(epoch: number): void {
    this.currentEpoch = epoch;
    this.stepsDone = 0;
    this.order = epochPermutation(this.dataset.train.count, this.currentSeed, epoch);
    this.currentBackend.setEpochOrder(this.order);
  }

  /** Metrics of the steps since the last call. */
  async takeMetrics(): Promise<StepMetrics> {
    const { stepsTotal: covered, timeline } = this;
    const metrics = await this.currentBackend.takeMetrics();
    addMetrics(metrics, this.carried);
    this.carried = { steps: 0, examples: 0, lossSum: 0, correct: 0 };
    // Every step up to `covered` had a finite loss, so parameters from before it are sound.
    const point = this.replayPoint;
    if (Number.isFinite(metrics.lossSum) && timeline === this.timeline && point && point.step < covered) {
      this.finitePoint = point;
    }
    return metrics;
  }

  evaluate(split: SplitName = 'test', limit?: number): Promise<EvaluationResult> {
    return this.currentBackend.evaluate(split, limit);
  }

  getParameters(): Promise<Float32Array> {
    return this.currentBackend.getParameters();
  }

  /**
   * The run as it is now, for restore(): parameters, optimizer settings and state, schedule,
   * batch, seed and position. Taken at the call (the GPU queues its copies behind the steps
   * already submitted), so training may go on while it reads back.
   */
  async snapshot(): Promise<TrainerSnapshot> {
    if (this.replacing) throw new Error('snapshot: wait for setBatchSize or restore to finish');
    const { spec, seed, batch, epoch, stepInEpoch, totalSteps: step, optimizer, schedule, timeline } = this;
    const backend = this.currentBackend;
    const [parameters, optimizerState] = await Promise.all([
      backend.getParameters(),
      backend.getOptimizerState(),
    ]);
    const dataset = this.dataset.name;
    const position = { spec: structuredClone(spec), dataset, seed, batch, epoch, stepInEpoch, step };
    const snapshot = { ...position, optimizer, schedule, parameters, optimizerState };
    if (timeline === this.timeline && step >= (this.replayPoint?.step ?? 0)) this.replayPoint = snapshot;
    return snapshot;
  }

  /**
   * Puts the run back where `snapshot` (or a checkpoint) was taken: the next step trains the same
   * batch from the same parameters and optimizer state with the same settings. Metrics not yet
   * taken are dropped. A new backend comes from the factory when the batch differs or the device
   * was lost. Throws CheckpointError, changing nothing, when the snapshot does not fit.
   */
  async restore(snapshot: TrainerSnapshot): Promise<void> {
    if (this.replacing) throw new Error('restore: wait for setBatchSize or restore to finish');
    checkSnapshot(snapshot, this.spec, this.dataset);
    const order = epochPermutation(this.dataset.train.count, snapshot.seed, snapshot.epoch);
    const state = { ...snapshot, order };
    this.replacing = true;
    try {
      const old = this.currentBackend;
      if (this.lostInfo || snapshot.batch !== this.batch) {
        this.adopt(await makeLoadedBackend(this.createBackend, this.spec, this.dataset, state));
        old.destroy();
      } else {
        await old.takeMetrics(); // the steps they count are undone
        loadBackend(old, state);
      }
    } finally {
      this.replacing = false;
    }
    this.carried = emptyMetrics();
    this.currentSeed = snapshot.seed;
    this.currentEpoch = snapshot.epoch;
    this.stepsDone = snapshot.stepInEpoch;
    this.stepsTotal = snapshot.step;
    this.order = order;
    this.optimizerSettings = { ...snapshot.optimizer };
    if (snapshot.schedule) this.setSchedule(snapshot.schedule);
    this.timeline++;
    this.replayPoint = snapshot;
    this.finitePoint = null; // from the run before; the restored snapshot is the replay point now
  }

  /**
   * Debug path (diagnose.ts): runs the batch the next step would train ('next', which may start
   * the next epoch's order) or the last step trained ('last') forward and backward, no update.
   */
  inspectBatch(which: 'next' | 'last'): Promise<BatchTrace> {
    if (which === 'next' && this.stepsDone === this.stepsPerEpoch) this.startEpoch(this.currentEpoch + 1);
    const index = which === 'next' ? this.stepsDone : this.stepsDone - 1;
    if (index < 0) return Promise.reject(new Error('inspectBatch: no step was trained in this epoch yet'));
    return this.currentBackend.inspectBatch(index);
  }

  /**
   * The error to throw for a report (`metrics`: the latest steps) whose loss is not finite, with a
   * diagnosis naming the first layer that went bad (diagnose.ts). Leaves the run as it was.
   */
  async nonFiniteLossError(metrics: StepMetrics): Promise<NonFiniteLossError> {
    const { totalSteps, epoch, replayPoint, finitePoint } = this;
    const lastFinite = totalSteps - metrics.steps;
    const from = replayPoint && replayPoint.step <= lastFinite ? replayPoint : finitePoint;
    const diagnosis = await diagnoseNonFiniteLoss(this, from, lastFinite).finally(() => {
      // The diagnosis restores other snapshots on its way.
      this.replayPoint = replayPoint;
      this.finitePoint = finitePoint;
    });
    const loss = `The loss became ${metrics.lossSum} by step ${totalSteps} (epoch ${epoch + 1})`;
    return new NonFiniteLossError(`${loss}: ${diagnosis.message}`, diagnosis);
  }

  private adopt(backend: Backend): void {
    this.currentBackend = backend;
    this.lostInfo = null;
    this.watchForLoss(backend);
  }

  private watchForLoss(backend: Backend): void {
    void backend.lost.then((info) => {
      if (this.currentBackend === backend) this.lostInfo = info;
    });
  }

  /**
   * Trains until `epochs` more epochs are complete (a partly done epoch counts as the first),
   * reporting every `reportEvery` steps and at each epoch's end. Reports take the backend's
   * metrics, so the first also counts earlier steps not yet taken; the return value sums them all.
   * Throws NonFiniteLossError, after reporting, when a report's loss is NaN or infinite; its
   * diagnosis names the first layer that produced a NaN or Inf.
   */
  trainEpochs(
    epochs: number,
    onProgress?: (progress: TrainerProgress) => void,
    reportEvery = 50,
  ): Promise<StepMetrics> {
    return trainInReports(this, { stepsLeft: untilEpochs(this, epochs), onProgress, reportEvery });
  }

  destroy(): void {
    this.currentBackend.destroy();
  }
}
