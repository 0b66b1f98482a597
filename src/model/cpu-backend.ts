// The CPU training backend: the Backend interface (backend.ts) over a CpuNetwork (fast CPU conv
// and dense, reference activations and softmax), with SGD / Adam over the flat parameter buffer,
// metrics and evaluation. Everything is allocated at construction for the training batch size;
// train() allocates no typed arrays. Same semantics as the GPU backend, so a seed gives the same
// run: batch b = order[b*B, b*B+B), pixels * PIXEL_SCALE, mean loss, one update of all parameters.
// Not the naive reference (src/reference) and not threaded.

import { PIXEL_SCALE } from '../data/batching.ts';
import type { Dataset, SplitName } from '../data/dataset.ts';
import { adamUpdate, sgdUpdate } from '../fast/index.ts';
import type { AdamParams } from '../ops/adam.ts';
import type { SgdParams } from '../ops/sgd.ts';
import type {
  Backend,
  EvaluationResult,
  OptimizerSettings,
  OptimizerState,
  ParameterTensorStats,
  ProbeResult,
  StepMetrics,
} from './backend.ts';
import { argmaxRows, checkParameterRange } from './backend-views.ts';
import { CpuProbe, cpuParameterStats } from './cpu-views.ts';
import { CpuNetwork } from './cpu-network.ts';
import type { BackendLostInfo, BatchTrace } from './backend.ts';
import { traceCpuNetwork } from './diagnose-trace.ts';
import { checkTrainRange } from './gpu-backend-checks.ts';
import { assertDatasetFits } from './data-fit.ts';
import { initialParameters } from './layout.ts';
import { checkStepLearningRates } from './schedule.ts';
import type { NetworkDescription } from './shapes.ts';
import type { NetworkSpec } from './spec.ts';
import { assertValidNetwork, describeNetwork } from './validate.ts';

export interface CpuBackendOptions {
  /** Seed of initialParameters (default 0); ignored when `parameters` is given. */
  seed?: number;
  /** Initial parameters in the flat layout (copied). */
  parameters?: Float32Array;
}

function emptyMetrics(): StepMetrics {
  return { steps: 0, examples: 0, lossSum: 0, correct: 0 };
}

export class CpuBackend implements Backend {
  readonly kind = 'cpu' as const;
  readonly network: CpuNetwork;
  private dataset: Dataset | null = null;
  private order: Uint32Array | null = null;
  private metrics = emptyMetrics();
  private optimizerKind: OptimizerSettings['kind'] = 'sgd';
  /** Updates applied by the current optimizer kind (Adam's t before the next update). */
  private updates = 0;
  /** SGD: [velocity, unused]; Adam: [m, v]. Same layout as the parameters. */
  private readonly slots: [Float32Array, Float32Array];
  /** Reused every SGD / Adam step so the loop allocates nothing. */
  private readonly sgdParams: SgdParams = { learningRate: 0, momentum: 0, weightDecay: 0 };
  private readonly adamParams: AdamParams = {
    learningRate: 0,
    beta1: 0,
    beta2: 0,
    epsilon: 1,
    weightDecay: 0,
    step: 1,
  };
  private destroyed = false;
  /** Made on the first probe(): a second network at the probe batch. */
  private prober: CpuProbe | null = null;

  private constructor(readonly description: NetworkDescription) {
    this.network = new CpuNetwork(description);
    const length = this.network.layout.length;
    this.slots = [new Float32Array(length), new Float32Array(length)];
  }

  /** A backend for `description` (already validated, at the training batch size). */
  static create(description: NetworkDescription, options: CpuBackendOptions = {}): CpuBackend {
    const backend = new CpuBackend(description);
    backend.setParameters(options.parameters ?? initialParameters(description, options.seed ?? 0));
    return backend;
  }

  async setData(dataset: Dataset): Promise<void> {
    assertDatasetFits(this.description, dataset);
    this.dataset = dataset;
    this.order = null;
  }

  setParameters(flat: Float32Array): void {
    this.checkLength('setParameters', flat);
    this.network.params.set(flat);
  }

  async getParameters(): Promise<Float32Array> {
    return this.network.params.slice();
  }

  /** A copy of the gradients of the last training step's mean loss (flat layout). */
  getGradients(): Float32Array {
    return this.network.grads.slice();
  }

  setOptimizerState(state: OptimizerState): void {
    const slotCount = state.kind === 'sgd' ? 1 : 2;
    if (state.slots.length !== slotCount) {
      throw new Error(`setOptimizerState: ${state.kind} has ${slotCount} slot(s), got ${state.slots.length}`);
    }
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new Error(`setOptimizerState: step must be a whole number >= 0, got ${state.step}`);
    }
    state.slots.forEach((slot) => this.checkLength('setOptimizerState', slot));
    this.optimizerKind = state.kind;
    this.updates = state.step;
    this.slots[0].set(state.slots[0]);
    if (state.kind === 'adam') this.slots[1].set(state.slots[1]);
    else this.slots[1].fill(0);
  }

  async getOptimizerState(): Promise<OptimizerState> {
    const slots = this.optimizerKind === 'sgd' ? [this.slots[0]] : this.slots;
    return { kind: this.optimizerKind, step: this.updates, slots: slots.map((s) => s.slice()) };
  }

  setEpochOrder(order: Uint32Array): void {
    const dataset = this.requireData('setEpochOrder');
    const count = dataset.train.count;
    if (order.length !== count) {
      throw new Error(`setEpochOrder: the order has ${order.length} entries, the train split ${count}`);
    }
    const seen = new Uint8Array(count);
    for (const index of order) {
      if (index >= count || seen[index]) {
        throw new Error(
          `setEpochOrder: not a permutation of 0..${count - 1} (entry ${index}); use epochPermutation`,
        );
      }
      seen[index] = 1;
    }
    this.order = order.slice();
  }

  train(first: number, count: number, settings: OptimizerSettings, learningRates?: Float32Array): void {
    const dataset = this.requireData('train');
    const order = this.order;
    if (!order) throw new Error('train: call setEpochOrder before train');
    const batches = Math.floor(order.length / this.network.batch);
    if (
      !Number.isInteger(first) ||
      !Number.isInteger(count) ||
      first < 0 ||
      count < 0 ||
      first + count > batches
    ) {
      throw new Error(
        `train: batches ${first}..${first + count - 1} are outside the epoch's ${batches} batches`,
      );
    }
    checkStepLearningRates(learningRates, count);
    const net = this.network;
    const head = net.head.classify!;
    for (let step = 0; step < count; step++) {
      this.gather(dataset, 'train', order, (first + step) * net.batch, net.batch);
      net.forward();
      for (let row = 0; row < net.batch; row++) {
        this.metrics.lossSum += head.lossPerRow[row];
        this.metrics.correct += head.correct[row];
      }
      this.metrics.examples += net.batch;
      this.metrics.steps++;
      net.backward();
      this.update(settings, learningRates ? learningRates[step] : settings.learningRate);
    }
  }

  async takeMetrics(): Promise<StepMetrics> {
    const metrics = this.metrics;
    this.metrics = emptyMetrics();
    return metrics;
  }

  async evaluate(split: SplitName, limit?: number): Promise<EvaluationResult> {
    const dataset = this.requireData('evaluate');
    const available = dataset[split].count;
    const total = limit ?? available;
    if (!Number.isInteger(total) || total < 0 || total > available) {
      throw new Error(`evaluate: limit ${limit} must be a whole number in [0, ${available}]`);
    }
    const net = this.network;
    const classes = dataset.classNames.length;
    const confusion = new Uint32Array(classes * classes);
    const result = { examples: total, lossSum: 0, correct: 0, confusion, predictions: new Uint8Array(total) };
    const logits = net.head.output;
    const head = net.head.classify!;
    // The last batch may be partial: the rows past it hold the previous batch, are computed and ignored.
    for (let start = 0; start < total; start += net.batch) {
      const size = Math.min(net.batch, total - start);
      this.gather(dataset, split, null, start, size);
      net.forward();
      // The first maximum, as softmaxCrossEntropyForward's `correct`.
      argmaxRows(logits, size, classes, result.predictions, start);
      for (let row = 0; row < size; row++) {
        result.lossSum += head.lossPerRow[row];
        result.correct += head.correct[row];
        confusion[net.labels[row] * classes + result.predictions[start + row]]++;
      }
    }
    return result;
  }

  /** The CPU never loses its device. */
  readonly lost = new Promise<BackendLostInfo>(() => {});

  async inspectBatch(index: number): Promise<BatchTrace> {
    const dataset = this.requireData('inspectBatch');
    if (!this.order) throw new Error('inspectBatch: call setEpochOrder first');
    checkTrainRange(index, 1, Math.floor(this.order.length / this.network.batch));
    this.gather(dataset, 'train', this.order, index * this.network.batch, this.network.batch);
    return traceCpuNetwork(this.network);
  }

  async probe(images: Float32Array, count: number): Promise<ProbeResult> {
    this.checkAlive('probe');
    this.prober ??= new CpuProbe(this.description);
    return this.prober.run(this.network.params, images, count);
  }

  async readParameters(offset: number, length: number): Promise<Float32Array> {
    this.checkAlive('readParameters');
    checkParameterRange(offset, length, this.network.layout.length);
    return this.network.params.slice(offset, offset + length);
  }

  async parameterStats(
    adam: Pick<OptimizerSettings, 'beta1' | 'beta2' | 'epsilon'>,
  ): Promise<ParameterTensorStats[]> {
    this.checkAlive('parameterStats');
    return cpuParameterStats(this.network, this.slots, this.optimizerKind, this.updates, adam);
  }

  destroy(): void {
    this.destroyed = true;
    this.prober = null;
    this.dataset = null;
    this.order = null;
  }

  /** Copies `size` examples (order[start..] or, without an order, start..) into the network's batch. */
  private gather(dataset: Dataset, split: SplitName, order: Uint32Array | null, start: number, size: number) {
    const { images: bytes, labels } = dataset[split];
    const images = this.network.images;
    const pixels = images.length / this.network.batch;
    for (let row = 0; row < size; row++) {
      const index = order ? order[start + row] : start + row;
      const from = index * pixels;
      const to = row * pixels;
      // The Float32Array store rounds byte * PIXEL_SCALE to f32 once, as gatherBatch and the GPU do.
      for (let p = 0; p < pixels; p++) images[to + p] = bytes[from + p] * PIXEL_SCALE;
      this.network.labels[row] = labels[index];
    }
  }

  private update(settings: OptimizerSettings, learningRate: number): void {
    if (settings.kind !== this.optimizerKind) {
      // A different optimizer starts fresh, as a newly built PyTorch optimizer would.
      this.optimizerKind = settings.kind;
      this.updates = 0;
      this.slots[0].fill(0);
      this.slots[1].fill(0);
    }
    const { params, grads } = this.network;
    if (settings.kind === 'sgd') {
      const p = this.sgdParams;
      p.learningRate = learningRate;
      p.momentum = settings.momentum;
      p.weightDecay = settings.weightDecay;
      sgdUpdate(params, this.slots[0], grads, p);
    } else {
      const p = this.adamParams;
      p.learningRate = learningRate;
      p.beta1 = settings.beta1;
      p.beta2 = settings.beta2;
      p.epsilon = settings.epsilon;
      p.weightDecay = settings.weightDecay;
      p.step = this.updates + 1;
      adamUpdate(params, this.slots[0], this.slots[1], grads, p);
    }
    this.updates++;
  }

  private checkAlive(method: string): void {
    if (this.destroyed) throw new Error(`${method}: this CPU backend was destroyed`);
  }

  private requireData(method: string): Dataset {
    this.checkAlive(method);
    if (!this.dataset) throw new Error(`${method}: call setData first`);
    return this.dataset;
  }

  private checkLength(method: string, flat: Float32Array): void {
    const length = this.network.layout.length;
    if (flat.length !== length) {
      throw new Error(
        `${method}: expected ${length} floats in the flat parameter layout, got ${flat.length}`,
      );
    }
  }
}

/** Validates `spec` (SpecError listing every problem) and builds a CPU backend with seeded parameters. */
export function createCpuBackend(spec: NetworkSpec, options: { batch: number; seed: number }): CpuBackend {
  assertValidNetwork(spec);
  const description = describeNetwork(spec, options.batch);
  return CpuBackend.create(description, { parameters: initialParameters(description, options.seed) });
}
