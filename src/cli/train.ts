// `npm run train -- ...`: trains a preset network headless in Node on the GPU (Dawn) or the CPU
// backend, with a progress bar on stderr, evaluates on the test set, prints the test accuracy, loss
// and confusion matrix, and writes a checkpoint, a .safetensors export and filter / feature-map
// PNGs (train-outputs.ts). A lost GPU device is reported and the run resumes from its last snapshot
// on a new device (ResilientTrainer); --lose-device-at rehearses that. Arguments are checked before anything loads (train-args.ts); usage
// errors exit with 2, failures during the run with 1. Usage and measured results: docs/cli.md.

import { loadDataset } from '../data/node-loader.ts';
import type { StepMetrics } from '../model/backend.ts';
import { captureCheckpoint } from '../model/checkpoint-restore.ts';
import { CpuBackend } from '../model/cpu-backend.ts';
import { preset } from '../model/presets.ts';
import { ReopeningGpuFactory } from '../model/resilient-gpu.ts';
import { ResilientTrainer } from '../model/resilient-trainer.ts';
import { scheduleForRun } from '../model/schedule.ts';
import { Trainer, type BackendFactory } from '../model/trainer.ts';
import type { TrainerProgress } from '../model/trainer-loop.ts';
import { addMetrics, emptyMetrics } from '../model/trainer-state.ts';
import { createCliGpu, type CliGpu } from './gpu-setup.ts';
import { ProgressBar } from './progress.ts';
import { runCli } from './cli-kit.ts';
import { outputDir, parseTrainArgs, USAGE, type TrainArgs } from './train-args.ts';
import { writeRunOutputs } from './train-outputs.ts';
import { evaluationSummary, formatConfusion, type RunSummary } from './train-report.ts';

const log = (message: string) => process.stderr.write(`${message}\n`);

/** Aim for a progress report (and, on the GPU, a metrics readback) about this often. */
const REPORT_MS = 500;

interface TrainingResult extends StepMetrics {
  seconds: number;
  /** Images trained, counting steps trained again after a lost device. */
  trainedExamples: number;
}

/**
 * Runs `total` steps, reporting in chunks sized to take about REPORT_MS each. On a lost device it
 * resumes from the last snapshot: the steps after it are trained again, counted again in images/s
 * (work done) but not in the loss and accuracy (those of the run as it ends). A loss that is not
 * finite throws NonFiniteLossError naming the first bad layer.
 */
async function runSteps(
  trainer: Trainer,
  total: number,
  epochs: number,
  loseDevice: { at: number | null; lose: () => void },
): Promise<TrainingResult> {
  let reports: { end: number; metrics: StepMetrics }[] = [];
  const resilient = new ResilientTrainer(trainer, {
    onEvent: (event) => {
      if (event.kind === 'snapshot') return;
      log(`\n${event.message}`);
      if (event.kind === 'resumed') reports = reports.filter((r) => r.end <= event.step);
    },
  });
  let examples = 0;
  const bar = new ProgressBar();
  const start = performance.now();
  let chunk = 1;
  let chunkStart = start;
  const onProgress = ({ metrics }: TrainerProgress) => {
    const chunkMs = performance.now() - chunkStart; // the metrics wait for the GPU: this is real
    chunk = Math.max(1, Math.min(200, Math.round((metrics.steps * REPORT_MS) / Math.max(chunkMs, 1))));
    reports.push({ end: trainer.totalSteps, metrics });
    examples += metrics.examples;
    const seconds = (performance.now() - start) / 1000;
    const line = {
      epoch: trainer.epoch + 1,
      epochs: Math.max(epochs, trainer.epoch + 1),
      step: trainer.stepInEpoch,
      steps: trainer.stepsPerEpoch,
      loss: metrics.lossSum / Math.max(1, metrics.examples),
      accuracy: metrics.correct / Math.max(1, metrics.examples),
      imagesPerSecond: examples / Math.max(seconds, 1e-9),
    };
    bar.update(line, trainer.totalSteps >= total || !Number.isFinite(metrics.lossSum));
    if (loseDevice.at !== null && trainer.totalSteps >= loseDevice.at) {
      loseDevice.at = null;
      log(`\n--lose-device-at ${trainer.totalSteps}: destroying the GPU device`);
      loseDevice.lose();
    }
  };
  const chunkSize = () => {
    chunkStart = performance.now();
    return chunk;
  };
  try {
    await resilient.trainSteps(total - trainer.totalSteps, onProgress, chunkSize);
  } finally {
    bar.done();
  }
  const seconds = (performance.now() - start) / 1000;
  const result: TrainingResult = { ...emptyMetrics(), seconds, trainedExamples: examples };
  for (const report of reports) addMetrics(result, report.metrics);
  return result;
}

interface Backends {
  factory: BackendFactory;
  gpu: CliGpu | null;
  /** Destroys the GPU device in use (--lose-device-at); nothing on the CPU. */
  loseDevice: () => void;
  destroy: () => void;
}

async function backendFactory(args: TrainArgs): Promise<Backends> {
  if (args.backend === 'cpu') {
    return { factory: (d) => CpuBackend.create(d), gpu: null, loseDevice: () => {}, destroy: () => {} };
  }
  const gpu = await createCliGpu();
  if (gpu.note) log(gpu.note);
  log(`GPU adapter: ${gpu.adapter}`);
  if (gpu.fallback) {
    log('This is a CPU fallback adapter (SwiftShader): using small GEMM workgroups, which run faster there.');
  }
  // The first backend gets the device opened above; one made after a loss opens a new device.
  let first: CliGpu | null = gpu;
  const devices = new ReopeningGpuFactory({
    openGpu: async () => {
      const opened = first ?? (await createCliGpu());
      first = null;
      return opened.gpu;
    },
    spec: preset(args.net),
    seed: args.seed,
    tuning: gpu.tuning,
  });
  return {
    factory: devices.create,
    gpu,
    loseDevice: () => devices.gpu?.device.destroy(),
    destroy: () => devices.destroy(),
  };
}

async function run(args: TrainArgs): Promise<RunSummary> {
  const started = performance.now();
  const dataset = await loadDataset(args.dataset, { onConvert: log });
  const backends = await backendFactory(args);
  const { factory, gpu } = backends;
  const optimizer = {
    kind: args.optimizer,
    learningRate: args.learningRate,
    momentum: args.momentum,
    weightDecay: args.weightDecay,
  };
  const spec = preset(args.net);
  const trainer = await Trainer.create({
    spec,
    dataset,
    createBackend: factory,
    seed: args.seed,
    batch: args.batch,
    optimizer,
  });
  try {
    const total = args.steps ?? args.epochs * trainer.stepsPerEpoch;
    const schedule = scheduleForRun(args.schedule, args.warmup, total);
    trainer.setSchedule(schedule);
    const warmup = schedule.warmupSteps > 0 ? ` with ${schedule.warmupSteps} warm-up steps` : '';
    const momentum = args.optimizer === 'sgd' ? ` momentum ${args.momentum}` : '';
    log(
      `Training ${args.net} on ${args.dataset} (${args.backend}): ${total} steps of ${args.batch}, ` +
        `${trainer.stepsPerEpoch} steps per epoch, ${args.optimizer} lr ${optimizer.learningRate}${momentum}` +
        `, ${args.schedule} schedule${warmup}, weight decay ${args.weightDecay}, seed ${args.seed}`,
    );
    const loseDevice = { at: args.loseDeviceAt, lose: backends.loseDevice };
    const trained = await runSteps(trainer, total, args.epochs, loseDevice);
    const evalStart = performance.now();
    const evaluation = await trainer.evaluate('test', args.evalLimit ?? undefined);
    const test = evaluationSummary(evaluation);
    log(
      `Evaluated ${evaluation.examples} test images in ${((performance.now() - evalStart) / 1000).toFixed(1)} s`,
    );
    const out = outputDir(args);
    const files = await writeRunOutputs(out, await captureCheckpoint(trainer), dataset);
    console.log(
      `test accuracy ${(test.accuracy * 100).toFixed(2)}%  test loss ${test.loss.toFixed(4)}  (${evaluation.examples} images)`,
    );
    console.log(formatConfusion(evaluation.confusion, dataset.classNames));
    console.log(`wrote ${files.length} files to ${out}: ${files.join(', ')}`);
    const examples = Math.max(1, trained.examples);
    return {
      net: args.net,
      dataset: args.dataset,
      backend: args.backend,
      adapter: gpu ? gpu.adapter : 'cpu',
      seed: args.seed,
      batch: args.batch,
      optimizer: args.optimizer,
      learning_rate: optimizer.learningRate,
      momentum: args.momentum,
      weight_decay: args.weightDecay,
      schedule: schedule.kind,
      warmup_steps: schedule.warmupSteps,
      epochs: Number((trainer.totalSteps / trainer.stepsPerEpoch).toFixed(4)),
      steps: trainer.totalSteps,
      train_loss: trained.lossSum / examples,
      train_accuracy: trained.correct / examples,
      train_images_per_s: Math.round(trained.trainedExamples / Math.max(trained.seconds, 1e-9)),
      test_examples: evaluation.examples,
      test_loss: test.loss,
      test_accuracy: test.accuracy,
      seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
      out,
    };
  } finally {
    trainer.destroy();
    backends.destroy();
  }
}

// Dawn's device keeps the event loop alive, so exit explicitly once the run is over.
process.exit(
  await runCli(
    { parse: parseTrainArgs, usage: USAGE, run, json: (args) => args.json },
    process.argv.slice(2),
  ),
);
