// Encodes checkpoints off the page's main thread. encodeCheckpoint of a big network (convnet with
// Adam: 14 MB, ~180 ms of copying and CRC-32 here) would be a long task every autosave, so the page
// hands a copy to a module worker (checkpoint-encode-worker.ts) and gets the bytes back. Where
// there are no module workers (Node tests) it encodes in place. Not the format (model/checkpoint.ts).

import { encodeCheckpoint, type Checkpoint } from '../model/checkpoint.ts';

export type EncodeCheckpoint = (checkpoint: Checkpoint) => Promise<Uint8Array>;

type Reply = { id: number; bytes: Uint8Array } | { id: number; error: string };

export function checkpointEncoder(): EncodeCheckpoint {
  if (typeof Worker === 'undefined') return async (checkpoint) => encodeCheckpoint(checkpoint);
  let worker: Worker | null = null;
  let next = 0;
  const waiting = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }>();
  const start = () => {
    const w = new Worker(new URL('./checkpoint-encode-worker.ts', import.meta.url), {
      type: 'module',
      name: 'convscope-checkpoint',
    });
    w.onmessage = ({ data }: MessageEvent<Reply>) => {
      const job = waiting.get(data.id);
      waiting.delete(data.id);
      if ('bytes' in data) job?.resolve(data.bytes);
      else job?.reject(new Error(data.error));
    };
    w.onerror = (event) => {
      // A worker that cannot start (or died): fail what waits; the next request starts a new one.
      event.preventDefault();
      waiting.forEach((job) => job.reject(new Error(`the checkpoint worker failed: ${event.message}`)));
      waiting.clear();
      worker = null;
    };
    return w;
  };
  return (checkpoint) =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      worker ??= start();
      worker.postMessage({ id, checkpoint }); // a structured copy: the page keeps its snapshot
    });
}
