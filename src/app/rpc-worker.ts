// A small request/response channel to an object that lives in a Web Worker: the page side
// (RpcClient: call(method, args) returns a promise; calls run in order, one at a time) and the
// worker side (serveRpc: runs the named handler, answers with its value or its error, and
// transfers the buffers of fresh results instead of copying them). Used by the workers of the
// class visualisation / saliency engines (insight-worker.ts) and of the generator
// (generator-worker.ts). Not the training worker, which has its own protocol (cpu-worker-*.ts).

import { buffersOf, packArgs } from './cpu-worker-protocol.ts';

export interface RpcRequest {
  id: number;
  method: string;
  args: unknown[];
}

export type RpcResponse =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; name: string; message: string };

/** What RpcClient needs of a Worker. */
export interface RpcPort {
  postMessage(message: RpcRequest, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<RpcResponse>) => void): void;
  addEventListener(type: 'error', listener: (event: Event) => void): void;
  terminate(): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class RpcClient {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;

  constructor(
    private readonly port: RpcPort,
    private readonly name: string,
  ) {
    port.addEventListener('message', (event) => this.receive(event.data));
    port.addEventListener('error', (event) => {
      const text = (event as ErrorEvent).message || 'the worker failed to start or crashed';
      this.fail(new Error(`${name}: ${text}`));
    });
  }

  /** Calls `method` in the worker; typed arrays in `args` are copied, or transferred when partial. */
  call<T>(method: string, args: unknown[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const transfer: Transferable[] = [];
    const packed = packArgs(args, transfer);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.port.postMessage({ id, method, args: packed }, transfer);
    });
  }

  /** Stops the worker; calls still waiting reject. */
  destroy(): void {
    this.fail(Object.assign(new Error(`${this.name} was destroyed`), { name: 'AbortError' }));
    this.port.terminate();
  }

  private receive(response: RpcResponse): void {
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    if (response.ok) pending.resolve(response.value);
    else pending.reject(Object.assign(new Error(response.message), { name: response.name }));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/** The worker scope as serveRpc uses it (typed loosely: the project compiles with the DOM lib). */
export interface RpcScope {
  postMessage(message: RpcResponse, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<RpcRequest>) => void): void;
}

export type RpcHandlers = Record<string, (...args: never[]) => unknown>;

/**
 * Serves `handlers` on `scope`, one request at a time in arrival order (a handler may be async).
 * Results are fresh values made for the answer, so their buffers are transferred.
 */
export function serveRpc(scope: RpcScope, handlers: RpcHandlers): void {
  let queue: Promise<void> = Promise.resolve();
  const handle = async ({ id, method, args }: RpcRequest) => {
    let response: RpcResponse;
    let transfer: Transferable[] = [];
    try {
      const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
      if (!handler) throw new Error(`${method}: the worker has no such method`);
      const value = await (handler as (...a: unknown[]) => unknown)(...args);
      response = { id, ok: true, value };
      transfer = buffersOf(value);
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      response = { id, ok: false, name, message };
    }
    scope.postMessage(response, transfer);
  };
  scope.addEventListener('message', (event) => {
    queue = queue.then(() => handle(event.data));
  });
}
