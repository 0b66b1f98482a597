// The CPU backend in a Web Worker, behind the Backend interface: WorkerCpuBackend posts each call
// to a CpuBackend in the worker (cpu-worker.ts), so CPU training never blocks the page. Same
// semantics as CpuBackend: train() posts and returns; every promise (takeMetrics, evaluate,
// getParameters, ...) resolves after all calls made before it, in order. Argument errors CpuBackend
// throws at once are thrown here at once too; an error the worker finds in a call that returns
// nothing (train, setParameters, ...) rejects the next awaited call with its message.
// The dataset is posted once per backend. Not the backend itself (src/model/cpu-backend.ts).

import type { Dataset, SplitName } from '../data/dataset.ts';
import type {
  Backend,
  BackendLostInfo,
  BatchTrace,
  EvaluationResult,
  OptimizerSettings,
  OptimizerState,
  ParameterTensorStats,
  ProbeResult,
  StepMetrics,
} from '../model/backend.ts';
import type { CpuBackendOptions } from '../model/cpu-backend.ts';
import { assertDatasetFits } from '../model/data-fit.ts';
import { parameterLayout } from '../model/layout.ts';
import { checkStepLearningRates } from '../model/schedule.ts';
import type { NetworkDescription } from '../model/shapes.ts';
import {
  datasetChunks,
  outlineDataset,
  packArgs,
  type CpuWorkerRequest,
  type CpuWorkerResponse,
} from './cpu-worker-protocol.ts';

/** What WorkerCpuBackend needs of a Worker (a real one, or an in-process stand-in in tests). */
export interface WorkerPort {
  postMessage(message: CpuWorkerRequest, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<CpuWorkerResponse>) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: (event: Event) => void): void;
  terminate(): void;
}

export interface WorkerCpuBackendOptions extends CpuBackendOptions {
  /** The worker to use (default: a new module worker running cpu-worker.ts). */
  worker?: WorkerPort;
}

interface Pending {
  method: string;
  /** Absent for calls that return nothing: their errors wait for the next awaited call. */
  resolve?: (value: unknown) => void;
  reject?: (error: Error) => void;
}

function startCpuWorker(): WorkerPort {
  return new Worker(new URL('./cpu-worker.ts', import.meta.url), { type: 'module', name: 'convscope-cpu' });
}

function errorFrom(response: { name: string; message: string }): Error {
  const error = new Error(response.message);
  error.name = response.name;
  return error;
}

export class WorkerCpuBackend implements Backend {
  readonly kind = 'cpu' as const;
  private readonly parameterCount: number;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** The first error of a call that returns nothing, not yet handed to an awaited call. */
  private deferredError: Error | null = null;
  /** Set once the worker itself fails (script error, crash) or is destroyed. */
  private fatal: Error | null = null;
  private trainCount: number | null = null;
  private orderLength: number | null = null;
  private destroyed = false;
  private markLost!: (info: BackendLostInfo) => void;
  /** Resolves when the worker fails (crash, out of memory, script error); not on destroy(). */
  readonly lost = new Promise<BackendLostInfo>((resolve) => (this.markLost = resolve));

  private constructor(
    readonly description: NetworkDescription,
    private readonly worker: WorkerPort,
  ) {
    this.parameterCount = parameterLayout(description).length;
    worker.addEventListener('message', (event) => this.receive(event.data));
    worker.addEventListener('error', (event) => this.fail(workerErrorMessage(event)));
    worker.addEventListener('messageerror', () =>
      this.fail('a message from the CPU worker could not be read'),
    );
  }

  /** Starts the worker and its CpuBackend (seeded parameters, or `options.parameters`). */
  static async create(
    description: NetworkDescription,
    options: WorkerCpuBackendOptions = {},
  ): Promise<WorkerCpuBackend> {
    const { worker, ...backendOptions } = options;
    const backend = new WorkerCpuBackend(description, worker ?? startCpuWorker());
    try {
      await backend.call('init', [description, backendOptions]);
    } catch (error) {
      backend.destroy();
      throw error;
    }
    return backend;
  }

  /**
   * Sends the dataset in chunks of a few MB, each copied and transferred in its own task and
   * acknowledged before the next, so even MNIST's 47 MB never blocks the page for long.
   */
  async setData(dataset: Dataset): Promise<void> {
    this.check('setData');
    assertDatasetFits(this.description, dataset);
    this.trainCount = null;
    this.orderLength = null;
    await this.call('beginData', [outlineDataset(dataset)]);
    for (const chunk of datasetChunks(dataset)) {
      await this.call('dataChunk', [chunk], [chunk.bytes.buffer as ArrayBuffer]);
    }
    await this.call('endData', []);
    this.trainCount = dataset.train.count;
  }

  setParameters(flat: Float32Array): void {
    this.checkLength('setParameters', flat);
    this.post('setParameters', [flat]);
  }

  getParameters(): Promise<Float32Array> {
    return this.call('getParameters', []) as Promise<Float32Array>;
  }

  setOptimizerState(state: OptimizerState): void {
    state.slots.forEach((slot) => this.checkLength('setOptimizerState', slot));
    this.post('setOptimizerState', [state]);
  }

  getOptimizerState(): Promise<OptimizerState> {
    return this.call('getOptimizerState', []) as Promise<OptimizerState>;
  }

  setEpochOrder(order: Uint32Array): void {
    const count = this.requireData('setEpochOrder');
    if (order.length !== count) {
      throw new Error(`setEpochOrder: the order has ${order.length} entries, the train split ${count}`);
    }
    this.orderLength = order.length;
    this.post('setEpochOrder', [order]);
  }

  train(first: number, count: number, settings: OptimizerSettings, learningRates?: Float32Array): void {
    this.requireData('train');
    if (this.orderLength === null) throw new Error('train: call setEpochOrder before train');
    const batches = Math.floor(this.orderLength / this.description.batch);
    const whole = Number.isInteger(first) && Number.isInteger(count);
    if (!whole || first < 0 || count < 0 || first + count > batches) {
      throw new Error(
        `train: batches ${first}..${first + count - 1} are outside the epoch's ${batches} batches`,
      );
    }
    checkStepLearningRates(learningRates, count);
    this.post('train', learningRates ? [first, count, settings, learningRates] : [first, count, settings]);
  }

  takeMetrics(): Promise<StepMetrics> {
    return this.call('takeMetrics', []) as Promise<StepMetrics>;
  }

  evaluate(split: SplitName, limit?: number): Promise<EvaluationResult> {
    return this.call('evaluate', [split, limit]) as Promise<EvaluationResult>;
  }

  probe(images: Float32Array, count: number): Promise<ProbeResult> {
    return this.call('probe', [images, count]) as Promise<ProbeResult>;
  }

  readParameters(offset: number, length: number): Promise<Float32Array> {
    return this.call('readParameters', [offset, length]) as Promise<Float32Array>;
  }

  parameterStats(
    adam: Pick<OptimizerSettings, 'beta1' | 'beta2' | 'epsilon'>,
  ): Promise<ParameterTensorStats[]> {
    const { beta1, beta2, epsilon } = adam; // only these cross: the caller may pass whole settings
    return this.call('parameterStats', [{ beta1, beta2, epsilon }]) as Promise<ParameterTensorStats[]>;
  }

  inspectBatch(index: number): Promise<BatchTrace> {
    return this.call('inspectBatch', [index]) as Promise<BatchTrace>;
  }

  /** Ends the worker at once; calls still waiting reject, later calls throw. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.worker.terminate();
    this.fail('this CPU worker backend was destroyed', false);
  }

  /** Posts a call whose result is awaited; rejects with the worker's error or an earlier deferred one. */
  protected call(method: string, args: unknown[], transfer: Transferable[] = []): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.fatal) return reject(new Error(`${method}: ${this.fatal.message}`));
      const id = this.send(method, args, transfer);
      this.pending.set(id, { method, resolve, reject });
    });
  }

  /** Posts a call that returns nothing (its error, if any, goes to the next awaited call). */
  protected post(method: string, args: unknown[]): void {
    this.check(method);
    this.pending.set(this.send(method, args, []), { method });
  }

  private send(method: string, args: unknown[], transfer: Transferable[]): number {
    const id = this.nextId++;
    const packed = packArgs(args, transfer);
    this.worker.postMessage({ id, method, args: packed }, transfer);
    return id;
  }

  private receive(response: CpuWorkerResponse): void {
    const pending = this.pending.get(response.id);
    if (!pending) return; // answered after destroy() already rejected it
    this.pending.delete(response.id);
    if (!pending.resolve || !pending.reject) {
      if (!response.ok) this.deferredError ??= errorFrom(response);
      return;
    }
    if (this.deferredError) {
      pending.reject(this.deferredError);
      this.deferredError = null;
    } else if (response.ok) {
      pending.resolve(response.value);
    } else {
      pending.reject(errorFrom(response));
    }
  }

  private fail(message: string, lost = true): void {
    if (!this.fatal && lost) this.markLost({ reason: 'worker-failed', message });
    this.fatal ??= new Error(message);
    for (const [, pending] of this.pending) pending.reject?.(new Error(`${pending.method}: ${message}`));
    this.pending.clear();
  }

  private check(method: string): void {
    if (this.fatal) throw new Error(`${method}: ${this.fatal.message}`);
  }

  private requireData(method: string): number {
    this.check(method);
    if (this.trainCount === null) throw new Error(`${method}: call setData first`);
    return this.trainCount;
  }

  private checkLength(method: string, flat: Float32Array): void {
    this.check(method);
    if (flat.length !== this.parameterCount) {
      throw new Error(
        `${method}: expected ${this.parameterCount} floats in the flat parameter layout, got ${flat.length}`,
      );
    }
  }
}

function workerErrorMessage(event: Event): string {
  const detail = (event as ErrorEvent).message;
  return `the CPU worker failed${detail ? `: ${detail}` : ' to start (see the browser console)'}`;
}

/** A BackendFactory (trainer.ts) for the CPU backend in a worker. */
export function createWorkerCpuBackend(description: NetworkDescription): Promise<WorkerCpuBackend> {
  return WorkerCpuBackend.create(description);
}
