// The generator's meaning check (issue 6 part 4): how often a trained classifier names each
// generated image's label. Loads the classifier from a .convscope checkpoint or a model fixture
// (<name>.f32 beside <name>.json, scripts/make-model-fixture.ts) and runs it on the CPU backend.
// Node only (reads files). Not the generator and not a training loop.

import { readFile } from 'node:fs/promises';
import { PROBE_MAX } from '../model/backend.ts';
import { crc32, decodeCheckpoint } from '../model/checkpoint.ts';
import { CpuBackend } from '../model/cpu-backend.ts';
import { parameterLayout } from '../model/layout.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { describeNetwork } from '../model/validate.ts';

/** The trained lenet5 the tests use (98.6% on MNIST's test split). */
export const DEFAULT_CLASSIFIER_PATH = 'test/fixtures/models/lenet5-mnist.f32';

export interface Classifier {
  spec: NetworkSpec;
  parameters: Float32Array;
}

/** Reads a classifier; throws naming the file and the fix when it is damaged or does not fit. */
export async function loadClassifier(path: string): Promise<Classifier> {
  const bytes = new Uint8Array(await readFile(path));
  if (!path.endsWith('.f32')) {
    const checkpoint = decodeCheckpoint(bytes);
    return { spec: checkpoint.spec, parameters: checkpoint.parameters };
  }
  const metaPath = path.replace(/\.f32$/, '.json');
  const meta = JSON.parse(await readFile(metaPath, 'utf8')) as { spec: NetworkSpec; crc32: number };
  if (crc32(bytes) !== meta.crc32) {
    throw new Error(`classifier ${path}: its CRC does not match ${metaPath}; remake the fixture`);
  }
  const length = parameterLayout(describeNetwork(meta.spec, 1)).length;
  if (bytes.length !== 4 * length) {
    throw new Error(
      `classifier ${path}: ${bytes.length / 4} floats, its spec needs ${length}; remake the fixture`,
    );
  }
  return { spec: meta.spec, parameters: new Float32Array(bytes.slice().buffer) };
}

export interface Agreement {
  /** Images classified as their label / all images. */
  fraction: number;
  correct: number;
  total: number;
  /** Per class c: the fraction of images labelled c that the classifier called c. */
  perClass: number[];
  /** The classifier's argmax per image. */
  predictions: Int32Array;
}

/** Labels 0,0,..,1,1,..: `perClass` of each of `classes`, class-major (the grid's rows). */
export function gridLabels(classes: number, perClass: number): Int32Array {
  const labels = new Int32Array(classes * perClass);
  for (let i = 0; i < labels.length; i++) labels[i] = Math.floor(i / perClass);
  return labels;
}

function argmaxRow(values: Float32Array, row: number, width: number): number {
  let best = 0;
  for (let c = 1; c < width; c++) if (values[row * width + c] > values[row * width + best]) best = c;
  return best;
}

/** Classifies `images` [N, 784] in [0,1] and compares with `labels` [N]. */
export async function classifierAgreement(
  classifier: Classifier,
  images: Float32Array,
  labels: Int32Array,
  classes = 10,
): Promise<Agreement> {
  const description = describeNetwork(classifier.spec, 1);
  const pixels = description.input.reduce((a, b) => a * b, 1);
  if (images.length !== labels.length * pixels) {
    throw new Error(
      `classifierAgreement: ${labels.length} labels need ${labels.length * pixels} pixels, got ${images.length}`,
    );
  }
  const backend = CpuBackend.create(description, { parameters: classifier.parameters });
  const predictions = new Int32Array(labels.length);
  try {
    for (let start = 0; start < labels.length; start += PROBE_MAX) {
      const count = Math.min(PROBE_MAX, labels.length - start);
      const probe = await backend.probe(images.subarray(start * pixels, (start + count) * pixels), count);
      for (let r = 0; r < count; r++) predictions[start + r] = argmaxRow(probe.probabilities, r, classes);
    }
  } finally {
    backend.destroy();
  }
  const hits = new Array<number>(classes).fill(0);
  const seen = new Array<number>(classes).fill(0);
  labels.forEach((label, i) => {
    seen[label]++;
    if (predictions[i] === label) hits[label]++;
  });
  const correct = hits.reduce((a, b) => a + b, 0);
  const perClass = hits.map((h, c) => (seen[c] > 0 ? h / seen[c] : 0));
  return { fraction: correct / labels.length, correct, total: labels.length, perClass, predictions };
}
