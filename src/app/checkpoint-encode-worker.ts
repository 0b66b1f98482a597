// Entry of the checkpoint-encoding worker (started by checkpoint-encoder.ts): encodes one
// checkpoint per message and sends the bytes back (transferred). Nothing else lives here.

import { encodeCheckpoint, type Checkpoint } from '../model/checkpoint.ts';

interface EncodeRequest {
  id: number;
  checkpoint: Checkpoint;
}

// `self` is typed as Window by the DOM lib this project compiles with; a worker scope has the same
// postMessage(message, transfer) and message event, which is all this uses.
const scope = self as unknown as {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<EncodeRequest>) => void): void;
};

scope.addEventListener('message', ({ data: { id, checkpoint } }) => {
  try {
    const bytes = encodeCheckpoint(checkpoint);
    scope.postMessage({ id, bytes }, [bytes.buffer]);
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
