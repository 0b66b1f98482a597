// What runs inside the CPU worker: one CpuBackend, driven by CpuWorkerRequests in arrival order,
// answering each with one CpuWorkerResponse (its value, or the error's name and message).
// Separate from the worker entry (cpu-worker.ts) so it can be tested in Node without a Worker.
// Not the main-thread side (worker-backend.ts).

import { CpuBackend, type CpuBackendOptions } from '../model/cpu-backend.ts';
import type { NetworkDescription } from '../model/shapes.ts';
import type { Dataset } from '../data/dataset.ts';
import {
  addChunk,
  allocateDataset,
  buffersOf,
  FRESH_RESULT_METHODS,
  type CpuWorkerRequest,
  type CpuWorkerResponse,
  type DatasetChunk,
  type DatasetOutline,
} from './cpu-worker-protocol.ts';

export type PostResponse = (response: CpuWorkerResponse, transfer: Transferable[]) => void;

/** Methods the main thread may not call on the backend by name (setData goes through endData). */
const NOT_CALLABLE = new Set(['constructor', 'setData']);

export class CpuWorkerHost {
  private backend: CpuBackend | null = null;
  /** The dataset being received chunk by chunk, until endData. */
  private incoming: Dataset | null = null;
  /** Requests run one after another even if a method awaits, so responses keep their order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly post: PostResponse) {}

  receive(request: CpuWorkerRequest): Promise<void> {
    this.queue = this.queue.then(() => this.handle(request));
    return this.queue;
  }

  private async handle({ id, method, args }: CpuWorkerRequest): Promise<void> {
    let response: CpuWorkerResponse;
    let transfer: Transferable[] = [];
    try {
      const value = await this.call(method, args);
      response = { id, ok: true, value };
      if (FRESH_RESULT_METHODS.has(method)) transfer = buffersOf(value);
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      response = { id, ok: false, name, message };
    }
    this.post(response, transfer);
  }

  private call(method: string, args: unknown[]): unknown {
    if (method === 'init') {
      this.backend?.destroy();
      const [description, options] = args as [NetworkDescription, CpuBackendOptions | undefined];
      this.backend = CpuBackend.create(description, options);
      return undefined;
    }
    if (method === 'beginData') {
      this.incoming = allocateDataset(args[0] as DatasetOutline);
      return undefined;
    }
    if (method === 'dataChunk') {
      if (!this.incoming) throw new Error('setData: a dataset chunk came before beginData');
      addChunk(this.incoming, args[0] as DatasetChunk);
      return undefined;
    }
    const backend = this.backend;
    if (!backend) throw new Error(`${method}: the CPU worker has no backend yet (send init first)`);
    if (method === 'endData') {
      const dataset = this.incoming;
      this.incoming = null;
      if (!dataset) throw new Error('setData: endData came before beginData');
      return backend.setData(dataset);
    }
    const target = (backend as unknown as Record<string, unknown>)[method];
    if (typeof target !== 'function' || NOT_CALLABLE.has(method) || method.startsWith('_')) {
      throw new Error(`${method}: the CPU backend has no such method`);
    }
    return (target as (...a: unknown[]) => unknown).apply(backend, args);
  }
}
