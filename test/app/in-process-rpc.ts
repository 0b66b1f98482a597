// Test helper: a stand-in for a Web Worker served by serveRpc (rpc-worker.ts) in the same Node
// process: messages go through structuredClone with their transfer lists, one macrotask later, as
// a real worker's would, so transferred (detached) buffers behave as in the browser.

import {
  serveRpc,
  type RpcHandlers,
  type RpcPort,
  type RpcRequest,
  type RpcResponse,
} from '../../src/app/rpc-worker.ts';

export class InProcessRpc implements RpcPort {
  terminated = false;
  readonly methods: string[] = [];
  private readonly listeners: ((event: MessageEvent<RpcResponse>) => void)[] = [];
  private readonly errorListeners: ((event: Event) => void)[] = [];
  private readonly workerListeners: ((event: MessageEvent<RpcRequest>) => void)[] = [];

  constructor(handlers: RpcHandlers) {
    serveRpc(
      {
        postMessage: (response, transfer) => {
          const data = structuredClone(response, { transfer: transfer as ArrayBuffer[] });
          setTimeout(() => {
            if (!this.terminated)
              for (const listener of this.listeners) listener({ data } as MessageEvent<RpcResponse>);
          });
        },
        addEventListener: (_type, listener) => this.workerListeners.push(listener),
      },
      handlers,
    );
  }

  postMessage(message: RpcRequest, transfer: Transferable[]): void {
    if (this.terminated) return;
    const data = structuredClone(message, { transfer: transfer as ArrayBuffer[] });
    this.methods.push(data.method);
    setTimeout(() => {
      if (!this.terminated)
        for (const listener of this.workerListeners) listener({ data } as MessageEvent<RpcRequest>);
    });
  }

  addEventListener(type: 'message' | 'error', listener: (event: never) => void): void {
    if (type === 'message') this.listeners.push(listener as (event: MessageEvent<RpcResponse>) => void);
    else this.errorListeners.push(listener as (event: Event) => void);
  }

  crash(message: string): void {
    const event = Object.assign(new Event('error'), { message });
    for (const listener of this.errorListeners) listener(event);
  }

  terminate(): void {
    this.terminated = true;
  }
}
