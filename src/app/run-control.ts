// The run below the session: the loaded datasets, the Trainer and its loop (train-loop.ts), the
// curves' history, the periodic test evaluation, and the lock that orders steps, builds, restores
// and the start of every read. Train / Pause / Step, hyper-parameters live (batch size between
// chunks), building a run, swapping a new one in, and putting a run back at a RestorePoint with its
// curves. A non-finite loss stops the loop and is handed to the session (onNonFinite). Session
// (session.ts) adds start-up, saves, files and a lost device on top. No DOM.

import type { Dataset, DatasetName } from '../data/dataset.ts';
import type { EvaluationResult, OptimizerSettings, StepMetrics } from '../model/backend.ts';
import { Trainer, type BackendFactory, type TrainerSnapshot } from '../model/trainer.ts';
import { DatasetCache } from './dataset-cache.ts';
import { RunHistory } from './run-history.ts';
import {
  initialMetrics,
  initialProgress,
  metricsOf,
  progressOf,
  SessionPublisher,
  withLastPoint,
  type EvaluationEvent,
  type SessionOptions,
} from './session-state.ts';
import { TestEvaluator } from './test-evaluator.ts';
import { TrainLoop, type ChunkReport } from './train-loop.ts';
import type { RunConfig } from './url-state.ts';

export const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export abstract class RunControl extends SessionPublisher {
  protected trainerNow: Trainer | null = null;
  protected loop: TrainLoop | null = null;
  private lock: Promise<unknown> = Promise.resolve();
  /** Bumped whenever the run is replaced or put back: what belongs to the old one is dropped. */
  protected generation = 0;
  protected readonly evaluator: TestEvaluator;
  protected readonly now: () => number;
  private readonly datasets: DatasetCache;
  /** The first non-finite report since training started: the steps before it were finite. */
  private bad: { lastFinite: number; loss: number } | null = null;
  history = new RunHistory({ trainCount: 1 });

  constructor(
    config: RunConfig,
    protected readonly options: SessionOptions = {},
  ) {
    super(config, options.notices ?? []);
    this.now = options.now ?? (() => performance.now());
    this.datasets = new DatasetCache(options.loadDataset);
    this.evaluator = new TestEvaluator(
      {
        run: () => ({ trainer: this.trainerNow, dataset: this.dataset, generation: this.generation }),
        now: this.now,
        exclusive: (work) => this.exclusive(work),
        report: (result, step, full) => this.reportEvaluation(result, step, full),
        fail: (text) => this.evaluationFailed(text),
      },
      options.evalSchedule,
    );
  }

  get trainer(): Trainer | null {
    return this.trainerNow;
  }
  get dataset(): Dataset | null {
    return this.datasets.get(this.current.config.dataset);
  }

  /** How backends of `config` are made (GPU on the page's current device, or the CPU worker). */
  protected abstract backends(config: RunConfig): BackendFactory;
  /** A non-finite report stopped training; every submitted step is reported (phase 'stopping'). */
  protected abstract onNonFinite(lastFinite: number, loss: number): Promise<void>;
  /** Hooks for the snapshots and saves (run-recovery.ts). */
  protected abstract onTrainingStarted(): void;
  protected abstract onRecorded(): void;
  protected abstract onSettled(): void;
  protected abstract onSettingsChanged(trainer: Trainer, snapshot: Promise<TrainerSnapshot>): void;
  protected abstract onRunBuilt(trainer: Trainer): Promise<void>;
  protected evaluationFailed(text: string): void {
    this.notice(text, { tone: 'error' });
  }

  train(): void {
    const trainer = this.trainerNow;
    if (!trainer || this.current.phase !== 'ready') return;
    const generation = this.generation;
    const runner = {
      step: (n: number) => this.exclusive(() => void (generation === this.generation && trainer.step(n))),
      takeMetrics: () => trainer.takeMetrics(),
    };
    this.loop = new TrainLoop(
      runner,
      (report) => generation === this.generation && this.onChunk(report),
      (error) => generation === this.generation && void this.onLoopError(error),
      this.options.loop,
    );
    this.history.resetRate();
    this.bad = null;
    this.set({ phase: 'training' });
    this.onTrainingStarted();
    this.loop.start();
  }

  async pause(): Promise<void> {
    if (this.current.phase !== 'training') return;
    this.set({ phase: 'stopping' });
    await this.stopLoop();
    this.afterStop(true);
  }

  /** Trains one batch (when not training) and reports it. */
  async stepOnce(): Promise<void> {
    const trainer = this.trainerNow;
    if (!trainer || this.current.phase !== 'ready') return;
    await this.exclusive(() => trainer.step(1));
    const metrics = await trainer.takeMetrics();
    if (trainer !== this.trainerNow) return;
    const before = this.history.totalSteps;
    this.record(metrics, 1);
    this.bad = Number.isFinite(metrics.lossSum) ? null : { lastFinite: before, loss: metrics.lossSum };
    this.afterStop(false);
  }

  /** Optimizer changes apply from the next step, while training too. Returns the error, if any. */
  setOptimizer(changes: Partial<OptimizerSettings>): string | null {
    const next = { ...this.current.config.optimizer, ...changes };
    const trainer = this.trainerNow;
    try {
      trainer?.setOptimizer(next);
    } catch (error) {
      return message(error);
    }
    this.updateConfig({ optimizer: next });
    if (trainer) this.markReplayPoint(trainer);
    return null;
  }

  /** Changes the batch between chunks, carrying parameters and optimizer state over. */
  async setBatch(batch: number): Promise<string | null> {
    const trainer = this.trainerNow;
    if (!trainer) return (this.updateConfig({ batch }), null);
    try {
      // The old backend must not be destroyed under an evaluation. Waited for outside the lock: an
      // evaluation started meanwhile queues its start behind this change (and runs on the new one).
      await this.evaluator.inFlight;
      await this.exclusive(() => trainer.setBatchSize(batch));
    } catch (error) {
      return message(error);
    }
    this.updateConfig({ batch });
    this.markReplayPoint(trainer);
    this.dispatchEvent(new CustomEvent('trainer', { detail: trainer }));
    return null;
  }

  /**
   * A NaN diagnosis replays from the trainer's latest snapshot only if it has the settings in use
   * (model/diagnose.ts): take one as they change, at once (no step has trained with them yet; it
   * reads back while training goes on). The session keeps it as a point to go back to.
   */
  private markReplayPoint(trainer: Trainer): void {
    const taking = trainer.snapshot();
    taking.catch(() => undefined); // during a batch change: the next change takes one
    this.onSettingsChanged(trainer, taking);
  }

  /** Evaluates the whole test set (slow on a software GPU); the result also goes out as an 'evaluation'. */
  async evaluateFullTest(): Promise<void> {
    if (this.evaluator.fullRunning) return;
    const generation = this.generation;
    this.setMetrics({ fullTestRunning: true });
    await this.evaluator.evaluateFull(this.history.totalSteps);
    if (generation === this.generation) this.setMetrics({ fullTestRunning: false });
  }

  /** A fresh run of the current configuration; null (the error shown) when it could not be built. */
  protected async rebuild(): Promise<Trainer | null> {
    const generation = ++this.generation;
    await this.stopLoop();
    await this.evaluator.inFlight;
    this.trainerNow?.destroy();
    this.trainerNow = null;
    this.dispatchEvent(new CustomEvent('trainer', { detail: null }));
    this.dropNotices(['resume', 'nan']); // about the run that is gone
    const config = this.current.config;
    this.evaluator.reset();
    this.set({ phase: 'building', error: null, restored: null, progress: initialProgress() });
    this.set({ metrics: initialMetrics() });
    try {
      const dataset = await this.loadDataset(config.dataset);
      if (generation !== this.generation) return null;
      this.history = new RunHistory({ trainCount: dataset.train.count });
      this.set({ phase: 'building', historyRevision: this.current.historyRevision + 1 });
      const trainer = await this.makeTrainer(config, dataset);
      if (generation !== this.generation) return (trainer.destroy(), null);
      this.trainerNow = trainer;
      await this.onRunBuilt(trainer);
      this.publishRun(trainer);
      return trainer;
    } catch (error) {
      if (generation === this.generation) this.set({ phase: 'error', loading: null, error: message(error) });
      return null;
    }
  }

  /** A trainer for `config` on `dataset`; the current run is not touched. */
  protected makeTrainer(config: RunConfig, dataset: Dataset): Promise<Trainer> {
    const createBackend = this.backends(config);
    const { spec, seed, batch, optimizer } = config;
    return this.exclusive(() => Trainer.create({ spec, dataset, createBackend, seed, batch, optimizer }));
  }

  /** Shows `trainer`'s run as it is now (progress, the curves' last values) and tells the views. */
  protected publishRun(trainer: Trainer): void {
    const metrics = metricsOf(this.history);
    const progress = progressOf(trainer, this.history, this.now(), 0);
    const historyRevision = this.current.historyRevision + 1;
    this.set({ phase: 'ready', error: null, progress, metrics, historyRevision });
    this.dispatchEvent(new CustomEvent('trainer', { detail: trainer }));
  }

  private async loadDataset(name: DatasetName): Promise<Dataset> {
    if (!this.datasets.get(name)) {
      this.set({ phase: 'loading', loading: { dataset: name, loadedBytes: 0, totalBytes: null } });
    }
    const dataset = await this.datasets.ensure(name, (p) => this.set({ loading: { ...p } }));
    this.set({ loading: null });
    return dataset;
  }

  private onChunk(report: ChunkReport): void {
    if (!this.trainerNow) return;
    const before = this.history.totalSteps;
    this.record(report.metrics, report.chunkSize);
    if (!Number.isFinite(report.metrics.lossSum)) {
      this.bad ??= { lastFinite: before, loss: report.metrics.lossSum };
      void this.pause();
      return;
    }
    this.evaluator.maybeEvaluate(this.history.totalSteps);
  }

  /** Every submitted step is reported: a last curve point, then the NaN diagnosis or a test evaluation. */
  private afterStop(evaluate: boolean): void {
    this.history.flush();
    const bad = this.bad;
    this.bad = null;
    this.set({
      phase: bad ? 'stopping' : 'ready',
      historyRevision: this.current.historyRevision + 1,
      metrics: withLastPoint(this.current.metrics, this.history),
    });
    if (bad) return void this.onNonFinite(bad.lastFinite, bad.loss);
    if (evaluate) this.evaluator.maybeEvaluate(this.history.totalSteps, true);
    this.onSettled();
  }

  private record(metrics: StepMetrics, chunkSize: number): void {
    const trainer = this.trainerNow as Trainer;
    const newPoint = this.history.addTraining(metrics, this.now());
    this.set({
      progress: progressOf(trainer, this.history, this.now(), chunkSize),
      metrics: withLastPoint(this.current.metrics, this.history),
      historyRevision: this.current.historyRevision + (newPoint ? 1 : 0),
    });
    this.dispatchEvent(new CustomEvent('chunk', { detail: { totalSteps: this.history.totalSteps } }));
    this.onRecorded();
  }

  private reportEvaluation(result: EvaluationResult, step: number, full: boolean): void {
    const { examples, lossSum, correct } = result;
    if (full) {
      this.setMetrics({
        fullTest: { step, examples, loss: lossSum / examples, accuracy: correct / examples },
      });
    } else {
      const point = this.history.addTest(examples, lossSum, correct);
      this.setMetrics({ testLoss: point.loss, testAccuracy: point.accuracy, testExamples: examples });
      this.set({ historyRevision: this.current.historyRevision + 1 });
    }
    this.dispatchEvent(new CustomEvent<EvaluationEvent>('evaluation', { detail: { result, step, full } }));
  }

  /** The loop failed (not a NaN): a lost device is the session's to handle; anything else pauses. */
  protected async onLoopError(error: unknown): Promise<void> {
    this.loop = null;
    this.set({ phase: 'ready' });
    this.notice(`Training stopped: ${message(error)}`, { tone: 'error' });
    this.onSettled();
  }

  /** Stops the loop; resolves once every submitted chunk is reported. Leaves the phase to the caller. */
  protected async stopLoop(): Promise<void> {
    const loop = this.loop;
    this.loop = null;
    if (loop) await loop.stop();
  }

  /** Runs `work` after every earlier exclusive operation (steps, batch changes, builds) has finished. */
  protected exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    const result = this.lock.then(work);
    this.lock = result.catch(() => undefined);
    return result;
  }
}
