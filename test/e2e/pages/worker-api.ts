// The contract between the worker test page (worker-page.ts) and worker-backend.e2e.test.ts:
// what `window.convscopeWorkerTests` offers. Types only, so both sides can import it.

import type { SaveOutcome } from '../../../src/app/autosave.ts';
import type { StepMetrics } from '../../../src/model/backend.ts';

export interface LongTaskEntry {
  start: number;
  duration: number;
}

export interface Comparison {
  /** Metrics of each step (3 SGD, 3 Adam with per-step rates) from the worker and from the page. */
  worker: StepMetrics[];
  page: StepMetrics[];
  parametersEqual: boolean;
  optimizerStateEqual: boolean;
  evaluationEqual: boolean;
  probeEqual: boolean;
  parameterCount: number;
}

export interface TrainingRun {
  /** ms until setData's first await (its synchronous part on the main thread). */
  setDataMs: number;
  /** Long tasks on the page while setData sent the dataset. */
  setDataLongTasks: LongTaskEntry[];
  /** ms from the first train() to its metrics. */
  trainMs: number;
  metrics: StepMetrics;
  /** Long tasks on the page while it trained. */
  longTasks: LongTaskEntry[];
}

/** What a load or an upload gave, in JSON (typed arrays do not cross page.evaluate). */
export interface LoadSummary {
  status: string;
  message: string | null;
  /** The checkpoint's step, when one was read. */
  step: number | null;
  config: unknown;
  history: unknown;
  /** Size of the stored checkpoint bytes. */
  bytes: number | null;
}

export interface WorkerTestApi {
  compare(): Promise<Comparison>;
  /** The message the next awaited call rejects with after a bad epoch order reached the worker. */
  deferredError(): Promise<string>;
  /** lenet5 at batch 64 on `examples` synthetic 28x28 images, `steps` steps, in the worker or the page. */
  trainLenet(where: 'worker' | 'page', examples: number, steps: number): Promise<TrainingRun>;
  /** Autosaver over the real IndexedDB store (database 'convscope-e2e'): saves the tiny checkpoint at `step`. */
  autosave(step: number): Promise<SaveOutcome>;
  autoload(): Promise<LoadSummary>;
  autoclear(): Promise<SaveOutcome>;
  /** Starts a download of a checkpoint of the tiny network at `step`; returns its file name and size. */
  download(step: number): { fileName: string; bytes: number };
  /** Result of opening the file last chosen in <input id="upload">, once it is read. */
  uploadResult(): Promise<LoadSummary & { applied: number }>;
}

declare global {
  interface Window {
    convscopeWorkerTests?: WorkerTestApi;
  }
}
