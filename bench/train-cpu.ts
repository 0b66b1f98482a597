// Training throughput of the CPU backend (src/model/cpu-backend.ts: fast im2col + GEMM conv and
// dense, single-threaded) on MNIST for the reference networks, plus a per-layer split of one step.
// Run: npx tsx bench/train-cpu.ts [--batch 64] [--steps 20] [--nets seed,lenet5,convnet]
// With --epoch NAME it instead trains NAME for one epoch of full MNIST through the Trainer
// (SGD lr 0.03, momentum 0.9, seed 1) and prints the test accuracy.
// Not the GPU benchmark (npm run bench) and not the per-kernel CPU comparison (bench/cpu-fast.ts).

import os from 'node:os';
import { parseArgs } from 'node:util';
import { epochPermutation } from '../src/data/batching.ts';
import { loadDataset } from '../src/data/node-loader.ts';
import { DEFAULT_OPTIMIZER } from '../src/model/backend.ts';
import { CpuBackend, createCpuBackend } from '../src/model/cpu-backend.ts';
import { PRESET_NAMES, preset, type PresetName } from '../src/model/presets.ts';
import { Trainer } from '../src/model/trainer.ts';

const { values } = parseArgs({
  options: {
    batch: { type: 'string' },
    steps: { type: 'string' },
    nets: { type: 'string' },
    epoch: { type: 'string' },
  },
});
const batch = Number(values.batch ?? 64);
const steps = Number(values.steps ?? 20);
const nets = (values.nets?.split(',') ?? [...PRESET_NAMES]) as PresetName[];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Per layer, the median ms of its forward and backward over a few steps (same batches as training). */
function layerSplit(backend: CpuBackend): string[] {
  const net = backend.network;
  const forward = net.layers.map(() => [] as number[]);
  const backward = net.layers.map(() => [] as number[]);
  for (let r = 0; r < 5; r++) {
    net.layers.forEach((_, i) => {
      const start = performance.now();
      net.forwardLayer(i);
      forward[i].push(performance.now() - start);
    });
    for (let i = net.layers.length - 1; i >= 0; i--) {
      const start = performance.now();
      net.backwardLayer(i);
      backward[i].push(performance.now() - start);
    }
  }
  return net.layers.map(
    (l, i) =>
      `    ${l.description.label.padEnd(24)} forward ${median(forward[i]).toFixed(2).padStart(7)} ms` +
      `   backward ${median(backward[i]).toFixed(2).padStart(7)} ms`,
  );
}

async function trainOneEpoch(name: PresetName): Promise<void> {
  const trainer = await Trainer.create({
    spec: preset(name),
    dataset,
    createBackend: (d) => CpuBackend.create(d),
    seed: 1,
    batch,
    optimizer: { kind: 'sgd', learningRate: 0.03, momentum: 0.9, weightDecay: 0 },
  });
  const start = performance.now();
  await trainer.trainEpochs(
    1,
    (p) => {
      const loss = p.metrics.lossSum / p.metrics.examples;
      const seconds = (performance.now() - start) / 1000;
      console.log(
        `  step ${p.stepInEpoch}/${p.stepsPerEpoch} loss ${loss.toFixed(3)} (${seconds.toFixed(0)} s)`,
      );
    },
    100,
  );
  const trainSeconds = (performance.now() - start) / 1000;
  const result = await trainer.evaluate('test');
  const accuracy = (100 * result.correct) / result.examples;
  console.log(
    `${name}: 1 epoch of ${dataset.train.count} images at batch ${batch} in ${trainSeconds.toFixed(0)} s ` +
      `(${(dataset.train.count / trainSeconds).toFixed(0)} images/s); test accuracy ${accuracy.toFixed(2)}% ` +
      `(${result.correct}/${result.examples}), mean test loss ${(result.lossSum / result.examples).toFixed(4)}`,
  );
}

const dataset = await loadDataset('mnist');
console.log(
  `CPU: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores (the backend uses 1); ` +
    `Node ${process.version}; batch ${batch}; load average ${os.loadavg()[0].toFixed(2)}`,
);
if (values.epoch) await trainOneEpoch(values.epoch as PresetName);
for (const name of values.epoch ? [] : nets) {
  const backend = createCpuBackend(preset(name), { batch, seed: 1 });
  await backend.setData(dataset);
  backend.setEpochOrder(epochPermutation(dataset.train.count, 1, 0));
  const settings = { ...DEFAULT_OPTIMIZER, learningRate: 0.01 };
  backend.train(0, 3, settings); // warm-up: let V8 optimise
  const times: number[] = [];
  for (let s = 0; s < steps; s++) {
    const start = performance.now();
    backend.train(3 + s, 1, settings);
    times.push(performance.now() - start);
  }
  const ms = median(times);
  const evalStart = performance.now();
  await backend.evaluate('test', 2000);
  const evalMs = performance.now() - evalStart;
  console.log(
    `${name.padEnd(8)} train ${((batch * 1000) / ms).toFixed(0).padStart(6)} images/s ` +
      `(median ${ms.toFixed(1)} ms per step, min ${Math.min(...times).toFixed(1)}, max ` +
      `${Math.max(...times).toFixed(1)}); evaluate ${((2000 * 1000) / evalMs).toFixed(0)} images/s`,
  );
  for (const line of layerSplit(backend)) console.log(line);
}
