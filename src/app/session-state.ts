// The state the session publishes to the UI (what the page shows about WebGPU, loading, the run's
// progress and last metrics, notices and errors), its event types, and SessionPublisher: the
// base of Session that holds the state and announces each change. Elements only read the state.
// Notices may carry actions (buttons: "Start fresh", "Restore step N"); the session acts on them.

import type { DatasetName } from '../data/dataset.ts';
import type { EvaluationResult } from '../model/backend.ts';
import type { Trainer } from '../model/trainer.ts';
import type { Gpu } from '../runtime/gpu.ts';
import type { backendFactory } from './backends.ts';
import type { DatasetLoader } from './dataset-cache.ts';
import type { SaveSchedulerOptions } from './autosave-policy.ts';
import type { EvalScheduleOptions } from './eval-schedule.ts';
import type { KeyValueStore } from './idb-store.ts';
import type { RunHistory } from './run-history.ts';
import type { LoopOptions } from './train-loop.ts';
import type { RunConfig } from './url-state.ts';

export type GpuStatus =
  | { state: 'checking' }
  | { state: 'ready'; adapter: string; software: boolean }
  | { state: 'unavailable'; message: string }
  | { state: 'lost'; message: string };

/** starting: finding WebGPU; loading: fetching a dataset; building: making the trainer. */
export type Phase = 'starting' | 'loading' | 'building' | 'ready' | 'training' | 'stopping' | 'error';

export interface LoadingState {
  dataset: DatasetName;
  loadedBytes: number;
  totalBytes: number | null;
}

export interface ProgressState {
  epoch: number;
  stepInEpoch: number;
  stepsPerEpoch: number;
  totalSteps: number;
  /** Epochs of training so far, fractional. */
  epochs: number;
  imagesPerSecond: number;
  chunkSize: number;
}

export interface MetricsState {
  trainLoss: number | null;
  trainAccuracy: number | null;
  testLoss: number | null;
  testAccuracy: number | null;
  /** Examples in the last test evaluation (a subset, or the whole test set). */
  testExamples: number;
  /** The whole test set, evaluated on demand. */
  fullTest: { step: number; accuracy: number; loss: number; examples: number } | null;
  fullTestRunning: boolean;
}

/** What a notice's button asks the session to do. */
export type NoticeAction = 'start-fresh' | 'restore-autosave' | 'restore-snapshot';

export interface Notice {
  text: string;
  /** 'error': something failed (a file that could not be opened, a NaN loss); 'info' otherwise. */
  tone: 'info' | 'error';
  actions: { action: NoticeAction; label: string }[];
  /** A later notice with the same key replaces this one; null: never replaced. */
  key: string | null;
}

/** The autosave as the page shows it. */
export interface SaveStatus {
  /** False where there is no storage to save into (the run still keeps snapshots in memory). */
  enabled: boolean;
  /** Step and time (Date.now()) of the last save that was written, or null. */
  savedStep: number | null;
  savedAt: number | null;
  /** The last failed save's message; null after a success. */
  error: string | null;
}

/** Where the current run came from, when it was not built fresh here. */
export interface RestoredFrom {
  from: 'autosave' | 'upload';
  step: number;
  savedAt: number | null;
  fileName: string | null;
}

export interface SessionState {
  phase: Phase;
  config: RunConfig;
  gpu: GpuStatus;
  loading: LoadingState | null;
  /** Why the run cannot go on (a dataset that failed to load, a lost device); null when fine. */
  error: string | null;
  /** Things the person should know that do not stop the run (ignored URL parameters, NaN loss, ...). */
  notices: Notice[];
  progress: ProgressState;
  metrics: MetricsState;
  /** Bumped whenever the curves gain a point. */
  historyRevision: number;
  restored: RestoredFrom | null;
  saves: SaveStatus;
}

export function initialProgress(): ProgressState {
  return {
    epoch: 0,
    stepInEpoch: 0,
    stepsPerEpoch: 0,
    totalSteps: 0,
    epochs: 0,
    imagesPerSecond: 0,
    chunkSize: 0,
  };
}

export function initialMetrics(): MetricsState {
  return {
    trainLoss: null,
    trainAccuracy: null,
    testLoss: null,
    testAccuracy: null,
    testExamples: 0,
    fullTest: null,
    fullTestRunning: false,
  };
}

/** Progress after the steps `history` has seen; epoch and step counters are the trainer's (submitted). */
export function progressOf(
  trainer: Pick<Trainer, 'epoch' | 'stepInEpoch' | 'stepsPerEpoch'>,
  history: RunHistory,
  now: number,
  chunkSize: number,
): ProgressState {
  const { epoch, stepInEpoch, stepsPerEpoch } = trainer;
  const imagesPerSecond = history.imagesPerSecond(now);
  const { totalSteps, epochs } = history;
  return { epoch, stepInEpoch, stepsPerEpoch, totalSteps, epochs, imagesPerSecond, chunkSize };
}

/** `metrics` with the training loss and accuracy of the curve's last point. */
export function withLastPoint(metrics: MetricsState, history: RunHistory): MetricsState {
  const last = history.train.at(-1);
  return { ...metrics, trainLoss: last?.loss ?? null, trainAccuracy: last?.accuracy ?? null };
}

/** The metrics the curves of `history` end with (a run restored with its curves). */
export function metricsOf(history: RunHistory): MetricsState {
  const test = history.test.at(-1);
  return {
    ...withLastPoint(initialMetrics(), history),
    testLoss: test?.loss ?? null,
    testAccuracy: test?.accuracy ?? null,
    testExamples: test?.examples ?? 0,
  };
}

export interface SessionOptions {
  /** Default: fetch from the app's server (browser-loader.ts). */
  loadDataset?: DatasetLoader;
  /** Default: createGpu() on navigator.gpu; rejects where there is no WebGPU. */
  createGpu?: () => Promise<Gpu>;
  makeBackends?: typeof backendFactory;
  now?: () => number;
  evalSchedule?: EvalScheduleOptions;
  loop?: LoopOptions;
  /** Shown at start, e.g. the URL parameters that were ignored. */
  notices?: string[];
  /**
   * The backend was chosen by a person (a link with backend=...), not by default: keep it even on a
   * software GPU. Otherwise a software adapter (SwiftShader, ~100x slower than the CPU worker) makes
   * the run start on the CPU, with a notice saying so.
   */
  backendChosen?: boolean;
  /**
   * Where autosaves go; default IndexedDB where the page has it, null: no autosave (snapshots in
   * memory still let a lost device or a NaN go back).
   */
  autosaveStore?: KeyValueStore | null;
  /**
   * The URL set the run's configuration (a reload or a link): only an autosave of that run is
   * resumed (default). False (a bare address): the latest autosave is resumed, whatever its run.
   */
  urlNamesRun?: boolean;
  saveSchedule?: SaveSchedulerOptions;
  /** Wall clock for "saved HH:MM:SS" (default Date.now). */
  wallClock?: () => number;
}

export interface NoticeOptions {
  tone?: Notice['tone'];
  actions?: Notice['actions'];
  key?: string;
}

/** Detail of the 'evaluation' event. */
export interface EvaluationEvent {
  result: EvaluationResult;
  step: number;
  /** The whole test set (on demand), not the periodic subset. */
  full: boolean;
}

/** Holds the state; every change replaces the object (so elements can compare) and fires 'state'. */
export class SessionPublisher extends EventTarget {
  protected current: SessionState;

  constructor(config: RunConfig, notices: string[]) {
    super();
    this.current = {
      phase: 'starting',
      config: structuredClone(config),
      gpu: { state: 'checking' },
      loading: null,
      error: null,
      notices: notices.map((text) => ({ text, tone: 'info', actions: [], key: null })),
      progress: initialProgress(),
      metrics: initialMetrics(),
      historyRevision: 0,
      restored: null,
      saves: { enabled: false, savedStep: null, savedAt: null, error: null },
    };
  }

  get state(): SessionState {
    return this.current;
  }

  dismissNotice(index: number): void {
    this.set({ notices: this.current.notices.filter((_, i) => i !== index) });
  }

  protected set(changes: Partial<SessionState>): void {
    this.current = { ...this.current, ...changes };
    this.dispatchEvent(new CustomEvent('state', { detail: this.current }));
  }

  protected setMetrics(changes: Partial<MetricsState>): void {
    this.set({ metrics: { ...this.current.metrics, ...changes } });
  }

  /** Shows `text`; a notice with the same key is replaced in place. */
  protected notice(text: string, options: NoticeOptions = {}): void {
    const notice: Notice = {
      text,
      tone: options.tone ?? 'info',
      actions: options.actions ?? [],
      key: options.key ?? null,
    };
    const notices = [...this.current.notices];
    const at = notice.key === null ? -1 : notices.findIndex((n) => n.key === notice.key);
    if (at >= 0) notices[at] = notice;
    else notices.push(notice);
    this.set({ notices });
  }

  protected dropNotices(keys: string[]): void {
    const keep = this.current.notices.filter((n) => n.key === null || !keys.includes(n.key));
    if (keep.length < this.current.notices.length) this.set({ notices: keep });
  }

  /** Changes the configuration and fires 'config' (the page writes it into the URL). */
  protected updateConfig(changes: Partial<RunConfig>): void {
    this.set({ config: { ...this.current.config, ...changes } });
    this.dispatchEvent(new CustomEvent('config', { detail: this.current.config }));
  }
}
