// Entry of the insight worker (started by insight-engines.ts with Vite's
// `new Worker(new URL('./insight-worker.ts', import.meta.url), { type: 'module' })`): serves the
// CPU class-visualisation and saliency engines (insight-worker-handlers.ts). Nothing else.

import { insightHandlers } from './insight-worker-handlers.ts';
import { serveRpc, type RpcScope } from './rpc-worker.ts';

serveRpc(self as unknown as RpcScope, insightHandlers());
