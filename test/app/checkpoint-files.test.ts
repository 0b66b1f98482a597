// Reading uploaded .convscope files (Blob, as the browser's File): a sound file opens; truncated,
// corrupted, foreign, empty and oversized files give a message naming the file and the problem,
// and apply() (the restore into the current run) is never called for them. File names.

import { describe, expect, it } from 'vitest';
import {
  checkpointFileName,
  MAX_CHECKPOINT_BYTES,
  openCheckpointFile,
  readCheckpointFile,
} from '../../src/app/checkpoint-files.ts';
import { CheckpointError, type Checkpoint } from '../../src/model/checkpoint.ts';
import { sampleCheckpoint, sampleCheckpointBytes } from './sample-checkpoint.ts';

function file(bytes: Uint8Array, name = 'run.convscope'): File {
  return new File([bytes as Uint8Array<ArrayBuffer>], name);
}

/** Opens `bytes` with an apply() that records what it was given. */
async function open(bytes: Uint8Array) {
  const applied: Checkpoint[] = [];
  const result = await openCheckpointFile(file(bytes), (c) => void applied.push(c));
  return { result, applied };
}

describe('openCheckpointFile', () => {
  it('opens a sound file and passes the decoded checkpoint to apply', async () => {
    const { result, applied } = await open(sampleCheckpointBytes(20));
    expect(result).toEqual({ ok: true, checkpoint: sampleCheckpoint(20), fileName: 'run.convscope' });
    expect(applied).toEqual([sampleCheckpoint(20)]);
  });

  const bytes = sampleCheckpointBytes(20);
  const flipped = (at: number) => {
    const copy = bytes.slice();
    copy[at] ^= 0x10;
    return copy;
  };
  const cases: [string, Uint8Array, string][] = [
    ['empty', new Uint8Array(0), 'the file has 0 bytes, fewer than the 24-byte prefix'],
    ['cut in the prefix', bytes.slice(0, 10), 'the file has 10 bytes, fewer than the 24-byte prefix'],
    ['cut in the header', bytes.slice(0, 60), 'runs past the end of the 60-byte file'],
    ['cut in the parameters', bytes.slice(0, bytes.length - 9), 'it was cut off; save it again'],
    ['with bytes appended', new Uint8Array([...bytes, 0, 0]), 'has extra bytes at the end'],
    ['a flipped bit in the parameters', flipped(bytes.length - 5), 'the payload checksum does not match'],
    ['a flipped bit in the header', flipped(40), 'the header checksum does not match'],
    [
      'not a checkpoint',
      new TextEncoder().encode('PNG\r\n-not-a-checkpoint-at-all'),
      'not a .convscope checkpoint',
    ],
  ];
  it.each(cases)('%s: a clear message, apply never called', async (_, broken, problem) => {
    const { result, applied } = await open(broken);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/^Could not open run\.convscope: checkpoint: /);
    expect(!result.ok && result.message).toContain(problem);
    expect(applied).toEqual([]);
  });

  it('a checkpoint for another network is refused before apply when `expected` is given', async () => {
    const other = { ...sampleCheckpoint().spec, input: { channels: 1, height: 9, width: 9 } };
    const applied: Checkpoint[] = [];
    const result = await openCheckpointFile(file(bytes), (c) => void applied.push(c), { spec: other });
    expect(!result.ok && result.message).toContain(
      "the checkpoint's input is 1x8x8, the current network's 1x9x9",
    );
    expect(applied).toEqual([]);
  });

  it("an apply() that refuses (restoreCheckpoint's CheckpointError) becomes the message", async () => {
    const result = await openCheckpointFile(file(bytes), () => {
      throw new CheckpointError('mismatch', 'its batch does not fit this dataset');
    });
    expect(result).toEqual({
      ok: false,
      message: 'Could not open run.convscope: checkpoint: its batch does not fit this dataset',
    });
  });
});

describe('readCheckpointFile', () => {
  it('refuses a file larger than any checkpoint without reading it', async () => {
    const huge = { size: MAX_CHECKPOINT_BYTES + 1, name: 'movie.mp4' } as File;
    expect(await readCheckpointFile(huge)).toEqual({
      ok: false,
      message:
        'Could not open movie.mp4: it is 512 MB, larger than any convscope checkpoint; pick a .convscope file.',
    });
  });

  it('names a Blob without a name "the file"', async () => {
    const result = await readCheckpointFile(new Blob([new Uint8Array(3)]));
    expect(!result.ok && result.message).toMatch(
      /^Could not open the file: checkpoint: the file has 3 bytes/,
    );
  });
});

describe('checkpointFileName', () => {
  it('names the network, dataset and step, safe for any file system', () => {
    expect(
      checkpointFileName({ spec: { ...sampleCheckpoint().spec, name: 'lenet5' }, step: 1200 }, 'mnist'),
    ).toBe('convscope-lenet5-mnist-step1200.convscope');
    expect(checkpointFileName({ spec: { ...sampleCheckpoint().spec, name: 'my net/v2' }, step: 3 })).toBe(
      'convscope-my-net-v2-step3.convscope',
    );
  });
});
