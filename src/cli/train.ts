// `npm run train -- ...`: trains a preset network headless in Node on the GPU (Dawn) or the CPU
// backend, with a progress bar on stderr, evaluates on the test set, prints the test accuracy, loss
// and confusion matrix, and writes a checkpoint, a .safetensors export and filter / feature-map
// PNGs (train-outputs.ts). Arguments are checked before anything loads (train-args.ts); usage
// errors exit with 2, failures during the run with 1. Usage and measured results: docs/cli.md.

import { loadDataset } from '../data/node-loader.ts';
import type { StepMetrics } from '../model/backend.ts';
import { captureCheckpoint } from '../model/checkpoint-restore.ts';
import { CpuBackend } from '../model/cpu-backend.ts';
import { createGpuBackend } from '../model/gpu-backend.ts';
import { preset } from '../model/presets.ts';
import { scheduleForRun } from '../model/schedule.ts';
import { Trainer, type BackendFactory } from '../model/trainer.ts';
import { createCliGpu, type CliGpu } from './gpu-setup.ts';
import { ProgressBar } from './progress.ts';
import { outputDir, parseTrainArgs, USAGE, UsageError, type TrainArgs } from './train-args.ts';
import { writeRunOutputs } from './train-outputs.ts';
import { evaluationSummary, formatConfusion, type RunSummary } from './train-report.ts';

const log = (message: string) => process.stderr.write(`${message}\n`);

/** Aim for a progress report (and, on the GPU, a metrics readback) about this often. */
const REPORT_MS = 500;

interface TrainingResult extends StepMetrics {
  seconds: number;
}

/** Runs `total` steps, reporting in chunks sized to take about REPORT_MS each. */
async function runSteps(trainer: Trainer, total: number, epochs: number): Promise<TrainingResult> {
  const result: TrainingResult = { steps: 0, examples: 0, lossSum: 0, correct: 0, seconds: 0 };
  const bar = new ProgressBar();
  const start = performance.now();
  let chunk = 1;
  while (result.steps < total) {
    const inEpoch = trainer.stepInEpoch === trainer.stepsPerEpoch ? 0 : trainer.stepInEpoch;
    const count = Math.min(chunk, total - result.steps, trainer.stepsPerEpoch - inEpoch);
    const chunkStart = performance.now();
    trainer.step(count);
    const metrics = await trainer.takeMetrics(); // waits for the GPU: the timing below is real
    const chunkMs = performance.now() - chunkStart;
    chunk = Math.max(1, Math.min(200, Math.round((count * REPORT_MS) / Math.max(chunkMs, 1))));
    result.steps += metrics.steps;
    result.examples += metrics.examples;
    result.lossSum += metrics.lossSum;
    result.correct += metrics.correct;
    result.seconds = (performance.now() - start) / 1000;
    const line = {
      epoch: trainer.epoch + 1,
      epochs: Math.max(epochs, trainer.epoch + 1),
      step: trainer.stepInEpoch,
      steps: trainer.stepsPerEpoch,
      loss: metrics.lossSum / Math.max(1, metrics.examples),
      accuracy: metrics.correct / Math.max(1, metrics.examples),
      imagesPerSecond: result.examples / Math.max(result.seconds, 1e-9),
    };
    bar.update(line, result.steps >= total);
    if (!Number.isFinite(metrics.lossSum)) {
      bar.done();
      // Names the first layer whose output or gradient went bad (replays from the trainer's snapshot).
      throw await trainer.nonFiniteLossError(metrics);
    }
  }
  bar.done();
  return result;
}

async function backendFactory(args: TrainArgs): Promise<{ factory: BackendFactory; gpu: CliGpu | null }> {
  if (args.backend === 'cpu') return { factory: (d) => CpuBackend.create(d), gpu: null };
  const gpu = await createCliGpu();
  if (gpu.note) log(gpu.note);
  log(`GPU adapter: ${gpu.adapter}`);
  if (gpu.fallback) {
    log('This is a CPU fallback adapter (SwiftShader): using 4x4 GEMM tiles, which run ~10x faster there.');
  }
  const spec = preset(args.net);
  const factory: BackendFactory = (d) =>
    createGpuBackend(gpu.gpu, spec, { batch: d.batch, seed: args.seed, tuning: gpu.tuning });
  return { factory, gpu };
}

async function run(args: TrainArgs): Promise<RunSummary> {
  const started = performance.now();
  const dataset = await loadDataset(args.dataset, { onConvert: log });
  const { factory, gpu } = await backendFactory(args);
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
    // A NaN diagnosis replays only from a snapshot with the run's schedule: take one now.
    await trainer.snapshot();
    const warmup = schedule.warmupSteps > 0 ? ` with ${schedule.warmupSteps} warm-up steps` : '';
    const momentum = args.optimizer === 'sgd' ? ` momentum ${args.momentum}` : '';
    log(
      `Training ${args.net} on ${args.dataset} (${args.backend}): ${total} steps of ${args.batch}, ` +
        `${trainer.stepsPerEpoch} steps per epoch, ${args.optimizer} lr ${optimizer.learningRate}${momentum}` +
        `, ${args.schedule} schedule${warmup}, weight decay ${args.weightDecay}, seed ${args.seed}`,
    );
    const trained = await runSteps(trainer, total, args.epochs);
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
      train_images_per_s: Math.round(trained.examples / Math.max(trained.seconds, 1e-9)),
      test_examples: evaluation.examples,
      test_loss: test.loss,
      test_accuracy: test.accuracy,
      seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
      out,
    };
  } finally {
    trainer.destroy();
    gpu?.gpu.device.destroy();
  }
}

/** The exit code: 0 done, 1 the run failed, 2 bad arguments. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: TrainArgs;
  try {
    args = parseTrainArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    log(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    const summary = await run(args);
    if (args.json) console.log(JSON.stringify(summary));
    return 0;
  } catch (error) {
    log(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

// Dawn's device keeps the event loop alive, so exit explicitly once the run is over.
process.exit(await main(process.argv.slice(2)));
