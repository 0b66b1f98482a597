// The generator's samples mean something (issue 6 part 4): the trained CVAE fixture
// (test/fixtures/models/cvae-mnist, made by scripts/make-generator-fixture.ts) draws 20 samples per
// class from seeded z ~ N(0, I), and the trained lenet5 fixture names at least 80% of them as their
// label (and at least half of every class, so no class is simply missing).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifierAgreement, gridLabels, loadClassifier } from '../../src/generator/agreement.ts';
import { sampleCvae } from '../../src/generator/cpu-cvae.ts';
import { sampleLatents } from '../../src/generator/cvae-run.ts';
import { cvaeLayout } from '../../src/generator/cvae-spec.ts';
import { crc32 } from '../../src/model/checkpoint.ts';

const fixtureUrl = (ext: string) => new URL(`../fixtures/models/cvae-mnist.${ext}`, import.meta.url);

function loadGeneratorFixture() {
  const meta = JSON.parse(readFileSync(fixtureUrl('json'), 'utf8')) as {
    config: { latent: number };
    crc32: number;
    agreement: number;
  };
  const bytes = new Uint8Array(readFileSync(fixtureUrl('f32')));
  const fix = 'remake it with scripts/make-generator-fixture.ts (its header says how)';
  if (crc32(bytes) !== meta.crc32) throw new Error(`cvae-mnist fixture: the .f32 file is damaged; ${fix}`);
  const length = cvaeLayout(meta.config.latent).length;
  if (bytes.length !== 4 * length)
    throw new Error(`cvae-mnist fixture: ${bytes.length / 4} floats, the layout has ${length}; ${fix}`);
  return { meta, parameters: new Float32Array(bytes.slice().buffer) };
}

describe('trained generator samples under the trained lenet5', () => {
  it('are classified as their label at >= 80%', async () => {
    const { meta, parameters } = loadGeneratorFixture();
    const { latent } = meta.config;
    const labels = gridLabels(10, 20);
    const images = sampleCvae(parameters, latent, labels, sampleLatents(labels.length, latent, 1));
    const classifier = await loadClassifier(
      new URL('../fixtures/models/lenet5-mnist.f32', import.meta.url).pathname,
    );
    const agreement = await classifierAgreement(classifier, images, labels);
    console.log(
      `[cvae fixture] agreement ${(agreement.fraction * 100).toFixed(1)}%, per class ` +
        agreement.perClass.map((f) => `${Math.round(f * 100)}%`).join(' '),
    );
    expect(agreement.total).toBe(200);
    expect(agreement.fraction).toBeGreaterThanOrEqual(0.8);
    agreement.perClass.forEach((f) => expect(f).toBeGreaterThanOrEqual(0.5));
    expect(agreement.fraction).toBeCloseTo(meta.agreement, 6); // the script measured these same samples
  });

  it('draws different digits for different labels from the same z', () => {
    const { meta, parameters } = loadGeneratorFixture();
    const z = sampleLatents(1, meta.config.latent, 5);
    const images = sampleCvae(
      parameters,
      meta.config.latent,
      Int32Array.from([0, 1]),
      Float32Array.from([...z, ...z]),
    );
    let diff = 0;
    for (let i = 0; i < 784; i++) diff += Math.abs(images[i] - images[784 + i]);
    expect(diff / 784).toBeGreaterThan(0.05);
  });
});
