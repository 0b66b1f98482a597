// The GPU training backend: Backend (backend.ts) on the WGSL kernels, built for speed. Pipelines,
// buffers and bind groups are made once per (network, batch size) at creation; the dataset lives
// on the GPU as bytes and gather_batch builds each batch; train() records all its steps into one
// command encoder and submits once, with no readback; loss and accuracy accumulate on the GPU and
// come back in takeMetrics(); evaluate() runs on the GPU and reads back once.
// Per step: one compute pass (gather, forward, metrics, backward, the single optimizer dispatch);
// layers bind ranges of the flat parameter and gradient buffers, so nothing is copied (gpu-plan.ts).
// Adam's step t and a scheduled learning rate change every step, but writeBuffer lands once per
// submit: each step's optimizer uniform (SGD or Adam) is staged in a slot buffer written once per
// submit and copied into the kernel's uniform just before the step's pass, so many steps still
// share one submit.

import type { Dataset, SplitName } from '../data/dataset.ts';
import { adamUniforms, packAdamParams, type AdamBinding } from '../kernels/adam.ts';
import { sgdUniforms, type SgdBinding } from '../kernels/sgd.ts';
import { validateAdam } from '../ops/adam.ts';
import { validateSgd } from '../ops/sgd.ts';
import { readFloat32 } from '../runtime/buffers.ts';
import type { Gpu } from '../runtime/gpu.ts';
import type { Backend, EvaluationResult, OptimizerSettings, OptimizerState, StepMetrics } from './backend.ts';
import { assertDatasetFits } from './data-fit.ts';
import type { BackendLostInfo, BatchTrace } from './backend.ts';
import { traceGpuBatch } from './diagnose-trace.ts';
import { GpuDataset } from './gpu-data.ts';
import { createNetworkKernels, type NetworkKernels } from './gpu-kernels.ts';
import type { KernelTuning } from './kernel-tuning.ts';
import { GpuMetricsAccumulator } from './gpu-metrics.ts';
import { GpuNetworkPlan, writeFloats } from './gpu-plan.ts';
import type { ParameterTensorStats, ProbeResult } from './backend.ts';
import { EvaluationPredictions, GpuViews } from './gpu-views.ts';
import { initialParameters } from './layout.ts';
import { checkStepLearningRates } from './schedule.ts';
import type { NetworkDescription } from './shapes.ts';
import { assertValidNetwork, assertValidTraining, describeNetwork } from './validate.ts';
import {
  checkPermutation,
  checkStateShape,
  checkTrainRange,
  OptimizerTracker,
} from './gpu-backend-checks.ts';

/** Optimizer uniforms staged per submit; longer train() calls submit once per this many steps. */
export const STEPS_PER_SUBMIT = 256;
/** One staged slot: room for the Adam uniform (32 bytes) or the SGD one (16). */
const OPTIMIZER_UNIFORM_BYTES = Math.max(adamUniforms.byteSize, sgdUniforms.byteSize);

export interface GpuBackendOptions {
  batch: number;
  /** Seed of initialParameters. */
  seed: number;
  /** GEMM tiles (default: the kernels' defaults, chosen for large GPUs). */
  tuning?: KernelTuning;
}

/** Validates `spec` against the device (SpecError listing every problem), compiles and allocates. */
export async function createGpuBackend(
  gpu: Gpu,
  spec: unknown,
  options: GpuBackendOptions,
): Promise<GpuBackend> {
  assertValidNetwork(spec, { batch: options.batch, limits: gpu.limits });
  const description = describeNetwork(spec, options.batch);
  const kernels = await createNetworkKernels(gpu, description, options.tuning);
  const backend = new GpuBackend(gpu, kernels, description);
  backend.setParameters(initialParameters(description, options.seed));
  return backend;
}

export class GpuBackend implements Backend {
  readonly kind = 'gpu' as const;
  readonly plan: GpuNetworkPlan;
  private readonly trainMetrics: GpuMetricsAccumulator;
  private readonly evalMetrics: GpuMetricsAccumulator;
  private readonly sgd: SgdBinding;
  private readonly adam: AdamBinding;
  /** STEPS_PER_SUBMIT optimizer uniforms, copied one per step into sgd or adam.paramsBuffer. */
  private readonly optimizerSteps: GPUBuffer;
  private readonly optimizerStaging = new Uint8Array(STEPS_PER_SUBMIT * OPTIMIZER_UNIFORM_BYTES);
  private readonly optimizer = new OptimizerTracker();
  private data: GpuDataset | null = null;
  private orderSet = false;
  private stepsSinceTake = 0;
  private destroyed = false;
  /** Probe network and statistics for the live views, made on first use (gpu-views.ts). */
  private views: GpuViews | null = null;

  constructor(
    private readonly gpu: Gpu,
    private readonly kernels: NetworkKernels,
    readonly description: NetworkDescription,
  ) {
    const plan = new GpuNetworkPlan(gpu, kernels, description);
    this.plan = plan;
    const head = plan.head;
    const sources = {
      lossPerRow: head.lossPerRow as GPUBuffer,
      logits: head.output,
      labels: plan.labels,
      batch: plan.batch,
      classes: classesOf(description),
    };
    this.trainMetrics = new GpuMetricsAccumulator(gpu, kernels.metrics, sources, false);
    this.evalMetrics = new GpuMetricsAccumulator(gpu, kernels.metrics, sources, true);
    const [first, second] = plan.optimizerSlots;
    const { parameters, gradients: grads } = plan;
    const length = plan.layout.length;
    const defaults = { learningRate: 0, momentum: 0, weightDecay: 0 };
    this.sgd = kernels.sgd.bind({ parameters, velocity: first, grads }, length, defaults);
    const adamDefaults = { ...defaults, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 1 };
    this.adam = kernels.adam.bind({ parameters, m: first, v: second, grads }, length, adamDefaults);
    this.optimizerSteps = gpu.createBuffer({
      label: 'optimizer uniforms per step',
      size: this.optimizerStaging.byteLength,
      usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
  }

  async setData(dataset: Dataset): Promise<void> {
    this.checkAlive('setData');
    assertDatasetFits(this.description, dataset);
    assertValidTraining({ batch: this.plan.batch, trainCount: dataset.train.count });
    const next = new GpuDataset(this.kernels.gather, dataset, this.plan);
    this.data?.destroy();
    this.data = next;
    this.orderSet = false;
  }

  setParameters(flat: Float32Array): void {
    this.checkAlive('setParameters');
    checkStateShape('setParameters', flat, this.plan.layout.length);
    this.plan.writeParameters(flat);
  }

  async getParameters(): Promise<Float32Array> {
    this.checkAlive('getParameters');
    return readFloat32(this.gpu, this.plan.parameters, this.plan.layout.length);
  }

  /** d mean-loss / d params of the last training step (flat layout; gaps zero). For tests and tools. */
  async getGradients(): Promise<Float32Array> {
    this.checkAlive('getGradients');
    return readFloat32(this.gpu, this.plan.gradients, this.plan.layout.length);
  }

  setOptimizerState(state: OptimizerState): void {
    this.checkAlive('setOptimizerState');
    const length = this.plan.layout.length;
    this.optimizer.set(state, (slot) => checkStateShape('setOptimizerState', slot, length));
    const [first, second] = this.plan.optimizerSlots;
    const queue = this.gpu.device.queue;
    writeFloats(queue, first, state.slots[0], 0, length);
    if (state.kind === 'adam') writeFloats(queue, second, state.slots[1], 0, length);
    else this.clearSlots([second]);
  }

  async getOptimizerState(): Promise<OptimizerState> {
    this.checkAlive('getOptimizerState');
    const { kind, step } = this.optimizer;
    const buffers = kind === 'sgd' ? [this.plan.optimizerSlots[0]] : [...this.plan.optimizerSlots];
    const length = this.plan.layout.length;
    const slots = await Promise.all(buffers.map((buffer) => readFloat32(this.gpu, buffer, length)));
    return { kind, step, slots };
  }

  setEpochOrder(order: Uint32Array): void {
    const data = this.requireData('setEpochOrder');
    checkPermutation(order, data.trainCount);
    data.setTrainOrder(order);
    this.orderSet = true;
  }

  train(first: number, count: number, settings: OptimizerSettings, learningRates?: Float32Array): void {
    const data = this.requireData('train');
    if (!this.orderSet) throw new Error('train: call setEpochOrder before train');
    checkTrainRange(first, count, data.trainBatches);
    // Checked before anything changes, so bad settings leave the run as it was.
    if (settings.kind === 'adam') validateAdam({ ...settings, step: 1 });
    else validateSgd(settings);
    checkStepLearningRates(learningRates, count);
    if (count === 0) return;
    if (this.optimizer.switchTo(settings.kind)) this.clearSlots([...this.plan.optimizerSlots]);
    for (let done = 0; done < count; done += STEPS_PER_SUBMIT) {
      const steps = Math.min(STEPS_PER_SUBMIT, count - done);
      this.stageOptimizer(settings, steps, learningRates?.subarray(done, done + steps));
      const encoder = this.gpu.device.createCommandEncoder({ label: `train ${steps} steps` });
      for (let i = 0; i < steps; i++) this.encodeStep(encoder, data, first + done + i, settings.kind, i);
      this.gpu.submit([encoder.finish()]);
      this.optimizer.advance(steps);
      this.stepsSinceTake += steps;
    }
  }

  /**
   * Writes the next `steps` optimizer uniforms in one queue write: each step's learning rate
   * (`rates[i]`, or settings.learningRate) and, for Adam, its t = updates + 1, + 2, ...
   */
  private stageOptimizer(settings: OptimizerSettings, steps: number, rates: Float32Array | undefined): void {
    const length = this.plan.layout.length;
    const { momentum, weightDecay } = settings;
    for (let i = 0; i < steps; i++) {
      const learningRate = rates ? rates[i] : settings.learningRate;
      const bytes =
        settings.kind === 'adam'
          ? packAdamParams(length, { ...settings, learningRate, step: this.optimizer.step + i + 1 })
          : sgdUniforms.pack({ length, learningRate, momentum, weightDecay });
      this.optimizerStaging.set(new Uint8Array(bytes), i * OPTIMIZER_UNIFORM_BYTES);
    }
    // Validates the settings the same way the kernel does, and leaves the first step's uniform in place.
    const firstRate = rates ? rates[0] : settings.learningRate;
    if (settings.kind === 'adam') {
      this.kernels.adam.writeParams(this.adam, {
        ...settings,
        learningRate: firstRate,
        step: this.optimizer.step + 1,
      });
    } else {
      this.kernels.sgd.writeParams(this.sgd, { learningRate: firstRate, momentum, weightDecay });
    }
    const bytes = steps * OPTIMIZER_UNIFORM_BYTES;
    this.gpu.device.queue.writeBuffer(this.optimizerSteps, 0, this.optimizerStaging, 0, bytes);
  }

  private encodeStep(
    encoder: GPUCommandEncoder,
    data: GpuDataset,
    batchIndex: number,
    kind: OptimizerSettings['kind'],
    stepInSubmit: number,
  ): void {
    // Outside the pass (copies cannot be recorded in one); only the update dispatch reads it.
    const offset = stepInSubmit * OPTIMIZER_UNIFORM_BYTES;
    const [target, size] =
      kind === 'adam'
        ? [this.adam.paramsBuffer, adamUniforms.byteSize]
        : [this.sgd.paramsBuffer, sgdUniforms.byteSize];
    encoder.copyBufferToBuffer(this.optimizerSteps, offset, target, 0, size);
    const pass = encoder.beginComputePass({ label: `step ${batchIndex}: forward, backward, ${kind}` });
    data.encodeTrainBatch(pass, batchIndex);
    this.plan.encodeForward(pass);
    this.trainMetrics.encode(pass);
    this.plan.encodeBackward(pass);
    // Dispatches in one pass run in order: the update sees every gradient of this step.
    if (kind === 'adam') this.kernels.adam.encodeUpdate(pass, this.adam);
    else this.kernels.sgd.encodeUpdate(pass, this.sgd);
    pass.end();
  }

  /** The device's loss (Gpu.lost): every later call does nothing or fails. */
  get lost(): Promise<BackendLostInfo> {
    return this.gpu.lost;
  }

  async inspectBatch(index: number): Promise<BatchTrace> {
    const data = this.requireData('inspectBatch');
    if (!this.orderSet) throw new Error('inspectBatch: call setEpochOrder first');
    checkTrainRange(index, 1, data.trainBatches);
    return traceGpuBatch(this.gpu, this.plan, (pass) => data.encodeTrainBatch(pass, index));
  }

  async takeMetrics(): Promise<StepMetrics> {
    this.checkAlive('takeMetrics');
    const { reading, snapshot: steps } = await this.trainMetrics.read(
      () => {},
      () => {
        const steps = this.stepsSinceTake;
        this.stepsSinceTake = 0;
        return steps;
      },
    );
    if (reading.batches !== steps) {
      throw new Error(`takeMetrics: the GPU counted ${reading.batches} steps, the host submitted ${steps}`);
    }
    return { steps, examples: steps * this.plan.batch, lossSum: reading.lossSum, correct: reading.correct };
  }

  async evaluate(split: SplitName, limit?: number): Promise<EvaluationResult> {
    const data = this.requireData('evaluate');
    const available = data.count(split);
    const total = limit ?? available;
    if (!Number.isInteger(total) || total < 0 || total > available) {
      throw new Error(`evaluate: limit ${limit} must be a whole number in [0, ${available}]`);
    }
    const classes = classesOf(this.description);
    if (total === 0) {
      const confusion = new Uint32Array(classes * classes);
      return { examples: 0, lossSum: 0, correct: 0, confusion, predictions: new Uint8Array(0) };
    }
    const batch = this.plan.batch;
    const batches = Math.ceil(total / batch);
    const logits = new EvaluationPredictions(this.gpu, this.plan.head.output, batch, classes, batches);
    try {
      const { reading } = await this.evalMetrics.read(
        (encoder) => {
          this.evalMetrics.setPartialRows(total - (batches - 1) * batch);
          // A pass per batch: each batch's logits are copied out before the next overwrites them.
          for (let k = 0; k < batches; k++) {
            const pass = encoder.beginComputePass({ label: `evaluate ${split} batch ${k}` });
            data.encodeEvalBatch(pass, split, k);
            this.plan.encodeForward(pass);
            this.evalMetrics.encode(pass, k === batches - 1);
            pass.end();
            logits.encodeCopy(encoder, k);
          }
        },
        () => undefined,
      );
      const confusion = reading.confusion ?? new Uint32Array(classes * classes);
      const predictions = await logits.read(total);
      return { examples: total, lossSum: reading.lossSum, correct: reading.correct, confusion, predictions };
    } finally {
      logits.destroy();
    }
  }

  async probe(images: Float32Array, count: number): Promise<ProbeResult> {
    this.checkAlive('probe');
    return this.viewSupport().probe(images, count);
  }

  /** As probe(), reading back only the logits, [count, classes] (the occlusion sweep's probes). */
  async probeLogits(images: Float32Array, count: number): Promise<Float32Array> {
    this.checkAlive('probe');
    return this.viewSupport().probeLogits(images, count);
  }

  async readParameters(offset: number, length: number): Promise<Float32Array> {
    this.checkAlive('readParameters');
    return this.viewSupport().readParameters(offset, length);
  }

  async parameterStats(
    adam: Pick<OptimizerSettings, 'beta1' | 'beta2' | 'epsilon'>,
  ): Promise<ParameterTensorStats[]> {
    this.checkAlive('parameterStats');
    return this.viewSupport().parameterStats(this.optimizer.kind, this.optimizer.step, adam);
  }

  /** The compiled kernels, for plans that bind this backend's parameters (gpu-input-grad.ts). */
  get networkKernels(): NetworkKernels {
    return this.kernels;
  }

  private viewSupport(): GpuViews {
    this.views ??= new GpuViews(this.gpu, this.kernels, this.plan);
    return this.views;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.data?.destroy();
    this.data = null;
    this.trainMetrics.destroy();
    this.evalMetrics.destroy();
    this.sgd.destroy();
    this.adam.destroy();
    this.optimizerSteps.destroy();
    this.views?.destroy();
    this.plan.destroy();
  }

  private clearSlots(buffers: GPUBuffer[]): void {
    const encoder = this.gpu.device.createCommandEncoder({ label: 'clear optimizer state' });
    for (const buffer of buffers) encoder.clearBuffer(buffer);
    this.gpu.submit([encoder.finish()]);
  }

  private requireData(method: string): GpuDataset {
    this.checkAlive(method);
    if (!this.data) throw new Error(`${method}: call setData first`);
    return this.data;
  }

  private checkAlive(method: string): void {
    if (this.destroyed) throw new Error(`${method}: this GPU backend was destroyed`);
  }
}

function classesOf(description: NetworkDescription): number {
  const head = description.layers[description.layers.length - 1];
  if (head.kind !== 'classify') throw new Error('GPU backend: the last layer must be classify');
  return head.dense.outFeatures;
}
