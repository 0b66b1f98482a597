// The datasets the page has loaded, by name: each is fetched once (a second request while the
// first is downloading shares it; a failed one is forgotten so the next request tries again).
// No DOM; the session reports progress to the UI.

import { loadDatasetInBrowser, type DatasetProgress } from '../data/browser-loader.ts';
import type { Dataset, DatasetName } from '../data/dataset.ts';

export type DatasetLoader = (name: DatasetName, onProgress: (p: DatasetProgress) => void) => Promise<Dataset>;

export const loadFromServer: DatasetLoader = (name, onProgress) => loadDatasetInBrowser(name, { onProgress });

export class DatasetCache {
  private readonly loaded = new Map<DatasetName, Dataset>();
  private readonly loading = new Map<DatasetName, Promise<Dataset>>();

  constructor(private readonly load: DatasetLoader = loadFromServer) {}

  /** The dataset if it is loaded, else null. */
  get(name: DatasetName): Dataset | null {
    return this.loaded.get(name) ?? null;
  }

  /** Loads `name` unless it is loaded; `onProgress` hears about a download this call starts. */
  ensure(name: DatasetName, onProgress: (p: DatasetProgress) => void): Promise<Dataset> {
    const done = this.loaded.get(name);
    if (done) return Promise.resolve(done);
    let pending = this.loading.get(name);
    if (!pending) {
      pending = this.load(name, onProgress).then(
        (dataset) => {
          this.loaded.set(name, dataset);
          this.loading.delete(name);
          return dataset;
        },
        (error: unknown) => {
          this.loading.delete(name);
          throw error;
        },
      );
      this.loading.set(name, pending);
    }
    return pending;
  }
}
