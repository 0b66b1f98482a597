// Trains a preset on MNIST (or Fashion-MNIST) with the CPU and the GPU backend side by side, same
// seed, data and settings, and prints after every step (or every --every steps) the mean loss of
// each, their difference and the largest parameter difference; then a JSON summary line.
// Run: node --import tsx --import ./scripts/register-raw-loader.mjs scripts/compare-backends.ts \
//        --net lenet5 --steps 100 --batch 8 [--seed 0] [--optimizer adam|sgd] [--lr 0.003] [--every 1]
// The GPU is Dawn on the driver src/cli/gpu-setup.ts picks (SwiftShader when there is no GPU).
// Not a test: test/model/backend-agreement.gpu.test.ts asserts the same on a small network.

import { parseArgs } from 'node:util';
import { createCliGpu } from '../src/cli/gpu-setup.ts';
import { DATASET_NAMES, type DatasetName } from '../src/data/dataset.ts';
import { loadDataset } from '../src/data/node-loader.ts';
import { compareRuns } from '../src/model/backend-comparison.ts';
import { CpuBackend } from '../src/model/cpu-backend.ts';
import { parameterLayout, type ParameterLayout } from '../src/model/layout.ts';
import { createGpuBackend } from '../src/model/gpu-backend.ts';
import { preset, PRESET_NAMES, type PresetName } from '../src/model/presets.ts';
import { DEFAULT_LEARNING_RATES, recipe } from '../src/model/recipes.ts';
import { Trainer } from '../src/model/trainer.ts';
import { describeNetwork } from '../src/model/validate.ts';

function options() {
  const { values } = parseArgs({
    options: {
      net: { type: 'string', default: 'lenet5' },
      dataset: { type: 'string', default: 'mnist' },
      steps: { type: 'string', default: '100' },
      batch: { type: 'string', default: '8' },
      seed: { type: 'string', default: '0' },
      optimizer: { type: 'string' },
      lr: { type: 'string' },
      every: { type: 'string', default: '1' },
    },
  });
  const whole = (name: string, text: string, min: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} must be a whole number >= ${min}, got ${text}`);
    return n;
  };
  if (!(PRESET_NAMES as readonly string[]).includes(values.net)) {
    throw new Error(`--net must be one of ${PRESET_NAMES.join(', ')}, got ${values.net}`);
  }
  if (!(DATASET_NAMES as readonly string[]).includes(values.dataset)) {
    throw new Error(`--dataset must be one of ${DATASET_NAMES.join(', ')}, got ${values.dataset}`);
  }
  const net = values.net as PresetName;
  const base = recipe(net).optimizer;
  const kind = (values.optimizer ?? base.kind) as 'sgd' | 'adam';
  if (kind !== 'sgd' && kind !== 'adam') throw new Error(`--optimizer must be sgd or adam, got ${kind}`);
  const learningRate = values.lr
    ? Number(values.lr)
    : kind === base.kind
      ? base.learningRate
      : DEFAULT_LEARNING_RATES[kind];
  return {
    net,
    dataset: values.dataset as DatasetName,
    steps: whole('steps', values.steps, 1),
    batch: whole('batch', values.batch, 1),
    seed: whole('seed', values.seed, 0),
    every: whole('every', values.every, 1),
    optimizer: { ...base, kind, learningRate },
  };
}

/** "layer 3 weight[17]" for a flat-layout index. */
function where(layout: ParameterLayout, index: number): string {
  for (const slot of layout.layers) {
    for (const tensor of ['weight', 'bias'] as const) {
      const { offset, length } = slot[tensor];
      if (index >= offset && index < offset + length)
        return `layer ${slot.layerIndex + 1} ${tensor}[${index - offset}]`;
    }
  }
  return index < 0 ? '-' : `gap ${index}`;
}

async function main(): Promise<void> {
  const o = options();
  const dataset = await loadDataset(o.dataset);
  const cli = await createCliGpu();
  if (cli.note) console.log(cli.note);
  const spec = preset(o.net);
  const common = { spec, dataset, seed: o.seed, batch: o.batch, optimizer: o.optimizer };
  const cpu = await Trainer.create({ ...common, createBackend: (d) => CpuBackend.create(d) });
  const gpu = await Trainer.create({
    ...common,
    createBackend: (d) =>
      createGpuBackend(cli.gpu, spec, { batch: d.batch, seed: o.seed, tuning: cli.tuning }),
  });
  console.log(
    `${o.net} on ${o.dataset}, batch ${o.batch}, seed ${o.seed}, ${o.optimizer.kind} lr ${o.optimizer.learningRate}, ` +
      `${o.steps} steps; GPU: ${cli.adapter}`,
  );
  const layout = parameterLayout(describeNetwork(spec, o.batch));
  console.log('  step    CPU loss    GPU loss   |d loss|  max|d param|  (max|param|)  where');
  const start = performance.now();
  const rows = await compareRuns(cpu, gpu, o.steps, o.every, (c) =>
    console.log(
      `${String(c.step).padStart(6)}  ${c.lossA.toFixed(6).padStart(10)}  ${c.lossB.toFixed(6).padStart(10)}  ` +
        `${c.lossDiff.toExponential(2).padStart(9)}  ${c.maxParamDiff.toExponential(2).padStart(12)}  (${c.maxParam.toFixed(3)})  ${where(layout, c.worstIndex)}`,
    ),
  );
  const worst = (key: 'lossDiff' | 'maxParamDiff') => Math.max(...rows.map((r) => r[key]));
  const last = rows[rows.length - 1];
  console.log(
    JSON.stringify({
      net: o.net,
      dataset: o.dataset,
      batch: o.batch,
      steps: o.steps,
      seed: o.seed,
      optimizer: o.optimizer.kind,
      learningRate: o.optimizer.learningRate,
      adapter: cli.adapter,
      max_loss_diff: worst('lossDiff'),
      max_param_diff: worst('maxParamDiff'),
      final_param_diff: last.maxParamDiff,
      final_max_param: last.maxParam,
      seconds: Math.round((performance.now() - start) / 100) / 10,
    }),
  );
  cpu.destroy();
  gpu.destroy();
  cli.gpu.destroy();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
