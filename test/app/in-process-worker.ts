// Test helper: a stand-in for the CPU Web Worker that runs CpuWorkerHost in the same Node process.
// Messages go through structuredClone with their transfer lists, one macrotask later, as a real
// worker's would, so detached buffers and copies behave as in the browser. Records what was posted.

import type { CpuWorkerRequest, CpuWorkerResponse } from '../../src/app/cpu-worker-protocol.ts';
import { CpuWorkerHost } from '../../src/app/cpu-worker-host.ts';
import type { WorkerPort } from '../../src/app/worker-backend.ts';

type Listener = (event: MessageEvent<CpuWorkerResponse>) => void;
type ErrorListener = (event: Event) => void;

export class InProcessWorker implements WorkerPort {
  readonly requests: CpuWorkerRequest[] = [];
  readonly responseTransfers: number[] = [];
  terminated = false;
  private readonly listeners: Listener[] = [];
  private readonly errorListeners: ErrorListener[] = [];
  private readonly host = new CpuWorkerHost((response, transfer) => {
    this.responseTransfers.push(transfer.length);
    const data = structuredClone(response, { transfer });
    setTimeout(() => {
      if (this.terminated) return;
      for (const listener of this.listeners) listener({ data } as MessageEvent<CpuWorkerResponse>);
    });
  });

  postMessage(message: CpuWorkerRequest, transfer: Transferable[]): void {
    if (this.terminated) return;
    const copy = structuredClone(message, { transfer: transfer as Transferable[] & ArrayBuffer[] });
    this.requests.push(copy);
    setTimeout(() => {
      if (!this.terminated) void this.host.receive(copy);
    });
  }

  addEventListener(type: 'message', listener: Listener): void;
  addEventListener(type: 'error' | 'messageerror', listener: ErrorListener): void;
  addEventListener(type: string, listener: Listener | ErrorListener): void {
    if (type === 'message') this.listeners.push(listener as Listener);
    else if (type === 'error') this.errorListeners.push(listener as ErrorListener);
  }

  /** Fires an error event as a worker does when its script throws or fails to load. */
  crash(message: string): void {
    const event = Object.assign(new Event('error'), { message });
    for (const listener of this.errorListeners) listener(event);
  }

  terminate(): void {
    this.terminated = true;
  }
}
