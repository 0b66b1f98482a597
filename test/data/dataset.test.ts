// Building and validating a Dataset from IDX bytes, on small hand-made files (knownSizes off):
// matching counts, labels within the classes, dims, histograms and image views.
import { describe, expect, it } from 'vitest';
import {
  DatasetError,
  datasetFromIdx,
  imageBytes,
  labelHistogram,
  type IdxFileBytes,
} from '../../src/data/dataset.ts';
import { encodeIdx } from '../../src/data/idx.ts';
import { Random } from '../../src/util/random.ts';

const PIXELS = 28 * 28;

function randomBytes(count: number, seed: number, below = 256): Uint8Array {
  const random = new Random(seed);
  return Uint8Array.from({ length: count }, () => random.int(below));
}

function smallFiles(train: number, test: number, seed = 3): IdxFileBytes {
  return {
    trainImages: encodeIdx([train, 28, 28], randomBytes(train * PIXELS, seed)),
    trainLabels: encodeIdx([train], randomBytes(train, seed + 1, 10)),
    testImages: encodeIdx([test, 28, 28], randomBytes(test * PIXELS, seed + 2)),
    testLabels: encodeIdx([test], randomBytes(test, seed + 3, 10)),
  };
}

const small = { knownSizes: false, source: 'fixtures' };

describe('datasetFromIdx', () => {
  it('builds a dataset whose splits are views of the files', () => {
    const files = smallFiles(13, 7);
    const ds = datasetFromIdx('fashion-mnist', files, small);
    expect(ds.classNames[9]).toBe('Ankle boot');
    expect([ds.imageHeight, ds.imageWidth, ds.channels]).toEqual([28, 28, 1]);
    expect([ds.train.count, ds.test.count]).toEqual([13, 7]);
    expect(ds.train.images.buffer).toBe(files.trainImages.buffer);
    expect(ds.test.labels[6]).toBe(files.testLabels[8 + 6]);
  });

  it('rejects images and labels of different counts', () => {
    const files = smallFiles(13, 7);
    files.trainLabels = encodeIdx([12], randomBytes(12, 9, 10));
    expect(() => datasetFromIdx('mnist', files, small)).toThrow(
      'MNIST train split: 13 images but 12 labels; the image and label files do not belong together.',
    );
  });

  it('rejects a label that is not a class, naming its index', () => {
    const files = smallFiles(13, 7);
    files.testLabels[8 + 4] = 10;
    expect(() => datasetFromIdx('mnist', files, small)).toThrow(DatasetError);
    expect(() => datasetFromIdx('mnist', files, small)).toThrow(
      'MNIST test split: label 10 at index 4 is not a class (there are 10, labelled 0 to 9).',
    );
  });

  it('rejects images that are not 28x28', () => {
    const files = smallFiles(13, 7);
    files.testImages = encodeIdx([7, 27, 29], randomBytes(7 * 27 * 29, 5));
    expect(() => datasetFromIdx('mnist', files, small)).toThrow(
      'fixtures/t10k-images-idx3-ubyte: image dims are [7, 27, 29], expected [N, 28, 28].',
    );
  });

  it('passes parse errors through with the file path', () => {
    const files = smallFiles(13, 7);
    files.trainImages = files.trainImages.subarray(0, files.trainImages.length - 3);
    expect(() => datasetFromIdx('mnist', files, small)).toThrow(
      'fixtures/train-images-idx3-ubyte: IDX file truncated: expected 10192 bytes of data for dims [13, 28, 28], found 10189',
    );
  });

  it('requires the known split sizes unless told otherwise', () => {
    expect(() => datasetFromIdx('mnist', smallFiles(13, 7))).toThrow(
      'MNIST train split: 13 images, expected 60000; the files are incomplete or mixed up.',
    );
  });
});

describe('labelHistogram and imageBytes', () => {
  it('counts labels per class', () => {
    expect(labelHistogram(new Uint8Array([2, 0, 2, 4, 2, 1]), 5)).toEqual([1, 1, 3, 0, 1]);
    expect(() => labelHistogram(new Uint8Array([5]), 5)).toThrow('label 5 >= 5 classes');
  });

  it('returns the bytes of one image and rejects indices outside the split', () => {
    const ds = datasetFromIdx('mnist', smallFiles(13, 7), small);
    const image = imageBytes(ds, 'train', 12);
    expect(image.length).toBe(PIXELS);
    expect(image[0]).toBe(ds.train.images[12 * PIXELS]);
    expect(image[PIXELS - 1]).toBe(ds.train.images[13 * PIXELS - 1]);
    expect(() => imageBytes(ds, 'test', 7)).toThrow('index 7 outside the 7 test images');
  });
});
