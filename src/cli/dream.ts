// `npm run dream -- --checkpoint FILE`: headless class visualisation and saliency for a trained
// network, on the GPU (Dawn) or the CPU backend. Writes dreams.png (one image per class, the
// probability each reaches printed) and saliency.png (per test image: the image, gradient x input,
// SmoothGrad, occlusion), and prints how much of each map lies on or next to the strokes.
// Usage errors exit with 2, failures with 1. Arguments: dream-args.ts.

import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PIXEL_SCALE } from '../data/batching.ts';
import { loadDataset } from '../data/node-loader.ts';
import { decodeCheckpoint, type Checkpoint } from '../model/checkpoint.ts';
import type { Backend } from '../model/backend.ts';
import { CpuBackend } from '../model/cpu-backend.ts';
import { DEFAULT_DREAM, dreamClasses, type AscentRunner } from '../model/dream.ts';
import { createAscentRunner, createGradientSource, type Refreshing } from '../model/dream-runner.ts';
import { createGpuBackend } from '../model/gpu-backend.ts';
import { classCountOf } from '../model/input-gradient.ts';
import * as S from '../model/saliency.ts';
import { describeNetwork } from '../model/validate.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { dreamMontage, saliencyMontage } from '../viz/dream-images.ts';
import { runCli } from './cli-kit.ts';
import { DREAM_USAGE, parseDreamArgs, type DreamArgs } from './dream-args.ts';
import { createCliGpu } from './gpu-setup.ts';
import { encodePng } from './train-outputs.ts';

const log = (message: string) => process.stderr.write(`${message}\n`);
/** SmoothGrad's noisy copies run as one batch of this many. */
const SALIENCY_BATCH = 16;

interface Engines {
  ascent: AscentRunner & Refreshing;
  gradients: S.GradientSource & Refreshing;
  probe: S.ProbeFunction;
  destroy(): void;
}

/** The backend (for its probe) and the dream and saliency engines on it, at the checkpoint's parameters. */
async function createEngines(args: DreamArgs, checkpoint: Checkpoint, classes: number): Promise<Engines> {
  let backend: Backend;
  let gpu: Gpu | undefined;
  if (args.backend === 'gpu') {
    const cli = await createCliGpu();
    if (cli.note) log(cli.note);
    log(`GPU adapter: ${cli.adapter}`);
    gpu = cli.gpu;
    backend = await createGpuBackend(gpu, checkpoint.spec, {
      batch: SALIENCY_BATCH,
      seed: 0,
      tuning: cli.tuning,
    });
  } else {
    backend = CpuBackend.create(describeNetwork(checkpoint.spec, SALIENCY_BATCH));
  }
  backend.setParameters(checkpoint.parameters);
  const ascent = await createAscentRunner(backend, classes, args.seed, gpu);
  const gradients = await createGradientSource(backend, SALIENCY_BATCH, gpu);
  return {
    ascent,
    gradients,
    probe: (images, count) => backend.probe(images, count),
    destroy: () => {
      ascent.destroy();
      gradients.destroy();
      backend.destroy();
      gpu?.destroy();
    },
  };
}

async function writeSaliency(
  args: DreamArgs,
  checkpoint: Checkpoint,
  engines: Engines,
  out: string,
): Promise<void> {
  const dataset = await loadDataset(args.dataset);
  const [channels, height, width] = describeNetwork(checkpoint.spec, 1).input;
  const pixels = channels * height * width;
  const classes = classCountOf(describeNetwork(checkpoint.spec, 1));
  const rows: { image: Float32Array; maps: Float32Array[] }[] = [];
  for (let n = 0; n < Math.min(args.saliency, dataset.test.count); n++) {
    const image = Float32Array.from(
      dataset.test.images.subarray(n * pixels, (n + 1) * pixels),
      (b) => b * PIXEL_SCALE,
    );
    const probe = await engines.probe(image, 1);
    const target = S.argmax(probe.outputs.at(-1)!);
    const maps = [
      (await S.gradientTimesInput(engines.gradients, image, target, classes)).values,
      (await S.smoothGrad(engines.gradients, image, target, classes)).values,
      (await S.occlusion(engines.probe, image, [channels, height, width], target)).values,
    ];
    const mask = S.strokeMask(image, height, width);
    const near = maps.map((map) => `${(100 * S.massInMask(map, mask)).toFixed(0)}%`).join(' / ');
    const label = dataset.test.labels[n];
    log(`test image ${n} (label ${label}, predicted ${target}): mass within 1 px of the strokes ${near}`);
    rows.push({
      image: image.subarray(0, height * width),
      maps: maps.map((m) => m.subarray(0, height * width)),
    });
  }
  await writeFile(join(out, 'saliency.png'), encodePng(saliencyMontage(rows, height, width, 4)));
  console.log(`saliency.png: ${rows.length} rows of image | gradient x input | SmoothGrad | occlusion`);
}

async function run(args: DreamArgs): Promise<void> {
  const checkpoint = decodeCheckpoint(new Uint8Array(await readFile(args.checkpoint)));
  const description = describeNetwork(checkpoint.spec, 1);
  const classes = classCountOf(description);
  const engines = await createEngines(args, checkpoint, classes);
  try {
    const out = args.out ?? dirname(args.checkpoint);
    await mkdir(out, { recursive: true });
    const start = performance.now();
    const options = {
      ...DEFAULT_DREAM,
      steps: args.steps,
      objective: args.objective,
      start: args.start,
      seed: args.seed,
    };
    const dreams = await dreamClasses(engines.ascent, description.input, classes, options);
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    const picture = dreamMontage(dreams.images, classes, description.input, 4);
    await writeFile(join(out, 'dreams.png'), encodePng(picture));
    console.log(
      `dreams.png: ${classes} classes, ${args.steps} ${args.backend.toUpperCase()} steps in ${seconds} s`,
    );
    console.log(
      `probability of its class: ${dreams.classProbabilities.map((p, c) => `${c}: ${p.toFixed(4)}`).join('  ')}`,
    );
    if (args.saliency > 0) await writeSaliency(args, checkpoint, engines, out);
  } finally {
    engines.destroy();
  }
}

// A Dawn device keeps the event loop alive, so exit explicitly once the run is over.
process.exit(await runCli({ parse: parseDreamArgs, usage: DREAM_USAGE, run }, process.argv.slice(2)));
