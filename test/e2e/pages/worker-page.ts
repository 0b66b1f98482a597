// Entry of the worker test page: runs WorkerCpuBackend (a real module Worker) beside an in-page
// CpuBackend, the Autosaver over real IndexedDB, and the checkpoint download / upload helpers,
// and exposes them as window.convscopeWorkerTests for page.evaluate. No assertions of its own.

import { Autosaver } from '../../../src/app/autosave.ts';
import {
  checkpointFileName,
  downloadCheckpoint,
  openCheckpointFile,
} from '../../../src/app/checkpoint-files.ts';
import { indexedDbStore } from '../../../src/app/idb-store.ts';
import { WorkerCpuBackend } from '../../../src/app/worker-backend.ts';
import { epochPermutation } from '../../../src/data/batching.ts';
import { DEFAULT_OPTIMIZER, type Backend, type OptimizerSettings } from '../../../src/model/backend.ts';
import { CpuBackend } from '../../../src/model/cpu-backend.ts';
import { preset } from '../../../src/model/presets.ts';
import { describeNetwork } from '../../../src/model/validate.ts';
import { sampleCheckpoint, sampleCheckpointBytes } from '../../app/sample-checkpoint.ts';
import { tinyDataset, tinySpec } from '../../model/tiny-data.ts';
import type { LoadSummary, LongTaskEntry, WorkerTestApi } from './worker-api.ts';

const longTasks: LongTaskEntry[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
}).observe({ type: 'longtask', buffered: true });

const SEED = 7;
const sgd: OptimizerSettings = { ...DEFAULT_OPTIMIZER, kind: 'sgd', learningRate: 0.1, momentum: 0.9 };
const adam: OptimizerSettings = { ...DEFAULT_OPTIMIZER, kind: 'adam', learningRate: 0.01 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

async function compare() {
  const dataset = tinyDataset({ height: 8, width: 8, classes: 3, train: 29, test: 13, seed: 3 });
  const description = describeNetwork(tinySpec('relu', 'relu'), 4);
  const remote = await WorkerCpuBackend.create(description, { seed: SEED });
  const local = CpuBackend.create(description, { seed: SEED });
  const backends: Backend[] = [remote, local];
  const order = epochPermutation(dataset.train.count, SEED, 0);
  for (const backend of backends) {
    await backend.setData(dataset);
    backend.setEpochOrder(order);
  }
  const runs = await Promise.all(
    backends.map(async (backend) => {
      const metrics = [];
      for (let step = 0; step < 6; step++) {
        if (step < 3) backend.train(step, 1, sgd);
        else backend.train(step, 1, adam, new Float32Array([0.02 / step]));
        metrics.push(await backend.takeMetrics());
      }
      const images = new Float32Array(2 * 64).map((_, i) => ((i * 37) % 255) / 255);
      const [parameters, state, evaluation, probe] = await Promise.all([
        backend.getParameters(),
        backend.getOptimizerState(),
        backend.evaluate('test'),
        backend.probe(images, 2),
      ]);
      return { metrics, parameters, state, evaluation, probe };
    }),
  );
  remote.destroy();
  const [w, p] = runs;
  return {
    worker: w.metrics,
    page: p.metrics,
    parametersEqual: same(w.parameters, p.parameters),
    optimizerStateEqual:
      w.state.step === p.state.step && w.state.slots.every((s, i) => same(s, p.state.slots[i])),
    evaluationEqual:
      w.evaluation.lossSum === p.evaluation.lossSum &&
      same(w.evaluation.confusion, p.evaluation.confusion) &&
      same(w.evaluation.predictions, p.evaluation.predictions),
    probeEqual:
      same(w.probe.probabilities, p.probe.probabilities) &&
      w.probe.outputs.every((o, i) => same(o, p.probe.outputs[i])),
    parameterCount: w.parameters.length,
  };
}

async function deferredError(): Promise<string> {
  const dataset = tinyDataset({ height: 8, width: 8, classes: 3, train: 9, test: 4, seed: 1 });
  const remote = await WorkerCpuBackend.create(describeNetwork(tinySpec(), 2), { seed: SEED });
  await remote.setData(dataset);
  remote.setEpochOrder(new Uint32Array(9).fill(2));
  try {
    await remote.takeMetrics();
    return 'no error';
  } catch (error) {
    return (error as Error).message;
  } finally {
    remote.destroy();
  }
}

async function trainLenet(where: 'worker' | 'page', examples: number, steps: number) {
  const dataset = tinyDataset({ height: 28, width: 28, classes: 10, train: examples, test: 64, seed: 5 });
  const description = describeNetwork(preset('lenet5'), 64);
  const backend: Backend =
    where === 'worker'
      ? await WorkerCpuBackend.create(description, { seed: SEED })
      : CpuBackend.create(description, { seed: SEED });
  await sleep(100); // the long task of building the synthetic dataset is over and reported
  const posted = performance.now();
  // From a timer task, as the app would call it (the observer sees page tasks only).
  const [setDataMs, loaded] = await new Promise<[number, Promise<void>]>((resolve) =>
    setTimeout(() => {
      const loading = backend.setData(dataset);
      resolve([performance.now() - posted, loading]);
    }),
  );
  await loaded;
  await sleep(100);
  const setDataLongTasks = longTasks.filter((t) => t.start >= posted);
  backend.setEpochOrder(epochPermutation(examples, SEED, 0));
  await sleep(100);
  const start = performance.now();
  // From a timer task, as the app's loop would run it (the observer sees page tasks only).
  const metrics = await new Promise<Awaited<ReturnType<Backend['takeMetrics']>>>((resolve, reject) =>
    setTimeout(() => {
      backend.train(0, steps, sgd);
      backend.takeMetrics().then(resolve, reject);
    }),
  );
  const trainMs = performance.now() - start;
  await sleep(200);
  backend.destroy();
  return {
    setDataMs,
    setDataLongTasks,
    trainMs,
    metrics,
    longTasks: longTasks.filter((t) => t.start >= start),
  };
}

const saver = new Autosaver<{ preset: string }, number[]>(indexedDbStore({ database: 'convscope-e2e' }));

async function autoload(): Promise<LoadSummary> {
  const loaded = await saver.load();
  const restored = loaded.status === 'restored' ? loaded : null;
  return {
    status: loaded.status,
    message: 'message' in loaded ? loaded.message : null,
    step: restored?.checkpoint.step ?? null,
    config: restored?.record.config ?? null,
    history: restored?.record.history ?? null,
    bytes: restored?.record.checkpoint.byteLength ?? null,
  };
}

let upload: Promise<LoadSummary & { applied: number }> | null = null;
document.querySelector<HTMLInputElement>('#upload')!.addEventListener('change', (event) => {
  const file = (event.target as HTMLInputElement).files![0];
  let applied = 0;
  upload = openCheckpointFile(file, () => void applied++).then((result) => ({
    status: result.ok ? 'opened' : 'refused',
    message: result.ok ? null : result.message,
    step: result.ok ? result.checkpoint.step : null,
    config: null,
    history: null,
    bytes: file.size,
    applied,
  }));
});

const api: WorkerTestApi = {
  compare,
  deferredError,
  trainLenet,
  autosave: (step) =>
    saver.save(() => ({
      checkpoint: sampleCheckpointBytes(step),
      config: { preset: 'tiny' },
      history: [step],
    })),
  autoload,
  autoclear: () => saver.clear(),
  download(step) {
    const bytes = sampleCheckpointBytes(step);
    const fileName = checkpointFileName(sampleCheckpoint(step), 'synthetic');
    downloadCheckpoint(bytes, fileName);
    return { fileName, bytes: bytes.length };
  },
  async uploadResult() {
    while (!upload) await sleep(20);
    const result = await upload;
    upload = null;
    return result;
  },
};

window.convscopeWorkerTests = api;
document.body.dataset.ready = 'true';
