// A tiny promise-based key-value store over one IndexedDB object store, for the autosave
// (autosave.ts). Values are stored by structured clone, so typed arrays go in as they are.
// A write resolves only when its transaction commits, and rejects with the transaction's error
// (e.g. a DOMException named QuotaExceededError). Not the autosave policy; no DOM beyond IndexedDB.

/** What the autosave needs of a store; tests use an in-memory one. */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface IndexedDbStoreOptions {
  database?: string;
  store?: string;
  /** Default: globalThis.indexedDB. */
  factory?: IDBFactory;
}

function openDatabase(
  factory: IDBFactory | undefined,
  database: string,
  store: string,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (!factory) {
      reject(new Error('this browser offers no IndexedDB (private window or storage disabled)'));
      return;
    }
    const request = factory.open(database, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(store);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error(`could not open IndexedDB "${database}"`));
    request.onblocked = () =>
      reject(new Error('another convscope tab holds an older version of the saved data; close it'));
  });
}

export function indexedDbStore(options: IndexedDbStoreOptions = {}): KeyValueStore {
  const database = options.database ?? 'convscope';
  const storeName = options.store ?? 'autosave';
  const factory = options.factory ?? globalThis.indexedDB;
  let opened: Promise<IDBDatabase> | null = null;

  const open = (): Promise<IDBDatabase> => {
    opened ??= openDatabase(factory, database, storeName).then(
      (db) => {
        // Another tab upgrading the database: let it, and reopen on next use.
        db.onversionchange = () => {
          db.close();
          opened = null;
        };
        return db;
      },
      (error) => {
        opened = null; // try again next time rather than failing forever
        throw error;
      },
    );
    return opened;
  };

  async function run(
    mode: IDBTransactionMode,
    body: (store: IDBObjectStore) => IDBRequest,
  ): Promise<unknown> {
    const db = await open();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(storeName, mode);
      const request = body(transaction.objectStore(storeName));
      transaction.oncomplete = () => resolve(request.result);
      // A quota failure aborts the transaction; its error is the QuotaExceededError.
      transaction.onabort = () =>
        reject(transaction.error ?? request.error ?? new Error('IndexedDB aborted'));
    });
  }

  return {
    get: (key) => run('readonly', (store) => store.get(key)),
    set: async (key, value) => void (await run('readwrite', (store) => store.put(value, key))),
    delete: async (key) => void (await run('readwrite', (store) => store.delete(key))),
  };
}
