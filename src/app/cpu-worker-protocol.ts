// The messages between WorkerCpuBackend (main thread, worker-backend.ts) and the CPU worker
// (cpu-worker.ts, cpu-worker-host.ts), and the rules for what is copied and what is transferred.
// Every request names a CpuBackend method and its arguments; every request gets one response, in
// order. Types and small pure helpers only: no Worker, no backend.

import type { Dataset, DatasetSplit } from '../data/dataset.ts';

/**
 * `init` makes the worker's CpuBackend; `beginData`, `dataChunk` and `endData` send the dataset in
 * pieces (endData calls the backend's setData); every other method is called on the backend by name.
 */
export interface CpuWorkerRequest {
  id: number;
  method: string;
  args: unknown[];
}

export type CpuWorkerResponse =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; name: string; message: string };

/**
 * Methods whose results the worker's backend never keeps (fresh copies): their buffers are
 * transferred to the main thread instead of copied. Any other result is copied (structured clone),
 * which is always safe.
 */
export const FRESH_RESULT_METHODS: ReadonlySet<string> = new Set([
  'getParameters',
  'getOptimizerState',
  'takeMetrics',
  'evaluate',
  'probe',
  'readParameters',
  'parameterStats',
  'inspectBatch',
]);

type Typed = ArrayBufferView & { slice(): Typed; buffer: ArrayBufferLike };

function isTyped(value: unknown): value is Typed {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** Every distinct ArrayBuffer under `value` (typed arrays, arrays, plain objects). */
export function buffersOf(value: unknown, found = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (isTyped(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
  } else if (Array.isArray(value)) {
    for (const item of value) buffersOf(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) buffersOf(item, found);
  }
  return [...found];
}

/**
 * A typed array ready to post without side effects on the caller: as it is (the clone copies it)
 * when it covers its whole buffer, else a compact copy that is transferred, because a clone of a
 * view would copy the whole underlying buffer (a slice of a bigger array).
 */
export function packTyped<T extends Typed>(array: T, transfer: Transferable[]): T {
  if (array.byteOffset === 0 && array.byteLength === array.buffer.byteLength) return array;
  const copy = array.slice() as T;
  transfer.push(copy.buffer as ArrayBuffer);
  return copy;
}

/** The dataset without its bytes: what the worker needs to allocate before the chunks arrive. */
export interface DatasetOutline extends Omit<Dataset, 'train' | 'test'> {
  train: { count: number; imageBytes: number; labelBytes: number };
  test: { count: number; imageBytes: number; labelBytes: number };
}

/** One piece of one byte array of the dataset, posted (transferred) in order. */
export interface DatasetChunk {
  split: 'train' | 'test';
  field: 'images' | 'labels';
  offset: number;
  bytes: Uint8Array;
}

/**
 * Bytes per chunk: copying 4 MiB takes a few ms even on a loaded machine, so sending the 47 MB of
 * MNIST is many short tasks, never one long one (a single 47 MB copy took 100-300 ms here).
 */
export const DATASET_CHUNK_BYTES = 4 * 1024 * 1024;

export function outlineDataset(dataset: Dataset): DatasetOutline {
  const outline = (split: DatasetSplit) => ({
    count: split.count,
    imageBytes: split.images.length,
    labelBytes: split.labels.length,
  });
  const { name, classNames, imageHeight, imageWidth, channels } = dataset;
  return {
    name,
    classNames: classNames.slice(),
    imageHeight,
    imageWidth,
    channels,
    train: outline(dataset.train),
    test: outline(dataset.test),
  };
}

/** The dataset's bytes as chunks of at most `chunkBytes`, each a fresh copy (lazily, one at a time). */
export function* datasetChunks(dataset: Dataset, chunkBytes = DATASET_CHUNK_BYTES): Generator<DatasetChunk> {
  for (const split of ['train', 'test'] as const) {
    for (const field of ['images', 'labels'] as const) {
      const array = dataset[split][field];
      for (let offset = 0; offset < array.length; offset += chunkBytes) {
        yield { split, field, offset, bytes: array.slice(offset, offset + chunkBytes) };
      }
    }
  }
}

/** Empty byte arrays of the outline's sizes, filled by addChunk. */
export function allocateDataset(outline: DatasetOutline): Dataset {
  const split = (o: DatasetOutline['train']): DatasetSplit => ({
    count: o.count,
    images: new Uint8Array(o.imageBytes),
    labels: new Uint8Array(o.labelBytes),
  });
  return { ...outline, train: split(outline.train), test: split(outline.test) };
}

export function addChunk(dataset: Dataset, chunk: DatasetChunk): void {
  const target = dataset[chunk.split][chunk.field];
  if (chunk.offset + chunk.bytes.length > target.length) {
    throw new Error(
      `setData: a ${chunk.split} ${chunk.field} chunk runs past the ${target.length} bytes announced`,
    );
  }
  target.set(chunk.bytes, chunk.offset);
}

/** Arguments with every typed array packed (see packTyped); other values as they are. */
export function packArgs(args: unknown[], transfer: Transferable[]): unknown[] {
  return args.map((arg) => (isTyped(arg) ? packTyped(arg, transfer) : arg));
}
