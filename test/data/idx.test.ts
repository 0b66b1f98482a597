// IDX parser and encoder on small hand-made files: valid ones (values, dims, no copy) and every
// kind of broken one, asserting the message names the file and the problem.
import { describe, expect, it } from 'vitest';
import { IdxFormatError, encodeIdx, parseIdx } from '../../src/data/idx.ts';

/** Header bytes 0 0 type ndims, then big-endian uint32 dims, then `data`. */
function idxBytes(type: number, dims: number[], data: number[]): Uint8Array {
  const header = [0, 0, type, dims.length];
  for (const d of dims) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return new Uint8Array([...header, ...data]);
}

describe('parseIdx on valid files', () => {
  it('reads a 3-d file of 2 images of 3x5 bytes', () => {
    const data = Array.from({ length: 30 }, (_, i) => (i * 37) % 256);
    const bytes = idxBytes(0x08, [2, 3, 5], data);
    const parsed = parseIdx(bytes, 'tiny-images');
    expect(parsed.dims).toEqual([2, 3, 5]);
    expect(Array.from(parsed.data)).toEqual(data);
  });

  it('reads a 1-d label file whose dimension needs all four header bytes', () => {
    const count = 0x01_02_03; // 66051: exercises every byte of the big-endian size
    const data = Array.from({ length: count }, (_, i) => i % 10);
    const parsed = parseIdx(idxBytes(0x08, [count], data), 'labels');
    expect(parsed.dims).toEqual([66051]);
    expect(parsed.data[66050]).toBe(66050 % 10);
  });

  it('returns a view into the given bytes, not a copy, even at a non-zero offset', () => {
    const file = idxBytes(0x08, [3], [7, 8, 9]);
    const padded = new Uint8Array(file.length + 5);
    padded.set(file, 5);
    const parsed = parseIdx(padded.subarray(5), 'offset-file');
    expect(parsed.data.buffer).toBe(padded.buffer);
    expect(parsed.data.byteOffset).toBe(5 + 8);
    expect(Array.from(parsed.data)).toEqual([7, 8, 9]);
  });

  it('round-trips through encodeIdx', () => {
    const data = new Uint8Array([1, 2, 3, 4, 5, 6, 250, 251, 252, 253, 254, 255]);
    const encoded = encodeIdx([2, 2, 3], data);
    expect(Array.from(encoded.subarray(0, 16))).toEqual([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3]);
    const parsed = parseIdx(encoded, 'round-trip');
    expect(parsed.dims).toEqual([2, 2, 3]);
    expect(Array.from(parsed.data)).toEqual(Array.from(data));
  });
});

describe('parseIdx on broken files', () => {
  const parse = (bytes: Uint8Array) => () => parseIdx(bytes, 'data/broken-idx3-ubyte');

  it('rejects an empty buffer', () => {
    expect(parse(new Uint8Array(0))).toThrow('data/broken-idx3-ubyte: file is empty, expected an IDX file');
  });

  it('rejects a file shorter than the 4-byte magic number', () => {
    expect(parse(new Uint8Array([0, 0, 8]))).toThrow('file is 3 bytes long, too short for an IDX header');
  });

  it('rejects a bad magic number and shows the bytes found', () => {
    const bytes = idxBytes(0x08, [1], [0]);
    bytes[1] = 0x42;
    expect(parse(bytes)).toThrow('bad magic number: IDX files start with 0x00 0x00, found 0x00 0x42');
  });

  it('recognises a gzip file and says to decompress it', () => {
    expect(parse(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]))).toThrow(
      /gzip-compressed.*decompress it \(gunzip\)/,
    );
  });

  it('rejects an unsupported known data type by name', () => {
    expect(parse(idxBytes(0x0d, [1], [0, 0, 0, 0]))).toThrow(
      'IDX data type 0x0d (float32) is not supported, only 0x08 (unsigned byte)',
    );
  });

  it('rejects an unknown data type', () => {
    expect(parse(idxBytes(0x07, [1], [0]))).toThrow('IDX data type unknown type 0x07 is not supported');
  });

  it('rejects zero dimensions and a dimension of size 0', () => {
    expect(parse(new Uint8Array([0, 0, 8, 0]))).toThrow('IDX dimension count is 0, expected 1 to 8');
    expect(parse(idxBytes(0x08, [4, 0, 28], []))).toThrow(
      'IDX dimension 1 is 0 in dims [4, 0, 28]; every size must be > 0',
    );
  });

  it('rejects a header cut short inside the dimension sizes', () => {
    expect(parse(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0]))).toThrow(
      'IDX header truncated: 3 dimensions need 16 header bytes, found 10',
    );
  });

  it('rejects truncated data with the expected and found byte counts', () => {
    const bytes = idxBytes(0x08, [60000, 28, 28], new Array(1000).fill(0));
    expect(parse(bytes)).toThrow(IdxFormatError);
    expect(parse(bytes)).toThrow(
      'data/broken-idx3-ubyte: IDX file truncated: expected 47040000 bytes of data for dims [60000, 28, 28], ' +
        'found 1000; replace it with an intact copy.',
    );
  });

  it('rejects trailing bytes after the data', () => {
    expect(parse(idxBytes(0x08, [2, 3], [1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(
      'IDX file has 2 trailing bytes after the 6 data bytes for dims [2, 3]',
    );
  });
});

describe('encodeIdx', () => {
  it('rejects dims that do not describe the data', () => {
    expect(() => encodeIdx([2, 3], new Uint8Array(5))).toThrow('dims [2, 3] do not describe 5 bytes');
    expect(() => encodeIdx([], new Uint8Array(0))).toThrow('0 dimensions given');
    expect(() => encodeIdx([0], new Uint8Array(0))).toThrow('dims [0] do not describe 0 bytes');
  });
});
