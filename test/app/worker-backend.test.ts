// WorkerCpuBackend over an in-process stand-in for the worker (same host code, structured clones
// and transfers, one macrotask per message): it follows CpuBackend exactly (metrics, parameters,
// optimizer state, evaluation), keeps call order, reports errors where CpuBackend does, posts
// compact copies of dataset views and ends cleanly. The real Worker in Chromium:
// test/e2e/worker-backend.e2e.test.ts.

import { describe, expect, it } from 'vitest';
import { epochPermutation } from '../../src/data/batching.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../../src/model/backend.ts';
import { CpuBackend } from '../../src/model/cpu-backend.ts';
import { initialParameters } from '../../src/model/layout.ts';
import { describeNetwork } from '../../src/model/validate.ts';
import {
  addChunk,
  allocateDataset,
  datasetChunks,
  outlineDataset,
  type DatasetChunk,
} from '../../src/app/cpu-worker-protocol.ts';
import { WorkerCpuBackend } from '../../src/app/worker-backend.ts';
import { tinyDataset, tinySpec } from '../model/tiny-data.ts';
import { InProcessWorker } from './in-process-worker.ts';

const BATCH = 4;
const SEED = 23;
const dataset = tinyDataset({ height: 8, width: 8, classes: 3, train: 17, test: 11, seed: 9 });
const description = describeNetwork(tinySpec('relu', 'relu'), BATCH);
const sgd: OptimizerSettings = { ...DEFAULT_OPTIMIZER, kind: 'sgd', learningRate: 0.1, momentum: 0.9 };
const adam: OptimizerSettings = {
  ...DEFAULT_OPTIMIZER,
  kind: 'adam',
  learningRate: 0.01,
  weightDecay: 0.001,
};

async function both(data: Dataset = dataset) {
  const worker = new InProcessWorker();
  const remote = await WorkerCpuBackend.create(description, { seed: SEED, worker });
  const local = CpuBackend.create(description, { seed: SEED });
  await Promise.all([remote.setData(data), local.setData(data)]);
  const order = epochPermutation(data.train.count, SEED, 0);
  remote.setEpochOrder(order);
  local.setEpochOrder(order);
  return { worker, remote, local, order };
}

describe('WorkerCpuBackend follows CpuBackend', () => {
  it('metrics, parameters, optimizer state and evaluation are identical over SGD then Adam steps', async () => {
    const { remote, local } = await both();
    for (const [first, settings] of [
      [0, sgd],
      [1, sgd],
      [2, adam],
      [3, adam],
    ] as const) {
      remote.train(first, 1, settings);
      local.train(first, 1, settings);
      const [r, l] = await Promise.all([remote.takeMetrics(), local.takeMetrics()]);
      expect(r).toEqual(l);
      expect(r.steps).toBe(1);
      expect(r.examples).toBe(BATCH);
    }
    const [rp, lp] = await Promise.all([remote.getParameters(), local.getParameters()]);
    expect(rp).toEqual(lp);
    expect(rp).not.toEqual(initialParameters(description, SEED)); // training moved them
    const [rs, ls] = await Promise.all([remote.getOptimizerState(), local.getOptimizerState()]);
    expect(rs).toEqual(ls);
    expect(rs).toMatchObject({ kind: 'adam', step: 2 });
    const [re, le] = await Promise.all([remote.evaluate('test', 9), local.evaluate('test', 9)]);
    expect(re).toEqual(le);
    expect(re.examples).toBe(9);
    expect(re.predictions).toHaveLength(9);
    remote.destroy();
  });

  it('per-step learning rates, probe, readParameters and parameterStats match too', async () => {
    const { remote, local } = await both();
    const rates = new Float32Array([0.2, 0.05, 0]);
    remote.train(0, 3, sgd, rates);
    local.train(0, 3, sgd, rates);
    expect(await remote.takeMetrics()).toEqual(await local.takeMetrics());
    expect(rates).toEqual(new Float32Array([0.2, 0.05, 0])); // the caller keeps its array
    const images = new Float32Array(2 * 64).map((_, i) => (i % 7) / 7);
    const [rp, lp] = await Promise.all([remote.probe(images, 2), local.probe(images, 2)]);
    expect(rp).toEqual(lp);
    expect(rp.probabilities).toHaveLength(2 * 3);
    expect(await remote.readParameters(64, 5)).toEqual(await local.readParameters(64, 5));
    const settings = { ...adam, learningRate: 123 }; // whole settings, as the app may pass them
    expect(await remote.parameterStats(settings)).toEqual(await local.parameterStats(settings));
    expect(() => remote.train(3, 1, sgd, new Float32Array(2))).toThrow(
      'learningRates has 2 entries for 1 steps',
    );
    remote.destroy();
  });

  it('setParameters and setOptimizerState reach the worker before the next call', async () => {
    const { remote } = await both();
    const flat = new Float32Array(initialParameters(description, 99));
    remote.setParameters(flat);
    const velocity = flat.map((v) => v / 2);
    remote.setOptimizerState({ kind: 'sgd', step: 7, slots: [velocity] });
    expect(await remote.getParameters()).toEqual(flat);
    expect(await remote.getOptimizerState()).toEqual({ kind: 'sgd', step: 7, slots: [velocity] });
    expect(flat.buffer.byteLength).toBe(flat.length * 4); // the caller's array is not detached
    remote.destroy();
  });

  it('promises resolve in call order and metrics count every step posted before them', async () => {
    const { remote } = await both();
    const seen: string[] = [];
    remote.train(0, 2, sgd);
    const metrics = remote.takeMetrics().then((m) => (seen.push('metrics'), m));
    const params = remote.getParameters().then(() => seen.push('params'));
    remote.train(2, 1, sgd);
    const later = remote.takeMetrics().then((m) => (seen.push('later'), m));
    await Promise.all([metrics, params, later]);
    expect(seen).toEqual(['metrics', 'params', 'later']);
    expect((await metrics).steps).toBe(2);
    expect((await later).steps).toBe(1);
    remote.destroy();
  });
});

describe('WorkerCpuBackend errors', () => {
  it('throws at once where CpuBackend does, with the same message', async () => {
    const { remote, local } = await both();
    const message = "train: batches 3..4 are outside the epoch's 4 batches";
    expect(() => local.train(3, 2, sgd)).toThrow(message);
    expect(() => remote.train(3, 2, sgd)).toThrow(message);
    expect(() => remote.setParameters(new Float32Array(5))).toThrow(
      `setParameters: expected ${local.network.layout.length} floats in the flat parameter layout, got 5`,
    );
    expect(() => remote.setEpochOrder(new Uint32Array(3))).toThrow(
      'the order has 3 entries, the train split 17',
    );
    remote.destroy();
  });

  it('an error found in the worker rejects the next awaited call, once, and the backend goes on', async () => {
    const { remote, order } = await both();
    remote.setEpochOrder(new Uint32Array(17)); // right length, not a permutation: only the worker knows
    await expect(remote.takeMetrics()).rejects.toThrow('setEpochOrder: not a permutation of 0..16 (entry 0)');
    remote.setEpochOrder(order);
    remote.train(0, 1, sgd);
    expect((await remote.takeMetrics()).steps).toBe(1);
    await expect(remote.evaluate('test', 12)).rejects.toThrow(
      'evaluate: limit 12 must be a whole number in [0, 11]',
    );
    remote.destroy();
  });

  it('a worker that fails rejects what is waiting, resolves lost and refuses later calls', async () => {
    const { worker, remote } = await both();
    const waiting = remote.getParameters();
    worker.crash('Uncaught RangeError: out of memory');
    await expect(waiting).rejects.toThrow(
      'getParameters: the CPU worker failed: Uncaught RangeError: out of memory',
    );
    expect(await remote.lost).toEqual({
      reason: 'worker-failed',
      message: 'the CPU worker failed: Uncaught RangeError: out of memory',
    });
    expect(() => remote.train(0, 1, sgd)).toThrow('train: the CPU worker failed');
    await expect(remote.takeMetrics()).rejects.toThrow('takeMetrics: the CPU worker failed');
  });

  it('destroy() terminates the worker, rejects waiting calls and refuses later ones', async () => {
    const { worker, remote } = await both();
    remote.train(0, 1, sgd);
    const waiting = remote.takeMetrics();
    remote.destroy();
    expect(worker.terminated).toBe(true);
    await expect(waiting).rejects.toThrow('takeMetrics: this CPU worker backend was destroyed');
    expect(() => remote.setParameters(new Float32Array(4))).toThrow('destroyed');
    remote.destroy(); // a second destroy is harmless
    const lost = await Promise.race([remote.lost, new Promise((r) => setTimeout(() => r('pending'), 20))]);
    expect(lost).toBe('pending'); // destroying is not losing the backend
  });

  it('create() rejects when the worker cannot build the network, and terminates it', async () => {
    const worker = new InProcessWorker();
    const broken = { ...description, layers: [] };
    await expect(WorkerCpuBackend.create(broken, { worker })).rejects.toThrow();
    expect(worker.terminated).toBe(true);
  });
});

describe('WorkerCpuBackend transfers', () => {
  it('sends the dataset in compact chunks and leaves the caller its bytes', async () => {
    const file = new Uint8Array(16 + dataset.train.images.length);
    file.set(dataset.train.images, 16);
    const images = file.subarray(16); // as datasetFromIdx returns: a view past the IDX header
    const viewed: Dataset = { ...dataset, train: { ...dataset.train, images } };
    const { worker, remote, local } = await both(viewed);
    const methods = worker.requests.map((r) => r.method);
    expect(methods.slice(1, 7)).toEqual([
      'beginData',
      'dataChunk',
      'dataChunk',
      'dataChunk',
      'dataChunk',
      'endData',
    ]);
    const chunks = worker.requests
      .filter((r) => r.method === 'dataChunk')
      .map((r) => r.args[0] as DatasetChunk);
    expect(chunks[0]).toMatchObject({ split: 'train', field: 'images', offset: 0 });
    expect(chunks[0].bytes).toEqual(images);
    expect(chunks.every((c) => c.bytes.buffer.byteLength === c.bytes.length)).toBe(true);
    expect(file.byteLength).toBe(16 + images.length); // not detached
    remote.train(0, 1, sgd);
    local.train(0, 1, sgd);
    expect(await remote.takeMetrics()).toEqual(await local.takeMetrics());
    remote.destroy();
  });

  it('chunks reassemble into the same dataset at any chunk size; a chunk past the end is refused', () => {
    for (const size of [7, 64, 1 << 20]) {
      const copy = allocateDataset(outlineDataset(dataset));
      for (const chunk of datasetChunks(dataset, size)) addChunk(copy, chunk);
      expect(copy).toEqual(dataset);
    }
    const copy = allocateDataset(outlineDataset(dataset));
    const chunk = { split: 'test', field: 'labels', offset: 10, bytes: new Uint8Array(2) } as const;
    expect(() => addChunk(copy, chunk)).toThrow(
      'setData: a test labels chunk runs past the 11 bytes announced',
    );
  });

  it('moves fresh results (parameters, optimizer slots, evaluation arrays) instead of copying them', async () => {
    const { worker, remote } = await both();
    await remote.takeMetrics(); // every earlier response is in
    worker.responseTransfers.length = 0;
    await remote.getParameters();
    await remote.getOptimizerState();
    await remote.evaluate('test');
    await remote.readParameters(0, 10);
    expect(worker.responseTransfers).toEqual([1, 1, 2, 1]); // SGD: one slot; confusion + predictions
    remote.destroy();
  });
});
