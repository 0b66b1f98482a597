// The .convscope checkpoint: exact round trips for SGD and Adam, every class of damaged or
// mismatched file rejected with the right problem and message (and the bytes left untouched), and
// restoring into a CPU backend and a Trainer, all or nothing. Odd shapes throughout (1x9x7 input).

import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIMIZER, type OptimizerState } from '../../src/model/backend.ts';
import {
  CHECKPOINT_PREFIX_BYTES,
  CheckpointError,
  crc32,
  decodeCheckpoint,
  encodeCheckpoint,
  type Checkpoint,
  type CheckpointProblem,
} from '../../src/model/checkpoint.ts';
import { captureCheckpoint, restoreCheckpoint } from '../../src/model/checkpoint-restore.ts';
import { CpuBackend } from '../../src/model/cpu-backend.ts';
import { parameterLayout } from '../../src/model/layout.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { Trainer } from '../../src/model/trainer.ts';
import { describeNetwork } from '../../src/model/validate.ts';
import { Random } from '../../src/util/random.ts';
import { tinyDataset } from './tiny-data.ts';

const spec: NetworkSpec = {
  name: 'odd',
  input: { channels: 1, height: 9, width: 7 },
  layers: [
    { kind: 'conv', filters: 3, kernel: [3, 2], padding: 1, activation: 'relu' },
    { kind: 'pool', mode: 'max', size: 2 },
    { kind: 'fc', units: 5, activation: 'tanh' },
    { kind: 'classify', classes: 3 },
  ],
};
const LENGTH = parameterLayout(describeNetwork(spec)).length;

function randomArray(random: Random): Float32Array {
  const a = new Float32Array(LENGTH);
  random.fillUniform(a, -2, 2);
  return a;
}

function makeCheckpoint(kind: OptimizerState['kind'], seed = 3): Checkpoint {
  const random = new Random(seed);
  const slots = kind === 'sgd' ? [randomArray(random)] : [randomArray(random), randomArray(random)];
  return {
    spec,
    seed: 41,
    batch: 3,
    epoch: 2,
    stepInEpoch: 1,
    step: 7,
    optimizer: { ...DEFAULT_OPTIMIZER, kind, learningRate: 0.0123, weightDecay: 1e-4 },
    optimizerState: { kind, step: 7, slots },
    parameters: randomArray(random),
  };
}

/** Rewrites the JSON header with `edit` and fixes the header CRC, keeping the payload as it is. */
function editHeader(bytes: Uint8Array, edit: (header: Record<string, unknown>) => void): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const length = view.getUint32(12, true);
  const json = bytes.subarray(CHECKPOINT_PREFIX_BYTES, CHECKPOINT_PREFIX_BYTES + length);
  const header = JSON.parse(new TextDecoder().decode(json));
  edit(header);
  const text = new TextEncoder().encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(text.length / 8) * 8).fill(0x20);
  padded.set(text);
  const payload = bytes.subarray(CHECKPOINT_PREFIX_BYTES + length);
  const out = new Uint8Array(CHECKPOINT_PREFIX_BYTES + padded.length + payload.length);
  out.set(bytes.subarray(0, CHECKPOINT_PREFIX_BYTES));
  out.set(padded, CHECKPOINT_PREFIX_BYTES);
  out.set(payload, CHECKPOINT_PREFIX_BYTES + padded.length);
  const outView = new DataView(out.buffer);
  outView.setUint32(12, padded.length, true);
  outView.setUint32(16, crc32(padded), true);
  return out;
}

function expectProblem(run: () => unknown, problem: CheckpointProblem, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CheckpointError);
  expect((caught as CheckpointError).problem).toBe(problem);
  expect((caught as CheckpointError).message).toMatch(message);
}

describe('encodeCheckpoint / decodeCheckpoint', () => {
  it.each(['sgd', 'adam'] as const)('round-trips a %s checkpoint exactly', (kind) => {
    const data = makeCheckpoint(kind);
    const bytes = encodeCheckpoint(data);
    const decoded = decodeCheckpoint(bytes, { spec });
    expect(decoded).toEqual(data);
    expect(decoded.parameters).not.toBe(data.parameters);
    expect(encodeCheckpoint(decoded)).toEqual(bytes); // same bytes again: nothing lost or reordered
  });

  it('lays the file out as documented: magic, version, 8-aligned header and payload', () => {
    const bytes = encodeCheckpoint(makeCheckpoint('adam'));
    const view = new DataView(bytes.buffer);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('CONVSCOP');
    expect(view.getUint32(8, true)).toBe(1);
    const headerLength = view.getUint32(12, true);
    expect(headerLength % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(24, 24 + headerLength)));
    expect(header.tensors.map((t: { name: string }) => t.name)).toEqual([
      'parameters',
      'optimizer.m',
      'optimizer.v',
    ]);
    expect(bytes.length).toBe(24 + headerLength + 3 * LENGTH * 4);
    // The payload is little-endian float32: the first parameter reads back from its bytes.
    const first = view.getFloat32(24 + headerLength + header.tensors[0].offset, true);
    expect(first).toBe(makeCheckpoint('adam').parameters[0]);
  });

  const good = encodeCheckpoint(makeCheckpoint('sgd'));
  const payloadAt = good.length - 2 * LENGTH * 4;
  const modified = (change: (bytes: Uint8Array) => void) => {
    const bytes = good.slice();
    change(bytes);
    return bytes;
  };
  const cases: [string, () => Uint8Array, CheckpointProblem, RegExp][] = [
    [
      'a flipped payload byte',
      () => modified((b) => (b[payloadAt + 37] ^= 0x10)),
      'checksum',
      /payload checksum/,
    ],
    [
      'a flipped header byte',
      () => modified((b) => (b[CHECKPOINT_PREFIX_BYTES + 5] ^= 1)),
      'checksum',
      /header checksum/,
    ],
    ['a truncated payload', () => good.slice(0, good.length - 6), 'truncated', /cut off/],
    [
      'extra bytes at the end',
      () => new Uint8Array([...good, 0, 0, 0, 0, 0, 0, 0, 0]),
      'truncated',
      /extra bytes/,
    ],
    ['a file shorter than the prefix', () => good.slice(0, 11), 'truncated', /fewer than the 24-byte prefix/],
    ['wrong magic', () => modified((b) => (b[0] = 0x50)), 'magic', /not a \.convscope checkpoint/],
    [
      'a newer version',
      () => modified((b) => new DataView(b.buffer).setUint32(8, 2, true)),
      'version',
      /version 2.*reads version 1/,
    ],
    [
      'a header length beyond the file',
      () => modified((b) => new DataView(b.buffer).setUint32(12, 1 << 24, true)),
      'truncated',
      /header length 16777216 runs past the end/,
    ],
    [
      'a payload length that disagrees',
      () => editHeader(good, (h) => (h.payloadLength = (h.payloadLength as number) + 8)),
      'truncated',
      /cut off/,
    ],
    [
      'a tensor past the payload',
      () => editHeader(good, (h) => ((h.tensors as { offset: number }[])[1].offset += 8)),
      'tensors',
      /"optimizer.velocity".*does not fit/,
    ],
    [
      'a missing tensor',
      () => editHeader(good, (h) => (h.tensors = (h.tensors as unknown[]).slice(1))),
      'tensors',
      /no "parameters"/,
    ],
    [
      'an invalid spec',
      () => editHeader(good, (h) => (h.spec as NetworkSpec).layers.pop()),
      'spec',
      /network spec is invalid/,
    ],
    [
      'a spec whose layout has other lengths',
      () => editHeader(good, (h) => ((h.spec as { layers: { units?: number }[] }).layers[2].units = 6)),
      'layout',
      /layout has \d+ floats, the checkpoint \d+ floats/,
    ],
    [
      'a negative step',
      () => editHeader(good, (h) => (h.step = -1)),
      'counters',
      /step must be a whole number/,
    ],
    [
      'a bad learning rate',
      () => editHeader(good, (h) => ((h.optimizer as { learningRate: number }).learningRate = -1)),
      'optimizer',
      /learningRate/,
    ],
  ];

  it.each(cases)('rejects %s, leaving the bytes unchanged', (_, make, problem, message) => {
    const bytes = make();
    const copy = bytes.slice();
    expectProblem(() => decodeCheckpoint(bytes), problem, message);
    expect(bytes).toEqual(copy);
  });

  it('rejects valid JSON bytes that are not JSON once the CRC is right', () => {
    const bytes = editHeader(good, () => undefined);
    bytes.fill(0x21, 24, 28); // "!!!!" where the '{' was
    new DataView(bytes.buffer).setUint32(16, crc32(bytes.subarray(24, bytes.length - 2 * LENGTH * 4)), true);
    expectProblem(() => decodeCheckpoint(bytes), 'header', /not valid JSON/);
  });

  it('rejects a checkpoint of another network, naming the first different layer', () => {
    const other: NetworkSpec = structuredClone(spec);
    other.layers[0] = { kind: 'conv', filters: 3, kernel: 3, padding: 1, activation: 'relu' };
    expectProblem(
      () => decodeCheckpoint(good, { spec: other }),
      'mismatch',
      /layer 1: the checkpoint has conv 3x2 x3 pad 1 relu, the current network conv 3x3 x3 pad 1 relu/,
    );
    const renamed = { ...structuredClone(spec), name: 'another name' };
    expect(decodeCheckpoint(good, { spec: renamed }).spec.name).toBe('odd'); // names do not matter
  });

  it('keeps the dataset it was trained on; refuses an unknown one and, when asked, another one', () => {
    const fashion = encodeCheckpoint({ ...makeCheckpoint('sgd'), dataset: 'fashion-mnist' });
    expect(decodeCheckpoint(fashion).dataset).toBe('fashion-mnist');
    expect(decodeCheckpoint(fashion, { dataset: 'fashion-mnist' }).dataset).toBe('fashion-mnist');
    expectProblem(
      () => decodeCheckpoint(fashion, { dataset: 'mnist' }),
      'mismatch',
      /it was trained on Fashion-MNIST and this run uses MNIST; switch the dataset to Fashion-MNIST and open it again/,
    );
    const unknown = editHeader(fashion, (header) => (header.dataset = 'cifar10'));
    expectProblem(
      () => decodeCheckpoint(unknown),
      'dataset',
      /unknown dataset "cifar10" \(known: mnist, fashion-mnist\)/,
    );
    // Files from before datasets were recorded still open anywhere.
    expect(decodeCheckpoint(good, { dataset: 'mnist' }).dataset).toBeUndefined();
  });

  it('refuses to encode inconsistent data', () => {
    const data = makeCheckpoint('adam');
    expectProblem(
      () => encodeCheckpoint({ ...data, parameters: data.parameters.subarray(1) }),
      'layout',
      /parameters/,
    );
    const state = { ...data.optimizerState, slots: data.optimizerState.slots.slice(0, 1) };
    expectProblem(() => encodeCheckpoint({ ...data, optimizerState: state }), 'optimizer', /needs 2 slot/);
  });
});

describe('captureCheckpoint / restoreCheckpoint', () => {
  const dataset = tinyDataset({ height: 9, width: 7, classes: 3, train: 11, test: 4, seed: 9 });
  const trainer = (seed: number, batch: number) =>
    Trainer.create({
      spec,
      dataset,
      seed,
      batch,
      createBackend: (d) => CpuBackend.create(d),
      optimizer: { kind: 'adam', learningRate: 0.01 },
    });

  it("puts a trainer's state into another trainer through the file, batch size included", async () => {
    const source = await trainer(5, 3);
    source.step(4);
    const saved = decodeCheckpoint(encodeCheckpoint(await captureCheckpoint(source)));
    expect([saved.epoch, saved.stepInEpoch, saved.step, saved.batch]).toEqual([1, 1, 4, 3]);
    const target = await trainer(6, 4);
    target.setOptimizer({ kind: 'sgd' });
    await restoreCheckpoint(target, saved);
    expect(target.batch).toBe(3);
    expect(target.optimizer).toEqual(source.optimizer);
    expect(await target.getParameters()).toEqual(await source.getParameters());
    expect(await target.backend.getOptimizerState()).toEqual(await source.backend.getOptimizerState());
    // The next step then updates both the same way (Adam's t carried over).
    const order = Uint32Array.from({ length: 11 }, (_, i) => 10 - i);
    for (const t of [source, target]) {
      t.backend.setEpochOrder(order);
      t.backend.train(1, 2, t.optimizer);
    }
    expect(await target.getParameters()).toEqual(await source.getParameters());
  });

  it('changes nothing in a trainer when the checkpoint is for another network or dataset', async () => {
    const target = await trainer(6, 4);
    const before = await target.getParameters();
    const other = {
      ...makeCheckpoint('sgd'),
      spec: { ...spec, input: { channels: 1, height: 9, width: 8 } },
    };
    other.parameters = new Float32Array(parameterLayout(describeNetwork(other.spec)).length);
    other.optimizerState.slots = [other.parameters];
    await expect(restoreCheckpoint(target, other)).rejects.toThrow(
      /input is 1x9x8, the current network's 1x9x7/,
    );
    const fashion = { ...(await captureCheckpoint(await trainer(7, 4))), dataset: 'fashion-mnist' as const };
    await expect(restoreCheckpoint(target, fashion)).rejects.toThrow(
      /trained on Fashion-MNIST and this run uses MNIST; switch the dataset to Fashion-MNIST/,
    );
    const tooBig = { ...makeCheckpoint('sgd'), batch: 12 };
    await expect(restoreCheckpoint(target, tooBig)).rejects.toThrow(/batch 12 is larger than the 11/);
    expect(target.batch).toBe(4);
    expect(target.optimizer.kind).toBe('adam');
    expect(await target.getParameters()).toEqual(before);
  });

  it('restores into a backend, and leaves it alone when a slot has the wrong length', async () => {
    const backend = CpuBackend.create(describeNetwork(spec, 2), { seed: 1 });
    const before = await backend.getParameters();
    const bad = makeCheckpoint('adam');
    bad.optimizerState.slots[1] = bad.optimizerState.slots[1].subarray(0, LENGTH - 64);
    await expect(restoreCheckpoint(backend, bad)).rejects.toThrow(CheckpointError);
    expect(await backend.getParameters()).toEqual(before);
    const good = makeCheckpoint('adam');
    await restoreCheckpoint(backend, good);
    expect(await backend.getParameters()).toEqual(good.parameters);
    expect(await backend.getOptimizerState()).toEqual(good.optimizerState);
  });
});
