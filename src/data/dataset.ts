// Datasets as bytes: the Dataset type, what each named dataset is, and building a validated
// Dataset from the four IDX files every dataset here ships as. Pure (no file or network access),
// shared by the Node loader and the browser; they only fetch bytes and call `datasetFromIdx`.

import { parseIdx } from './idx.ts';

export type DatasetName = 'mnist' | 'fashion-mnist';
export const DATASET_NAMES: readonly DatasetName[] = ['mnist', 'fashion-mnist'];

/** One split: `count` images of imageHeight*imageWidth bytes each (row-major), one label byte each. */
export interface DatasetSplit {
  count: number;
  images: Uint8Array;
  labels: Uint8Array;
}

export interface Dataset {
  name: DatasetName;
  classNames: string[];
  imageHeight: number;
  imageWidth: number;
  channels: 1;
  train: DatasetSplit;
  test: DatasetSplit;
}

export type SplitName = 'train' | 'test';

/** The four files of a dataset, named as in the original MNIST and Fashion-MNIST releases. */
export const IDX_FILE_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type IdxFileRole = keyof typeof IDX_FILE_NAMES;
export type IdxFileBytes = Record<IdxFileRole, Uint8Array>;

interface DatasetInfo {
  title: string;
  classNames: string[];
  imageHeight: number;
  imageWidth: number;
  trainCount: number;
  testCount: number;
}

export const DATASET_INFO: Record<DatasetName, DatasetInfo> = {
  mnist: {
    title: 'MNIST',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    imageHeight: 28,
    imageWidth: 28,
    trainCount: 60000,
    testCount: 10000,
  },
  'fashion-mnist': {
    title: 'Fashion-MNIST',
    classNames: [
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
    ],
    imageHeight: 28,
    imageWidth: 28,
    trainCount: 60000,
    testCount: 10000,
  },
};

/** Thrown when files parse as IDX but do not form the expected dataset. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

function splitFromIdx(
  info: DatasetInfo,
  images: Uint8Array,
  labels: Uint8Array,
  names: { images: string; labels: string },
): DatasetSplit {
  const img = parseIdx(images, names.images);
  const lab = parseIdx(labels, names.labels);
  const want = `[N, ${info.imageHeight}, ${info.imageWidth}]`;
  if (img.dims.length !== 3 || img.dims[1] !== info.imageHeight || img.dims[2] !== info.imageWidth) {
    throw new DatasetError(`${names.images}: image dims are [${img.dims.join(', ')}], expected ${want}.`);
  }
  if (lab.dims.length !== 1) {
    throw new DatasetError(`${names.labels}: label dims are [${lab.dims.join(', ')}], expected [N].`);
  }
  return { count: img.dims[0], images: img.data, labels: lab.data };
}

export interface DatasetCheckOptions {
  /** Require the split sizes the dataset is known to have (60000/10000); off for small test files. */
  knownSizes?: boolean;
}

/**
 * Builds a Dataset from the bytes of its four IDX files (views into them, no copies) and
 * validates it. `source` (a directory or URL prefix) is prefixed to file names in errors.
 */
export function datasetFromIdx(
  name: DatasetName,
  files: IdxFileBytes,
  options: DatasetCheckOptions & { source?: string } = {},
): Dataset {
  const info = DATASET_INFO[name];
  const source = options.source ?? '';
  const path = (role: IdxFileRole) => (source ? `${source}/${IDX_FILE_NAMES[role]}` : IDX_FILE_NAMES[role]);
  const dataset: Dataset = {
    name,
    classNames: info.classNames.slice(),
    imageHeight: info.imageHeight,
    imageWidth: info.imageWidth,
    channels: 1,
    train: splitFromIdx(info, files.trainImages, files.trainLabels, {
      images: path('trainImages'),
      labels: path('trainLabels'),
    }),
    test: splitFromIdx(info, files.testImages, files.testLabels, {
      images: path('testImages'),
      labels: path('testLabels'),
    }),
  };
  validateDataset(dataset, options);
  return dataset;
}

/**
 * Checks that each split's images and labels agree in count, that every label names a class,
 * and (unless knownSizes is false) that the split sizes are the ones this dataset is known to
 * have. Throws DatasetError.
 */
export function validateDataset(dataset: Dataset, options: DatasetCheckOptions = {}): void {
  const info = DATASET_INFO[dataset.name];
  const pixels = dataset.imageHeight * dataset.imageWidth * dataset.channels;
  const classes = dataset.classNames.length;
  const title = info.title;
  for (const splitName of ['train', 'test'] as const) {
    const split = dataset[splitName];
    const where = `${title} ${splitName} split`;
    if (split.images.length !== split.count * pixels) {
      throw new DatasetError(
        `${where}: ${split.images.length} image bytes for ${split.count} images of ${pixels}.`,
      );
    }
    if (split.labels.length !== split.count) {
      throw new DatasetError(
        `${where}: ${split.count} images but ${split.labels.length} labels; the image and label files do not belong together.`,
      );
    }
    const expected = splitName === 'train' ? info.trainCount : info.testCount;
    if (options.knownSizes !== false && split.count !== expected) {
      throw new DatasetError(
        `${where}: ${split.count} images, expected ${expected}; the files are incomplete or mixed up.`,
      );
    }
    const bad = split.labels.findIndex((label) => label >= classes);
    if (bad >= 0) {
      throw new DatasetError(
        `${where}: label ${split.labels[bad]} at index ${bad} is not a class (there are ${classes}, labelled 0 to ${classes - 1}).`,
      );
    }
  }
}

/** Counts of each label value in [0, classes). */
export function labelHistogram(labels: Uint8Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of labels) {
    if (label >= classes) throw new RangeError(`labelHistogram: label ${label} >= ${classes} classes`);
    counts[label]++;
  }
  return counts;
}

/** Bytes of one image (a view), row-major, imageHeight*imageWidth*channels long. */
export function imageBytes(dataset: Dataset, split: SplitName, index: number): Uint8Array {
  const s = dataset[split];
  if (!Number.isInteger(index) || index < 0 || index >= s.count) {
    throw new RangeError(`imageBytes: index ${index} outside the ${s.count} ${split} images`);
  }
  const pixels = dataset.imageHeight * dataset.imageWidth * dataset.channels;
  return s.images.subarray(index * pixels, (index + 1) * pixels);
}
