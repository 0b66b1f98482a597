// Autosave of the current run: the latest checkpoint (encodeCheckpoint bytes), the app's
// configuration and its metric history, kept under one key of a KeyValueStore (IndexedDB in the
// app, idb-store.ts), loaded on startup so a reload or a lost device resumes the run.
// At most one save is in flight: a save asked for meanwhile waits, and a newer one replaces it
// before it starts (only the latest state matters). Failures (a full disk, no IndexedDB) are
// reported as outcomes and to onError, never thrown. Not the checkpoint format (model/checkpoint.ts)
// and not when to save (the session decides).

import { decodeCheckpoint, type Checkpoint } from '../model/checkpoint.ts';
import type { KeyValueStore } from './idb-store.ts';

/** What one save writes; `config` and `history` are the app's own JSON-like data. */
export interface AutosaveSnapshot<Config, History> {
  checkpoint: Uint8Array;
  config: Config;
  history: History;
}

/** The stored record; `format` and `version` let a later convscope recognise and migrate it. */
export interface AutosaveRecord<Config, History> extends AutosaveSnapshot<Config, History> {
  format: 'convscope-autosave';
  version: 1;
  /** Date.now() when it was written. */
  savedAt: number;
}

export type SaveOutcome =
  | { status: 'saved'; bytes: number }
  /** A newer save replaced this one before it started. */
  | { status: 'superseded' }
  | { status: 'failed'; message: string };

export type AutosaveLoad<Config, History> =
  | { status: 'empty' }
  | { status: 'restored'; record: AutosaveRecord<Config, History>; checkpoint: Checkpoint }
  /** Something is stored but cannot be used (damaged, another format); it is left in place. */
  | { status: 'unreadable'; message: string }
  /** The store itself failed (no IndexedDB, blocked). */
  | { status: 'unavailable'; message: string };

export interface AutosaverOptions {
  /** Key of the record in the store (default 'current-run'). */
  key?: string;
  /** Called with the message of every failed save or clear. */
  onError?: (message: string) => void;
  now?: () => number;
}

type Take<C, H> = () => AutosaveSnapshot<C, H> | Promise<AutosaveSnapshot<C, H>>;

interface Job<C, H> {
  take: Take<C, H>;
  resolve: (outcome: SaveOutcome) => void;
}

function describe(error: unknown): string {
  if (error instanceof Error || error instanceof DOMException) return `${error.name}: ${error.message}`;
  return String(error);
}

/** A message that says what happened and that the run itself goes on. */
export function storageErrorMessage(action: string, error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'QuotaExceededError') {
    return `${action} failed: the browser's storage for this site is full. Training goes on; download the run to keep it, or free space and it will be saved again.`;
  }
  return `${action} failed (${describe(error)}). Training goes on; download the run to keep it.`;
}

function isRecord(value: unknown): value is AutosaveRecord<unknown, unknown> {
  const v = value as Partial<AutosaveRecord<unknown, unknown>> | null;
  return typeof v === 'object' && v !== null && v.format === 'convscope-autosave' && v.version === 1;
}

export class Autosaver<Config, History> {
  readonly key: string;
  /** Message of the last failed save or clear; null after a success. */
  lastError: string | null = null;
  private running: Promise<void> | null = null;
  private queued: Job<Config, History> | null = null;
  private clearing = false;

  constructor(
    private readonly store: KeyValueStore,
    private readonly options: AutosaverOptions = {},
  ) {
    this.key = options.key ?? 'current-run';
  }

  /** True while a save is being taken or written. */
  get busy(): boolean {
    return this.running !== null;
  }

  /**
   * Saves what `take` returns. `take` runs only when this save starts (so a superseded save never
   * reads the backend); it may be async, e.g. captureCheckpoint + encodeCheckpoint.
   */
  save(take: Take<Config, History>): Promise<SaveOutcome> {
    return new Promise((resolve) => {
      this.queued?.resolve({ status: 'superseded' });
      this.queued = { take, resolve };
      this.pump();
    });
  }

  /** The saved run, its checkpoint decoded and checked; never throws. */
  async load(): Promise<AutosaveLoad<Config, History>> {
    let value: unknown;
    try {
      value = await this.store.get(this.key);
    } catch (error) {
      return { status: 'unavailable', message: storageErrorMessage('Reading the autosaved run', error) };
    }
    if (value === undefined) return { status: 'empty' };
    if (!isRecord(value) || !(value.checkpoint instanceof Uint8Array)) {
      return { status: 'unreadable', message: 'The autosaved run is not in a format this convscope reads.' };
    }
    try {
      const checkpoint = decodeCheckpoint(value.checkpoint);
      return { status: 'restored', record: value as AutosaveRecord<Config, History>, checkpoint };
    } catch (error) {
      return {
        status: 'unreadable',
        message: `The autosaved run could not be restored: ${(error as Error).message}`,
      };
    }
  }

  /** Forgets the saved run: drops a save not yet started, waits for one in flight, then deletes. */
  async clear(): Promise<SaveOutcome> {
    this.queued?.resolve({ status: 'superseded' });
    this.queued = null;
    this.clearing = true;
    try {
      while (this.running) await this.running;
      await this.store.delete(this.key);
      this.lastError = null;
      return { status: 'saved', bytes: 0 };
    } catch (error) {
      return this.failed(storageErrorMessage('Clearing the autosaved run', error));
    } finally {
      this.clearing = false;
      this.pump();
    }
  }

  private pump(): void {
    if (this.running || this.clearing || !this.queued) return;
    const job = this.queued;
    this.queued = null;
    this.running = this.write(job.take).then((outcome) => {
      this.running = null;
      job.resolve(outcome);
      this.pump();
    });
  }

  private async write(take: Take<Config, History>): Promise<SaveOutcome> {
    let snapshot: AutosaveSnapshot<Config, History>;
    try {
      snapshot = await take();
    } catch (error) {
      return this.failed(`Autosave failed: could not read the run to save it (${describe(error)}).`);
    }
    const bytes = snapshot.checkpoint;
    const record: AutosaveRecord<Config, History> = {
      format: 'convscope-autosave',
      version: 1,
      savedAt: (this.options.now ?? Date.now)(),
      // A view would store its whole underlying buffer: keep exactly the checkpoint's bytes.
      checkpoint: bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice(),
      config: snapshot.config,
      history: snapshot.history,
    };
    try {
      await this.store.set(this.key, record);
    } catch (error) {
      return this.failed(storageErrorMessage('Autosave', error));
    }
    this.lastError = null;
    return { status: 'saved', bytes: bytes.byteLength };
  }

  private failed(message: string): SaveOutcome {
    this.lastError = message;
    try {
      this.options.onError?.(message);
    } catch {
      // A broken error handler must not turn a reported failure into a crash of the save loop.
    }
    return { status: 'failed', message };
  }
}
