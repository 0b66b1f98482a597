// The NaN / Inf diagnosis (src/model/diagnose.ts) on CPU backends: the search order over a real
// trace of one batch (parameters and outputs forward, the loss, then gradients backward), the
// CPU inspectBatch hook against an actual training step, and NonFiniteLossError from the Trainer
// naming the layer: a NaN put into each layer's parameters, and an overflow from a learning rate
// far too high, found at the exact first bad step (checked by stepping one step at a time).

import { describe, expect, it } from 'vitest';
import type { BatchTrace } from '../../src/model/backend.ts';
import { CpuBackend } from '../../src/model/cpu-backend.ts';
import { findFirstNonFinite, NonFiniteLossError } from '../../src/model/diagnose.ts';
import { initialParameters, parameterLayout } from '../../src/model/layout.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { Trainer, type TrainerOptions } from '../../src/model/trainer.ts';
import { describeNetwork } from '../../src/model/validate.ts';
import { tinyDataset, tinySpec } from './tiny-data.ts';

const data = tinyDataset({ height: 8, width: 8, classes: 3, train: 31, test: 5, seed: 6 });
const spec = tinySpec('tanh', 'sigmoid'); // NaN passes through tanh, max pool and sigmoid
const description = describeNetwork(spec, 3);
const layout = parameterLayout(description);

function trainer(overrides: Partial<TrainerOptions> = {}): Promise<Trainer> {
  return Trainer.create({
    spec,
    dataset: data,
    createBackend: (d) => CpuBackend.create(d),
    seed: 5,
    batch: 3,
    optimizer: { kind: 'sgd', learningRate: 0.1, momentum: 0.9 },
    ...overrides,
  });
}

async function nonFiniteError(run: Promise<unknown>): Promise<NonFiniteLossError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NonFiniteLossError);
  return error as NonFiniteLossError;
}

function poisoned(trace: BatchTrace, edit: (t: BatchTrace) => void): BatchTrace {
  const copy = structuredClone(trace);
  edit(copy);
  return copy;
}

describe('findFirstNonFinite', () => {
  it('searches in computation order and counts NaN and Inf', async () => {
    const t = await trainer();
    t.step(2);
    const trace = await t.inspectBatch('next');
    expect(findFirstNonFinite(description, trace)).toBeNull();
    const [conv, fc, head] = layout.layers;
    const cases: [string, (x: BatchTrace) => void, object][] = [
      [
        'fc weight beats its own output and every later tensor',
        (x) => {
          x.parameters[fc.weight.offset + 4] = NaN;
          x.outputs[2][7] = Infinity;
          x.lossPerRow[0] = NaN;
          x.outputGradients[0]![0] = NaN;
        },
        { layer: 2, tensor: 'parameters', part: 'weight', nan: 1, infinite: 0, size: 95 },
      ],
      [
        'conv output beats fc parameters',
        (x) => {
          x.outputs[0][3] = -Infinity;
          x.outputs[0][5] = NaN;
          x.parameters[fc.bias.offset] = NaN;
        },
        { layer: 0, tensor: 'output', nan: 1, infinite: 1, size: 3 * 2 * 6 * 6 },
      ],
      [
        'the loss beats every gradient',
        (x) => {
          x.lossPerRow[2] = Infinity;
          x.parameterGradients[conv.weight.offset] = NaN;
        },
        { layer: 3, tensor: 'loss', infinite: 1, size: 3 },
      ],
      [
        'backward: the classify gradients come before the fc output gradient',
        (x) => {
          x.parameterGradients[head.bias.offset + 1] = NaN;
          x.outputGradients[2]![0] = NaN;
        },
        { layer: 3, tensor: 'parameter gradient', part: 'bias' },
      ],
      [
        "backward: an output gradient before that layer's own parameter gradients",
        (x) => {
          x.outputGradients[1]![0] = NaN; // the pool's, written by the fc backward
          x.parameterGradients[conv.bias.offset] = Infinity;
        },
        { layer: 1, tensor: 'output gradient', kind: 'pool' },
      ],
      [
        "the first layer's weight and bias gradients",
        (x) => {
          x.parameterGradients[conv.bias.offset] = Infinity;
          x.parameterGradients[conv.weight.offset] = NaN;
        },
        { layer: 0, tensor: 'parameter gradient', part: 'weight and bias', nan: 1, infinite: 1 },
      ],
    ];
    for (const [what, edit, expected] of cases) {
      expect(findFirstNonFinite(description, poisoned(trace, edit)), what).toMatchObject(expected);
    }
  });

  it('the CPU hook runs the batch the next step trains, at the parameters it starts from', async () => {
    const t = await trainer();
    t.step(9); // the epoch's 10 steps end at the next step; go past the boundary too
    await t.takeMetrics();
    for (const _ of [0, 1]) {
      const trace = await t.inspectBatch('next');
      const before = await t.getParameters();
      expect(trace.parameters).toEqual(before);
      t.step(1);
      const metrics = await t.takeMetrics();
      expect(trace.lossPerRow.reduce((a, b) => a + b, 0)).toBeCloseTo(metrics.lossSum, 5);
      expect(trace.parameterGradients).toEqual((t.backend as CpuBackend).getGradients());
    }
    expect([t.epoch, t.stepInEpoch]).toEqual([1, 1]);
  });
});

describe('NonFiniteLossError names the first bad layer', () => {
  it.each(layout.layers.map((slot) => [slot.layerIndex, slot] as const))(
    'a NaN in the parameters of layer index %i from the start',
    async (layerIndex, slot) => {
      const parameters = initialParameters(description, 5);
      parameters[slot.weight.offset + slot.weight.length - 1] = NaN;
      const t = await trainer({ parameters });
      const error = await nonFiniteError(t.trainEpochs(2, undefined, 4));
      const label = description.layers[layerIndex].label;
      expect(error.message).toContain(`layer ${layerIndex + 1} (${label}): parameters have 1 NaN value`);
      expect(error.diagnosis).toMatchObject({ step: 1, epoch: 0, batch: 0, replayed: true });
      expect(error.diagnosis?.finding).toMatchObject({
        layer: layerIndex,
        tensor: 'parameters',
        part: 'weight',
      });
      expect(t.totalSteps).toBe(4); // left where it stopped
    },
  );

  const linear: NetworkSpec = {
    input: { channels: 1, height: 8, width: 8 },
    layers: [
      { kind: 'conv', filters: 2, kernel: 3, activation: 'none' },
      { kind: 'pool', mode: 'max', size: 2 },
      { kind: 'fc', units: 5, activation: 'none' },
      { kind: 'classify', classes: 3 },
    ],
  };

  const options = { spec: linear, optimizer: { kind: 'sgd' as const, learningRate: 10, momentum: 0.9 } };

  /** Ground truth: one step at a time until the loss is not finite. */
  async function firstBadStep(): Promise<number> {
    const probe = await trainer(options);
    for (;;) {
      probe.step(1);
      if (!Number.isFinite((await probe.takeMetrics()).lossSum)) return probe.totalSteps;
    }
  }

  it('an overflow from too high a learning rate: the exact step, the layer, the run left as it was', async () => {
    const firstBad = await firstBadStep();
    expect(firstBad).toBeGreaterThan(1);
    const t = await trainer(options);
    const error = await nonFiniteError(t.trainEpochs(5, undefined, 10));
    const stoppedAt = await t.snapshot();
    expect(error.diagnosis).toMatchObject({ step: firstBad, replayed: true });
    const finding = error.diagnosis!.finding!;
    expect(finding.tensor).toBe('output');
    // Independently: at the parameters before that step, the named layer is the first whose output is not finite.
    const replay = await trainer(options);
    replay.step(firstBad - 1);
    const trace = await replay.inspectBatch('next');
    const firstBadOutput = trace.outputs.findIndex((out) => out.some((v) => !Number.isFinite(v)));
    expect(finding.layer).toBe(firstBadOutput);
    expect(trace.parameters.every(Number.isFinite)).toBe(true);
    expect(error.message).toMatch(
      new RegExp(
        `layer ${finding.layer + 1} \\(.*\\): output has \\d+ (NaN|infinite) values? of \\d+ at step ${firstBad}; parameters of layer ${finding.layer + 1} and .* are finite; lower the learning rate or restore the last snapshot`,
      ),
    );
    expect(t.totalSteps).toBe(10);
    expect(await t.getParameters()).toEqual(stoppedAt.parameters);
  });

  it('a snapshot taken after the loss went bad is not replayed from: the last one a finite report vouched for is', async () => {
    const firstBad = await firstBadStep();
    const t = await trainer(options);
    t.step(firstBad - 1);
    expect(Number.isFinite((await t.takeMetrics()).lossSum)).toBe(true);
    t.step(2); // the bad step and one more, then a snapshot before anyone looks at the loss
    const late = await t.snapshot();
    expect(late.parameters.every(Number.isFinite)).toBe(false);
    const error = await t.nonFiniteLossError(await t.takeMetrics());
    expect(error.diagnosis).toMatchObject({ step: firstBad, replayed: true });
    expect(error.diagnosis!.finding!.tensor).toBe('output');
    expect(t.totalSteps).toBe(firstBad + 1);
  });

  it('without a snapshot taken under the current settings, inspects the last batch as it stands', async () => {
    const parameters = initialParameters(description, 5);
    parameters[layout.layers[1].bias.offset] = NaN;
    const t = await trainer({ parameters });
    t.setOptimizer({ learningRate: 0.05 }); // the start snapshot no longer replays the same run
    const error = await nonFiniteError(t.trainEpochs(1, undefined, 3));
    expect(error.diagnosis).toMatchObject({ step: 3, epoch: 0, batch: 2, replayed: false });
    // The updates spread the NaN into every layer: only the first can be named.
    expect(error.diagnosis?.finding).toMatchObject({ layer: 0, tensor: 'parameters' });
    expect(error.message).toMatch(
      /the last batch at the parameters training stopped with: no snapshot at or before step 0/,
    );
  });
});
