// Turns a `npm run generate` output folder into the trained-generator fixture the meaning test loads
// (test/fixtures/models/<name>.f32 + .json): the flat parameters (little-endian f32, cvae-spec.ts's
// layout) plus what made them, the run's loss curve, and the classifier agreement measured here on
// the fixture's own seeded samples (10 classes x SAMPLES_PER_CLASS). The committed cvae-mnist came from
//   npm run generate -- --latent 2 --lr 0.003 --epochs 3 --check-every 250 --out out/cvae-mnist-cpu
//   (seed 0, batch 64; the CLI's recipe; 1077 s on a loaded 2-core machine)
//   npx tsx scripts/make-generator-fixture.ts out/cvae-mnist-cpu cvae-mnist
// Rerun both after a change to the model or its parameter layout.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  classifierAgreement,
  DEFAULT_CLASSIFIER_PATH,
  gridLabels,
  loadClassifier,
} from '../src/generator/agreement.ts';
import { sampleCvae } from '../src/generator/cpu-cvae.ts';
import { sampleLatents } from '../src/generator/cvae-run.ts';
import { CVAE_CLASSES, cvaeLayout } from '../src/generator/cvae-spec.ts';
import type { CvaeConfig } from '../src/generator/types.ts';
import { crc32 } from '../src/model/checkpoint.ts';

/** What test/generator/cvae-fixture.test.ts samples: keep the two in step. */
const SAMPLES_PER_CLASS = 20;
const SAMPLE_SEED = 1;

const [runDir, name] = process.argv.slice(2);
if (!runDir || !name)
  throw new Error('usage: npx tsx scripts/make-generator-fixture.ts <generate-out-dir> <fixture-name>');
const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as {
  command: string;
  dataset: string;
  config: CvaeConfig;
  steps: number;
  epochs: number;
  train_seconds: number;
  curve: unknown[];
};
const bytes = new Uint8Array(readFileSync(join(runDir, 'cvae.f32')));
const parameters = new Float32Array(bytes.slice().buffer);
const { latent } = summary.config;
if (parameters.length !== cvaeLayout(latent).length) {
  throw new Error(
    `${runDir}/cvae.f32 has ${parameters.length} floats; latent ${latent} needs ${cvaeLayout(latent).length}`,
  );
}
const labels = gridLabels(CVAE_CLASSES, SAMPLES_PER_CLASS);
const images = sampleCvae(parameters, latent, labels, sampleLatents(labels.length, latent, SAMPLE_SEED));
const agreement = await classifierAgreement(await loadClassifier(DEFAULT_CLASSIFIER_PATH), images, labels);
const dir = new URL('../test/fixtures/models/', import.meta.url).pathname;
writeFileSync(join(dir, `${name}.f32`), bytes);
const meta = {
  model: 'cvae',
  dataset: summary.dataset,
  config: summary.config,
  floats: parameters.length,
  crc32: crc32(bytes),
  steps: summary.steps,
  epochs: summary.epochs,
  trainSeconds: summary.train_seconds,
  classifier: DEFAULT_CLASSIFIER_PATH,
  samplesPerClass: SAMPLES_PER_CLASS,
  sampleSeed: SAMPLE_SEED,
  agreement: agreement.fraction,
  agreementPerClass: agreement.perClass,
  curve: summary.curve,
  madeBy:
    'npm run generate -- --epochs 3 --out <dir>; npx tsx scripts/make-generator-fixture.ts <dir> <name>',
};
writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(meta, null, 2)}\n`);
console.log(
  `wrote ${name}.f32 (${bytes.length} bytes) and ${name}.json: classifier agreement ${agreement.fraction}`,
);
