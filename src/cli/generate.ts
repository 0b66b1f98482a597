// `npm run generate -- ...`: trains the conditional generator (CVAE) headless on MNIST or
// Fashion-MNIST on the CPU or the GPU (Dawn, src/generator/gpu-cvae.ts),
// with a progress line on stderr; writes samples.png (a row per class), cvae.f32 (the flat
// parameters, little-endian) and summary.json (config, loss curve, timings, classifier agreement),
// and prints how often a trained classifier names each sample's label. Usage errors exit with 2,
// failures with 1. Arguments: generate-args.ts; the loop and the grid: generate-run.ts.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { batchCount } from '../data/batching.ts';
import type { Dataset } from '../data/dataset.ts';
import { loadDataset } from '../data/node-loader.ts';
import { classifierAgreement, gridLabels, loadClassifier } from '../generator/agreement.ts';
import { createCpuCvae } from '../generator/cpu-cvae.ts';
import { CVAE_CLASSES } from '../generator/cvae-spec.ts';
import { sampleLatents } from '../generator/cvae-run.ts';
import { createGpuCvae } from '../generator/gpu-cvae.ts';
import type { CvaeConfig } from '../generator/types.ts';
import { generateOutputDir, GENERATE_USAGE, parseGenerateArgs, type GenerateArgs } from './generate-args.ts';
import { runCli } from './cli-kit.ts';
import { curveSpacing, sampleGridImage, trainWithCurve } from './generate-run.ts';
import { ProgressBar } from './progress.ts';
import { createCliGpu } from './gpu-setup.ts';
import { encodePng } from './train-outputs.ts';

const log = (message: string) => process.stderr.write(`${message}\n`);

async function createModel(args: GenerateArgs, dataset: Dataset, config: CvaeConfig) {
  if (args.backend === 'cpu') return { model: createCpuCvae(dataset, config), gpu: null, adapter: 'cpu' };
  const cli = await createCliGpu();
  if (cli.note) log(cli.note);
  log(`GPU adapter: ${cli.adapter}`);
  const model = await createGpuCvae(cli.gpu, dataset, config, { tuning: cli.tuning });
  return { model, gpu: cli.gpu, adapter: cli.adapter };
}

async function run(args: GenerateArgs, argv: readonly string[]): Promise<Record<string, unknown>> {
  const started = performance.now();
  // Read the classifier first: a bad path should fail before minutes of training.
  const classifier = await loadClassifier(args.classifier);
  const dataset = await loadDataset(args.dataset, { onConvert: log });
  const config = { latent: args.latent, seed: args.seed, batch: args.batch, learningRate: args.learningRate };
  const stepsPerEpoch = batchCount(dataset.train.count, args.batch);
  const total = args.steps ?? args.epochs * stepsPerEpoch;
  const { model, gpu, adapter } = await createModel(args, dataset, config);
  try {
    log(
      `Training the generator on ${args.dataset} (${args.backend}): ${total} steps of ${args.batch} ` +
        `(${stepsPerEpoch} per epoch), latent ${args.latent}, Adam lr ${args.learningRate}, seed ${args.seed}`,
    );
    const labels = gridLabels(CVAE_CLASSES, args.samples);
    const latents = sampleLatents(labels.length, args.latent, args.sampleSeed);
    const measure = async () => {
      const images = await model.sample(labels, latents);
      return { images, agreement: await classifierAgreement(classifier, images, labels) };
    };
    const check = args.checkEvery === null ? undefined : async () => (await measure()).agreement.fraction;
    const trained = await trainWithCurve(
      model,
      total,
      args.checkEvery ?? curveSpacing(total),
      new ProgressBar(),
      check,
    );
    const { images, agreement } = await measure();
    const out = generateOutputDir(args);
    await mkdir(out, { recursive: true });
    const parameters = await model.parameters();
    const last = trained.curve[trained.curve.length - 1];
    const summary = {
      command: ['npm run generate --', ...argv].join(' '),
      dataset: args.dataset,
      backend: args.backend,
      adapter,
      config,
      steps: total,
      epochs: Number((total / stepsPerEpoch).toFixed(4)),
      final_loss: last.loss,
      final_reconstruction: last.reconstruction,
      final_kl: last.kl,
      train_seconds: Number(trained.seconds.toFixed(2)),
      train_images_per_s: Math.round(trained.imagesPerSecond),
      classifier: args.classifier,
      samples_per_class: args.samples,
      sample_seed: args.sampleSeed,
      agreement: agreement.fraction,
      agreement_per_class: agreement.perClass,
      parameters: parameters.length,
      curve: trained.curve,
      seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
      out,
    };
    const grid = sampleGridImage(images, CVAE_CLASSES, args.samples);
    await writeFile(join(out, 'samples.png'), encodePng(grid));
    await writeFile(
      join(out, 'cvae.f32'),
      new Uint8Array(parameters.buffer, parameters.byteOffset, parameters.byteLength),
    );
    await writeFile(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    console.log(
      `final loss ${last.loss.toFixed(2)} = reconstruction ${last.reconstruction.toFixed(2)} + KL ${last.kl.toFixed(2)}` +
        ` after ${total} steps in ${trained.seconds.toFixed(1)} s`,
    );
    console.log(
      `classifier agreement ${(agreement.fraction * 100).toFixed(1)}% (${agreement.correct}/${agreement.total} samples ` +
        `named as their label); per class ${agreement.perClass.map((f) => `${Math.round(f * 100)}%`).join(' ')}`,
    );
    console.log(`wrote samples.png, cvae.f32, summary.json to ${out}`);
    return summary;
  } finally {
    model.destroy();
    gpu?.destroy();
  }
}

// A Dawn device keeps the event loop alive, so exit explicitly once the run is over.
const argv = process.argv.slice(2);
process.exit(
  await runCli(
    {
      parse: parseGenerateArgs,
      usage: GENERATE_USAGE,
      run: (args) => run(args, argv),
      json: (args) => args.json,
    },
    argv,
  ),
);
