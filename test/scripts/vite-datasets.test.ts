// The dataset middleware of the Vite plugin on a real HTTP server with small fake dataset folders:
// it serves the four IDX files with their length, converts Fashion-MNIST once however many files
// are asked for together, and answers unknown datasets, unknown files, missing files and failed
// conversions with a status and a message that says what to do.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDX_FILE_NAMES } from '../../src/data/dataset.ts';
import { datasetMiddleware } from '../../scripts/vite-datasets.ts';

const root = mkdtempSync(join(tmpdir(), 'convscope-datasets-'));
const mnistDir = join(root, 'mnist');
const fashionDir = join(root, 'data', 'fashion-mnist');
let conversions = 0;
let failConversion = false;
let server: Server;
let base = '';

function serve(handler: ReturnType<typeof datasetMiddleware>): Promise<Server> {
  const s = createServer((request, response) =>
    handler(request, response, () => {
      response.statusCode = 299; // "passed on": what Vite would do next
      response.end('next');
    }),
  );
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

beforeAll(async () => {
  mkdirSync(mnistDir);
  Object.values(IDX_FILE_NAMES).forEach((file, i) =>
    writeFileSync(join(mnistDir, file), new Uint8Array(37 + i)),
  );
  const handler = datasetMiddleware({
    dataDir: join(root, 'data'),
    mnistDir: () => mnistDir,
    fashionDir: async () => {
      conversions++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      if (failConversion) throw new Error('fashion-mnist is not installed');
      mkdirSync(fashionDir, { recursive: true });
      writeFileSync(join(fashionDir, IDX_FILE_NAMES.testLabels), new Uint8Array(19));
      return fashionDir;
    },
  });
  server = await serve(handler);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
  rmSync(root, { recursive: true, force: true });
});

async function get(path: string, method = 'GET') {
  const response = await fetch(`${base}${path}`, { method });
  const body = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, length: response.headers.get('Content-Length'), body };
}

describe('datasetMiddleware', () => {
  it('serves each MNIST file with its length', async () => {
    const files = Object.values(IDX_FILE_NAMES);
    const answers = await Promise.all(files.map((file) => get(`/datasets/mnist/${file}?v=1`)));
    expect(answers.map((a) => [a.status, a.length, a.body.length])).toEqual([
      [200, '37', 37],
      [200, '38', 38],
      [200, '39', 39],
      [200, '40', 40],
    ]);
  });

  it('passes other paths on to the next handler', async () => {
    expect((await get('/index.html')).status).toBe(299);
    expect((await get('/datasetsx/mnist')).status).toBe(299);
  });

  it('names the datasets and files there are when asked for others', async () => {
    const dataset = await get('/datasets/cifar/train-images-idx3-ubyte');
    expect(dataset.status).toBe(404);
    expect(new TextDecoder().decode(dataset.body)).toBe(
      'No dataset named "cifar" here; the datasets are mnist, fashion-mnist.\n',
    );
    const file = await get('/datasets/mnist/..%2Fpackage.json');
    expect(file.status).toBe(404);
    expect(new TextDecoder().decode(file.body)).toMatch(
      /^mnist has no file "..\/package.json"; its files are train-/,
    );
  });

  it('refuses writes', async () => {
    expect((await get('/datasets/mnist/train-images-idx3-ubyte', 'POST')).status).toBe(405);
  });

  it('converts Fashion-MNIST once for files asked for together, and says when a file is missing', async () => {
    failConversion = true;
    const failed = await get('/datasets/fashion-mnist/t10k-labels-idx1-ubyte');
    expect(failed.status).toBe(500);
    expect(new TextDecoder().decode(failed.body)).toContain('fashion-mnist is not installed');
    failConversion = false;
    conversions = 0;
    const [labels, images] = await Promise.all([
      get('/datasets/fashion-mnist/t10k-labels-idx1-ubyte'),
      get('/datasets/fashion-mnist/t10k-images-idx3-ubyte'),
    ]);
    expect(conversions).toBe(1);
    expect([labels.status, labels.length]).toEqual([200, '19']);
    expect(images.status).toBe(500);
    expect(new TextDecoder().decode(images.body)).toMatch(
      /t10k-images-idx3-ubyte is missing; delete .* and reload/,
    );
  });
});
