// Entry of the generator worker (started by generator-backends.ts with Vite's
// `new Worker(new URL('./generator-worker.ts', import.meta.url), { type: 'module' })`): serves the
// CPU conditional generator (generator-worker-handlers.ts). Nothing else.

import { generatorHandlers } from './generator-worker-handlers.ts';
import { serveRpc, type RpcScope } from './rpc-worker.ts';

serveRpc(self as unknown as RpcScope, generatorHandlers());
