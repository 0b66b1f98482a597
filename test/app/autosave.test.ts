// Autosaver over an in-memory store whose writes can be held open or made to fail: round trip,
// at most one save in flight with newer saves replacing waiting ones, quota and other failures
// reported (never thrown), damaged records reported on load, clear() racing a save.
// The IndexedDB store itself runs in Chromium: test/e2e/worker-backend.e2e.test.ts.

import { describe, expect, it } from 'vitest';
import { Autosaver, storageErrorMessage } from '../../src/app/autosave.ts';
import type { KeyValueStore } from '../../src/app/idb-store.ts';
import { sampleCheckpoint, sampleCheckpointBytes } from './sample-checkpoint.ts';

interface Config {
  preset: string;
}
type History = { step: number; loss: number }[];

/** A Map behind the store interface; `hold` keeps each write open until released, `failWith` rejects. */
class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  writes = 0;
  inFlight = 0;
  maxInFlight = 0;
  hold = false;
  failWith: unknown = null;
  failGet: unknown = null;
  private releases: (() => void)[] = [];

  async get(key: string) {
    if (this.failGet) throw this.failGet;
    return structuredClone(this.data.get(key));
  }
  async set(key: string, value: unknown) {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.hold) await new Promise<void>((resolve) => this.releases.push(resolve));
      if (this.failWith) throw this.failWith;
      this.writes++;
      this.data.set(key, structuredClone(value));
    } finally {
      this.inFlight--;
    }
  }
  async delete(key: string) {
    this.data.delete(key);
  }
  release() {
    this.hold = false;
    this.releases.splice(0).forEach((resolve) => resolve());
  }
}

const snapshot = (step: number, preset = 'lenet5') => ({
  checkpoint: sampleCheckpointBytes(step),
  config: { preset },
  history: [{ step, loss: 1 / (step + 1) }],
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Autosaver', () => {
  it('saves the checkpoint bytes, configuration and history, and loads them decoded', async () => {
    const store = new MemoryStore();
    const saver = new Autosaver<Config, History>(store, { now: () => 1234 });
    expect(await saver.load()).toEqual({ status: 'empty' });
    const outcome = await saver.save(() => snapshot(12));
    expect(outcome).toEqual({ status: 'saved', bytes: sampleCheckpointBytes(12).byteLength });
    const loaded = await saver.load();
    if (loaded.status !== 'restored') throw new Error(`expected restored, got ${loaded.status}`);
    expect(loaded.checkpoint).toEqual(sampleCheckpoint(12));
    expect(loaded.record).toMatchObject({
      savedAt: 1234,
      config: { preset: 'lenet5' },
      history: [{ step: 12 }],
    });
    expect(loaded.record.checkpoint).toEqual(sampleCheckpointBytes(12));
  });

  it('keeps one save in flight; a newer save replaces the waiting one, which is never taken', async () => {
    const store = new MemoryStore();
    store.hold = true;
    const saver = new Autosaver<Config, History>(store);
    const taken: number[] = [];
    const take = (step: number) => () => (taken.push(step), snapshot(step));
    const first = saver.save(take(1));
    await tick();
    expect(saver.busy).toBe(true);
    const second = saver.save(take(2));
    const third = saver.save(take(3));
    expect(await second).toEqual({ status: 'superseded' });
    store.release();
    expect((await first).status).toBe('saved');
    store.hold = false;
    expect((await third).status).toBe('saved');
    expect(taken).toEqual([1, 3]);
    expect(store.maxInFlight).toBe(1);
    const loaded = await saver.load();
    expect(loaded.status === 'restored' && loaded.checkpoint.step).toBe(3);
    expect(saver.busy).toBe(false);
  });

  it('a full disk is reported as a failed outcome and to onError; the next save works again', async () => {
    const store = new MemoryStore();
    const errors: string[] = [];
    const saver = new Autosaver<Config, History>(store, { onError: (m) => errors.push(m) });
    store.failWith = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const failed = await saver.save(() => snapshot(5));
    expect(failed.status).toBe('failed');
    expect(errors).toEqual([
      "Autosave failed: the browser's storage for this site is full. Training goes on; download the run to keep it, or free space and it will be saved again.",
    ]);
    expect(saver.lastError).toBe(errors[0]);
    store.failWith = null;
    expect((await saver.save(() => snapshot(6))).status).toBe('saved');
    expect(saver.lastError).toBeNull();
  });

  it('other failures (taking the snapshot, the store, a throwing onError) are reported too', async () => {
    const store = new MemoryStore();
    const saver = new Autosaver<Config, History>(store, {
      onError: () => {
        throw new Error('broken handler');
      },
    });
    const outcome = await saver.save(() => {
      throw new Error('getParameters: this CPU worker backend was destroyed');
    });
    expect(outcome).toEqual({
      status: 'failed',
      message:
        'Autosave failed: could not read the run to save it (Error: getParameters: this CPU worker backend was destroyed).',
    });
    store.failWith = new DOMException('Connection is closing.', 'InvalidStateError');
    expect(await saver.save(() => snapshot(1))).toEqual({
      status: 'failed',
      message: storageErrorMessage('Autosave', store.failWith),
    });
    expect(storageErrorMessage('Autosave', store.failWith)).toBe(
      'Autosave failed (InvalidStateError: Connection is closing.). Training goes on; download the run to keep it.',
    );
    expect(store.data.size).toBe(0);
  });

  it('stores exactly the checkpoint bytes when given a view into a larger buffer', async () => {
    const store = new MemoryStore();
    const saver = new Autosaver<Config, History>(store);
    const bytes = sampleCheckpointBytes(4);
    const padded = new Uint8Array(bytes.length + 100);
    padded.set(bytes, 40);
    await saver.save(() => ({ ...snapshot(4), checkpoint: padded.subarray(40, 40 + bytes.length) }));
    const stored = store.data.get(saver.key) as { checkpoint: Uint8Array };
    expect(stored.checkpoint.buffer.byteLength).toBe(bytes.length);
    expect((await saver.load()).status).toBe('restored');
  });

  it('load reports damaged or foreign records and a failing store, and leaves them in place', async () => {
    const store = new MemoryStore();
    const saver = new Autosaver<Config, History>(store);
    await saver.save(() => snapshot(8));
    const record = store.data.get(saver.key) as { checkpoint: Uint8Array };
    record.checkpoint[record.checkpoint.length - 3] ^= 0xff; // a flipped bit in the parameters
    expect(await saver.load()).toEqual({
      status: 'unreadable',
      message:
        'The autosaved run could not be restored: checkpoint: the payload checksum does not match: the parameters were damaged after saving; use another copy or save it again',
    });
    expect(store.data.has(saver.key)).toBe(true);
    store.data.set(saver.key, { format: 'something-else' });
    expect(await saver.load()).toEqual({
      status: 'unreadable',
      message: 'The autosaved run is not in a format this convscope reads.',
    });
    store.failGet = new Error('IndexedDB is not available');
    expect(await saver.load()).toEqual({
      status: 'unavailable',
      message:
        'Reading the autosaved run failed (Error: IndexedDB is not available). Training goes on; download the run to keep it.',
    });
  });

  it('clear() drops a waiting save, lets the one in flight finish, then deletes', async () => {
    const store = new MemoryStore();
    store.hold = true;
    const saver = new Autosaver<Config, History>(store);
    const inFlight = saver.save(() => snapshot(1));
    await tick();
    const waiting = saver.save(() => snapshot(2));
    const cleared = saver.clear();
    expect(await waiting).toEqual({ status: 'superseded' });
    store.release();
    expect((await inFlight).status).toBe('saved');
    expect((await cleared).status).toBe('saved');
    expect(await saver.load()).toEqual({ status: 'empty' });
    expect(store.writes).toBe(1);
    expect((await saver.save(() => snapshot(3))).status).toBe('saved'); // saving works after clear
  });
});
