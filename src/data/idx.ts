// IDX files (the MNIST format): parse and encode, on plain Uint8Arrays so the same code runs in
// the browser and in Node. Only unsigned-byte data (type 0x08) is supported: every dataset here
// is stored that way. Not a loader: reading files and knowing which file is which live elsewhere.
//
// Layout (big-endian): 0x00 0x00 <type> <dimension count>, then one uint32 per dimension, then the
// data, row-major, with nothing after it.

/** A parsed IDX file. `data` is a view into the bytes given to `parseIdx`, not a copy. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Thrown for any malformed IDX file; the message names the file and says what to do. */
export class IdxFormatError extends Error {
  override name = 'IdxFormatError';
}

const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};
/** More than enough for any image set (MNIST uses 3); a larger count means a damaged header. */
const MAX_DIMS = 8;
const FIX = 'replace it with an intact copy';

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

function fail(name: string, problem: string, fix = FIX): never {
  throw new IdxFormatError(`${name}: ${problem}; ${fix}.`);
}

function checkHeaderStart(bytes: Uint8Array, name: string): number {
  if (bytes.length === 0) fail(name, 'file is empty, expected an IDX file');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    fail(name, 'file is gzip-compressed, expected a raw IDX file', 'decompress it (gunzip) first');
  }
  if (bytes.length < 4) fail(name, `file is ${bytes.length} bytes long, too short for an IDX header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(name, `bad magic number: IDX files start with 0x00 0x00, found ${hex(bytes[0])} ${hex(bytes[1])}`);
  }
  const type = bytes[2];
  if (type !== UNSIGNED_BYTE) {
    const typeName = TYPE_NAMES[type] ? `${hex(type)} (${TYPE_NAMES[type]})` : `unknown type ${hex(type)}`;
    fail(name, `IDX data type ${typeName} is not supported, only ${hex(UNSIGNED_BYTE)} (unsigned byte)`);
  }
  const dimCount = bytes[3];
  if (dimCount < 1 || dimCount > MAX_DIMS) {
    fail(name, `IDX dimension count is ${dimCount}, expected 1 to ${MAX_DIMS}`);
  }
  return dimCount;
}

/**
 * Parses an IDX file of unsigned bytes. `name` (a file name or URL) appears in every error.
 * Throws IdxFormatError for a bad magic number, an unsupported data type, a zero dimension, or a
 * byte length that is not exactly header + product(dims).
 */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  const dimCount = checkHeaderStart(bytes, name);
  const headerBytes = 4 + 4 * dimCount;
  if (bytes.length < headerBytes) {
    fail(
      name,
      `IDX header truncated: ${dimCount} dimensions need ${headerBytes} header bytes, found ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < dimCount; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const zeroAt = dims.indexOf(0);
  if (zeroAt >= 0)
    fail(name, `IDX dimension ${zeroAt} is 0 in dims [${dims.join(', ')}]; every size must be > 0`);

  const expected = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerBytes;
  const dimsText = `[${dims.join(', ')}]`;
  if (found < expected) {
    fail(name, `IDX file truncated: expected ${expected} bytes of data for dims ${dimsText}, found ${found}`);
  }
  if (found > expected) {
    fail(
      name,
      `IDX file has ${found - expected} trailing bytes after the ${expected} data bytes for dims ${dimsText}`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Encodes unsigned bytes as an IDX file; the inverse of `parseIdx`. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  if (dims.length < 1 || dims.length > MAX_DIMS) {
    throw new RangeError(`encodeIdx: ${dims.length} dimensions given, expected 1 to ${MAX_DIMS}`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (!dims.every((d) => Number.isInteger(d) && d > 0 && d <= 0xffffffff) || count !== data.length) {
    throw new RangeError(`encodeIdx: dims [${dims.join(', ')}] do not describe ${data.length} bytes`);
  }
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + data.length);
  const view = new DataView(out.buffer);
  out[2] = UNSIGNED_BYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, headerBytes);
  return out;
}
