// Entry of the CPU training worker (started by worker-backend.ts with Vite's
// `new Worker(new URL('./cpu-worker.ts', import.meta.url), { type: 'module' })`): wires the
// worker's messages to a CpuWorkerHost. Nothing else lives here, so the host is testable in Node.

import type { CpuWorkerRequest } from './cpu-worker-protocol.ts';
import { CpuWorkerHost } from './cpu-worker-host.ts';

// `self` is typed as Window by the DOM lib this project compiles with; a worker scope has the same
// postMessage(message, transfer) and message event, which is all this uses.
const scope = self as unknown as {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<CpuWorkerRequest>) => void): void;
};

const host = new CpuWorkerHost((response, transfer) => scope.postMessage(response, transfer));
scope.addEventListener('message', (event) => void host.receive(event.data));
