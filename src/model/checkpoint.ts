// The .convscope checkpoint file: everything needed to resume a run (spec, position, seed, batch,
// optimizer settings and state, parameters) in one binary file, encoded and decoded in pure TS over
// Uint8Array (browser and Node). Layout and the reasons for it are in docs/checkpoints.md.
// Decoding is pure and checks everything (magic, version, checksums, lengths, the spec, the layout)
// before returning. Not the PyTorch export (safetensors.ts); not restoring (checkpoint-restore.ts).

import type { DatasetName } from '../data/dataset.ts';
import type { OptimizerSettings, OptimizerState } from './backend.ts';
import { checkCheckpoint, CheckpointError, type CheckpointExpectation } from './checkpoint-checks.ts';
import type { NetworkSpec } from './spec.ts';

export { CheckpointError, type CheckpointProblem } from './checkpoint-checks.ts';

export interface Checkpoint {
  spec: NetworkSpec;
  /** Seeds the initial parameters and every epoch's shuffle. */
  seed: number;
  batch: number;
  /** 0-based epoch the last step belonged to, and the steps done in it (Trainer's counters). */
  epoch: number;
  stepInEpoch: number;
  /** Training steps done in the whole run. */
  step: number;
  optimizer: OptimizerSettings;
  optimizerState: OptimizerState;
  /** Flat layout (layout.ts) of the spec. */
  parameters: Float32Array;
  /** The dataset it was trained on (absent in files saved before it was recorded). */
  dataset?: DatasetName;
}

/** "CONVSCOP": the first 8 bytes of every checkpoint. */
export const CHECKPOINT_MAGIC = new Uint8Array([0x43, 0x4f, 0x4e, 0x56, 0x53, 0x43, 0x4f, 0x50]);
export const CHECKPOINT_VERSION = 1;
/** magic (8), version (u32), header length (u32), header CRC32 (u32), reserved zero (u32). */
export const CHECKPOINT_PREFIX_BYTES = 24;

/** One float32 array in the payload; offset and length are bytes from the payload's start. */
export interface CheckpointTensor {
  name: string;
  dtype: 'F32';
  shape: number[];
  offset: number;
  length: number;
}

/** The JSON header. Everything but the tensors is plain data that JSON round-trips exactly. */
export interface CheckpointHeader extends Omit<Checkpoint, 'parameters' | 'optimizerState'> {
  format: 'convscope-checkpoint';
  optimizerState: { kind: OptimizerState['kind']; step: number };
  tensors: CheckpointTensor[];
  payloadLength: number;
  payloadCrc32: number;
}

/** Optimizer slot names by kind, in the order of OptimizerState.slots. */
export const SLOT_NAMES: Readonly<Record<OptimizerState['kind'], readonly string[]>> = {
  sgd: ['optimizer.velocity'],
  adam: ['optimizer.m', 'optimizer.v'],
};

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE, as zlib and PNG), so `zlib.crc32` in Python gives the same number. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/** The file's bytes. Throws CheckpointError when `data` is inconsistent, so no bad file is written. */
export function encodeCheckpoint(data: Checkpoint): Uint8Array {
  checkCheckpoint(data);
  const arrays: [string, Float32Array][] = [['parameters', data.parameters]];
  data.optimizerState.slots.forEach((slot, i) =>
    arrays.push([SLOT_NAMES[data.optimizerState.kind][i], slot]),
  );
  const tensors: CheckpointTensor[] = [];
  let payloadLength = 0;
  for (const [name, array] of arrays) {
    tensors.push({
      name,
      dtype: 'F32',
      shape: [array.length],
      offset: payloadLength,
      length: array.byteLength,
    });
    payloadLength = align8(payloadLength + array.byteLength);
  }
  const payload = new Uint8Array(payloadLength);
  arrays.forEach(([, array], i) => writeFloat32LE(payload, tensors[i].offset, array));
  const { parameters: _, optimizerState, ...rest } = data;
  const header: CheckpointHeader = {
    format: 'convscope-checkpoint',
    ...rest,
    optimizerState: { kind: optimizerState.kind, step: optimizerState.step },
    tensors,
    payloadLength,
    payloadCrc32: crc32(payload),
  };
  const text = new TextEncoder().encode(JSON.stringify(header));
  const json = new Uint8Array(align8(text.length)).fill(0x20); // space padding keeps the payload 8-aligned
  json.set(text);
  const bytes = new Uint8Array(CHECKPOINT_PREFIX_BYTES + json.length + payloadLength);
  const view = new DataView(bytes.buffer);
  bytes.set(CHECKPOINT_MAGIC, 0);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, json.length, true);
  view.setUint32(16, crc32(json), true);
  bytes.set(json, CHECKPOINT_PREFIX_BYTES);
  bytes.set(payload, CHECKPOINT_PREFIX_BYTES + json.length);
  return bytes;
}

function fail(problem: ConstructorParameters<typeof CheckpointError>[0], message: string): never {
  throw new CheckpointError(problem, message);
}

/** Reads and checks the fixed prefix; returns the header's byte length. */
function readPrefix(bytes: Uint8Array, view: DataView): number {
  if (bytes.length < CHECKPOINT_PREFIX_BYTES) {
    fail(
      'truncated',
      `the file has ${bytes.length} bytes, fewer than the ${CHECKPOINT_PREFIX_BYTES}-byte prefix; it was cut off, save it again`,
    );
  }
  if (!CHECKPOINT_MAGIC.every((b, i) => bytes[i] === b)) {
    fail(
      'magic',
      'not a .convscope checkpoint (the first 8 bytes are not "CONVSCOP"); pick a file saved by convscope',
    );
  }
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) {
    fail(
      'version',
      `format version ${version}, this convscope reads version ${CHECKPOINT_VERSION}; open it with the convscope that saved it, or save it again`,
    );
  }
  const headerLength = view.getUint32(12, true);
  if (CHECKPOINT_PREFIX_BYTES + headerLength > bytes.length || headerLength % 8 !== 0) {
    fail(
      'truncated',
      `the header length ${headerLength} runs past the end of the ${bytes.length}-byte file (or is not a multiple of 8); the file was cut off or damaged, save it again`,
    );
  }
  if (
    crc32(bytes.subarray(CHECKPOINT_PREFIX_BYTES, CHECKPOINT_PREFIX_BYTES + headerLength)) !==
    view.getUint32(16, true)
  ) {
    fail(
      'checksum',
      'the header checksum does not match: the file was damaged after saving; use another copy or save it again',
    );
  }
  return headerLength;
}

function parseHeader(json: Uint8Array): CheckpointHeader {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (error) {
    fail(
      'header',
      `the header is not valid JSON (${(error as Error).message}); the file is damaged, save it again`,
    );
  }
  const h = header as Partial<CheckpointHeader> | null;
  if (
    typeof h !== 'object' ||
    h === null ||
    h.format !== 'convscope-checkpoint' ||
    !Array.isArray(h.tensors)
  ) {
    fail(
      'header',
      'the header is not a convscope checkpoint header (format or tensors missing); save it again',
    );
  }
  if (
    !Number.isInteger(h.payloadLength) ||
    !Number.isInteger(h.payloadCrc32) ||
    typeof h.optimizerState !== 'object'
  ) {
    fail('header', 'the header lacks payloadLength, payloadCrc32 or optimizerState; save it again');
  }
  return h as CheckpointHeader;
}

/** The tensor named `name`, read from the payload after checking its table entry fits. */
function readTensor(header: CheckpointHeader, payload: Uint8Array, name: string): Float32Array {
  const entry = header.tensors.find((t) => t.name === name);
  if (!entry) fail('tensors', `the tensor table has no "${name}"; save the checkpoint again`);
  const { offset, length, shape, dtype } = entry;
  const fits =
    dtype === 'F32' &&
    Number.isInteger(offset) &&
    Number.isInteger(length) &&
    offset >= 0 &&
    offset % 8 === 0 &&
    offset + length <= payload.length &&
    Array.isArray(shape) &&
    shape.length === 1 &&
    shape[0] * 4 === length;
  if (!fits) {
    fail(
      'tensors',
      `tensor "${name}" (offset ${offset}, length ${length}, shape ${JSON.stringify(shape)}) does not fit the ${payload.length}-byte payload; the file is damaged, save it again`,
    );
  }
  return readFloat32LE(payload, offset, shape[0]);
}

/**
 * The checkpoint in `bytes`, fully checked; with `expected.spec`, also that it was saved for that
 * network. Throws CheckpointError naming the problem and the fix. Pure: `bytes` is only read.
 */
export function decodeCheckpoint(bytes: Uint8Array, expected: CheckpointExpectation = {}): Checkpoint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = readPrefix(bytes, view);
  const payloadStart = CHECKPOINT_PREFIX_BYTES + headerLength;
  const header = parseHeader(bytes.subarray(CHECKPOINT_PREFIX_BYTES, payloadStart));
  const size = payloadStart + header.payloadLength;
  if (size !== bytes.length) {
    const what = size > bytes.length ? 'was cut off' : 'has extra bytes at the end';
    fail(
      'truncated',
      `the file has ${bytes.length} bytes, its header says ${size}: it ${what}; save it again`,
    );
  }
  const payload = bytes.subarray(payloadStart);
  if (crc32(payload) !== header.payloadCrc32) {
    fail(
      'checksum',
      'the payload checksum does not match: the parameters were damaged after saving; use another copy or save it again',
    );
  }
  const kind = header.optimizerState.kind;
  const slotNames = SLOT_NAMES[kind as OptimizerState['kind']];
  if (!slotNames) fail('optimizer', `unknown optimizer state kind ${JSON.stringify(kind)}; save it again`);
  const { tensors: _t, format: _f, payloadLength: _l, payloadCrc32: _c, ...rest } = header;
  const checkpoint: Checkpoint = {
    ...rest,
    optimizer: { ...header.optimizer },
    optimizerState: {
      kind,
      step: header.optimizerState.step,
      slots: slotNames.map((n) => readTensor(header, payload, n)),
    },
    parameters: readTensor(header, payload, 'parameters'),
  };
  // checkCheckpoint returns the validated copy of the spec, so callers own what they get.
  return { ...checkpoint, spec: checkCheckpoint(checkpoint, expected) };
}

function writeFloat32LE(bytes: Uint8Array, at: number, values: Float32Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, values.byteLength);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
}

function readFloat32LE(bytes: Uint8Array, at: number, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, count * 4);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
