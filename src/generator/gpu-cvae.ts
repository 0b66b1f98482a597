// The GPU conditional generator (GeneratorModel of types.ts), following the same run as the CPU
// model for the same config: the seeded init (cvae-spec.ts), per-epoch shuffles (epochPermutation,
// as CvaeBatchOrder) gathered on the GPU from the resident byte dataset, the same eps stream
// (CvaeNoise), and Adam over one flat parameter buffer in one dispatch. Pipelines, buffers and
// bind groups are made once; train() records up to STEPS_PER_SUBMIT steps per submit (Adam's
// uniform and eps staged per step and copied in, since writeBuffer lands once per submit) and
// reads the per-row losses back once at the end. Not the CPU model, the trainer UI or the CLI.

import { epochPermutation } from '../data/batching.ts';
import type { Dataset } from '../data/dataset.ts';
import { adamUniforms, packAdamParams, type AdamBinding } from '../kernels/adam.ts';
import { GpuDataset } from '../model/gpu-data.ts';
import type { KernelTuning } from '../model/kernel-tuning.ts';
import { createBufferWithData, readFloat32 } from '../runtime/buffers.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { CvaeNoise } from './cvae-run.ts';
import * as spec from './cvae-spec.ts';
import { createCvaeKernels, defaultCvaeTuning, type CvaeKernels } from './gpu-cvae-kernels.ts';
import { CvaeSamplePlan, CvaeTrainPlan, type CvaeFlatBuffers } from './gpu-cvae-plan.ts';
import { checkCvaeDataset, checkSampleRequest, checkSteps } from './cvae-checks.ts';
import { StepLosses } from './gpu-cvae-losses.ts';
import type { CvaeConfig, GeneratorModel, GeneratorStepResult } from './types.ts';

/** Steps recorded into one command buffer; longer train() calls submit once per this many. */
export const STEPS_PER_SUBMIT = 32;

export interface GpuCvaeOptions {
  /** GEMM tiles; default: small tiles on a software adapter, the kernels' defaults elsewhere. */
  tuning?: KernelTuning;
  /** Start from these parameters instead of the seeded init. */
  parameters?: Float32Array;
  /** Compiled kernels to share (createCvaeKernels with the same tuning), so a new model compiles nothing. */
  kernels?: CvaeKernels;
}

export async function createGpuCvae(
  gpu: Gpu,
  dataset: Dataset,
  config: CvaeConfig,
  options: GpuCvaeOptions = {},
): Promise<GeneratorModel> {
  spec.validateCvaeConfig(config);
  checkCvaeDataset(dataset, config);
  const layout = spec.cvaeLayout(config.latent);
  const initial = options.parameters ?? spec.cvaeInitialParameters(config);
  if (initial.length !== layout.length) {
    throw new Error(
      `cvae: the parameters hold ${initial.length} floats but latent ${config.latent} needs ${layout.length}; ` +
        'load parameters saved with the same latent size',
    );
  }
  const tuning = options.tuning ?? defaultCvaeTuning(gpu);
  const kernels = options.kernels ?? (await createCvaeKernels(gpu, tuning));
  return new GpuCvae(gpu, kernels, dataset, Object.freeze({ ...config }), initial, tuning);
}

class GpuCvae implements GeneratorModel {
  private readonly owned: { destroy(): void }[] = [];
  private readonly flat: CvaeFlatBuffers;
  private readonly plan: CvaeTrainPlan;
  private readonly data: GpuDataset;
  private readonly adam: AdamBinding;
  private readonly adamSlots: GPUBuffer;
  private readonly epsSlots: GPUBuffer;
  private readonly losses: GPUBuffer;
  private readonly noise: CvaeNoise;
  private readonly epsStaging: Float32Array<ArrayBuffer>;
  private readonly adamStaging = new Uint8Array(STEPS_PER_SUBMIT * adamUniforms.byteSize);
  private readonly splits: { splits?: number };
  private samplePlan: CvaeSamplePlan | null = null;
  private stepsDone = 0;
  private orderEpoch = -1;
  private destroyed = false;

  constructor(
    private readonly gpu: Gpu,
    private readonly kernels: CvaeKernels,
    dataset: Dataset,
    readonly config: CvaeConfig,
    initial: Float32Array,
    tuning: KernelTuning,
  ) {
    try {
      const layout = spec.cvaeLayout(config.latent);
      const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
      const zeros = (label: string) => this.keep(gpu.createBuffer({ label, size: layout.length * 4, usage }));
      const params = this.keep(createBufferWithData(gpu, 'cvae parameters', initial, usage));
      const [grads, m, v] = [zeros('cvae gradients'), zeros('cvae adam m'), zeros('cvae adam v')];
      this.flat = { layout, params, grads };
      this.splits = (tuning.splitK ?? true) ? {} : { splits: 1 };
      this.plan = this.keep(new CvaeTrainPlan(gpu, kernels, this.flat, config.batch, this.splits));
      const { images, labels } = this.plan;
      this.data = this.keep(new GpuDataset(kernels.gather, dataset, { images, labels, batch: config.batch }));
      const adamDefaults = { learningRate: config.learningRate, ...spec.CVAE_ADAM, step: 1 };
      this.adam = this.keep(
        kernels.adam.bind({ parameters: params, m, v, grads }, layout.length, adamDefaults),
      );
      const staging = GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
      const epsFloats = config.batch * config.latent;
      this.epsStaging = new Float32Array(STEPS_PER_SUBMIT * epsFloats);
      this.adamSlots = this.keep(
        gpu.createBuffer({
          label: 'cvae adam uniforms per step',
          size: this.adamStaging.byteLength,
          usage: staging,
        }),
      );
      this.epsSlots = this.keep(
        gpu.createBuffer({ label: 'cvae eps per step', size: this.epsStaging.byteLength, usage: staging }),
      );
      // Per step: reconstruction then KL per row.
      const lossBytes = STEPS_PER_SUBMIT * 2 * config.batch * 4;
      this.losses = this.keep(
        gpu.createBuffer({ label: 'cvae losses per step', size: lossBytes, usage: staging }),
      );
      this.noise = new CvaeNoise(config.seed);
    } catch (error) {
      this.destroy();
      throw error;
    }
  }

  private keep<T extends { destroy(): void }>(thing: T): T {
    this.owned.push(thing);
    return thing;
  }

  private alive(what: string): void {
    if (this.destroyed) throw new Error(`cvae ${what}: the model was destroyed; create a new one`);
  }

  async train(steps: number): Promise<GeneratorStepResult> {
    this.alive('train');
    checkSteps(steps);
    const pending: Promise<StepLosses[]>[] = [];
    const firstStep = this.stepsDone;
    for (let done = 0; done < steps;) {
      const position = this.stepsDone % this.data.trainBatches;
      // An epoch's order is written before the submit that starts it; a submit never spans two.
      const count = Math.min(STEPS_PER_SUBMIT, steps - done, this.data.trainBatches - position);
      this.setEpochOrder();
      pending.push(this.submitSteps(count, position));
      this.stepsDone += count;
      done += count;
    }
    const losses = (await Promise.all(pending)).flat();
    return StepLosses.mean(losses, firstStep, this.stepsDone, this.config.learningRate);
  }

  private setEpochOrder(): void {
    const epoch = Math.floor(this.stepsDone / this.data.trainBatches);
    if (epoch === this.orderEpoch) return;
    this.data.setTrainOrder(epochPermutation(this.data.trainCount, this.config.seed, epoch));
    this.orderEpoch = epoch;
  }

  /** Stages `count` steps' Adam uniforms and eps, records and submits them, then reads the losses. */
  private submitSteps(count: number, firstBatch: number): Promise<StepLosses[]> {
    const { batch, latent } = this.config;
    const epsFloats = batch * latent;
    const length = this.flat.layout.length;
    for (let i = 0; i < count; i++) {
      const p = { learningRate: this.config.learningRate, ...spec.CVAE_ADAM, step: this.stepsDone + i + 1 };
      this.adamStaging.set(new Uint8Array(packAdamParams(length, p)), i * adamUniforms.byteSize);
      // Same draw order as the CPU model: each step's eps after nothing else.
      this.noise.next(this.epsStaging.subarray(i * epsFloats, (i + 1) * epsFloats));
    }
    const queue = this.gpu.device.queue;
    queue.writeBuffer(this.adamSlots, 0, this.adamStaging, 0, count * adamUniforms.byteSize);
    queue.writeBuffer(this.epsSlots, 0, this.epsStaging, 0, count * epsFloats);
    const encoder = this.gpu.device.createCommandEncoder({ label: `cvae train ${count} steps` });
    const rowBytes = batch * 4;
    for (let i = 0; i < count; i++) {
      // Copies cannot be recorded inside a pass: each step gets its own.
      encoder.copyBufferToBuffer(
        this.adamSlots,
        i * adamUniforms.byteSize,
        this.adam.paramsBuffer,
        0,
        adamUniforms.byteSize,
      );
      encoder.copyBufferToBuffer(this.epsSlots, i * epsFloats * 4, this.plan.eps, 0, epsFloats * 4);
      const pass = encoder.beginComputePass({ label: `cvae step ${this.stepsDone + i + 1}` });
      this.data.encodeTrainBatch(pass, firstBatch + i);
      this.plan.encode(pass);
      this.kernels.adam.encodeUpdate(pass, this.adam); // after every gradient: dispatches run in order
      pass.end();
      encoder.copyBufferToBuffer(this.plan.rec, 0, this.losses, 2 * i * rowBytes, rowBytes);
      encoder.copyBufferToBuffer(this.plan.kl, 0, this.losses, (2 * i + 1) * rowBytes, rowBytes);
    }
    const readback = this.gpu.createBuffer({
      label: 'cvae losses readback',
      size: 2 * count * rowBytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    encoder.copyBufferToBuffer(this.losses, 0, readback, 0, 2 * count * rowBytes);
    this.gpu.submit([encoder.finish()]);
    const firstStep = this.stepsDone + 1;
    return this.gpu
      .mapAsync(readback, GPUMapMode.READ)
      .then(() => StepLosses.parse(new Float32Array(readback.getMappedRange()), count, batch, firstStep))
      .finally(() => readback.destroy());
  }

  async sample(labels: Int32Array, z: Float32Array): Promise<Float32Array> {
    this.alive('sample');
    checkSampleRequest(labels, z, this.config.latent);
    const sigmoid = await this.kernels.sigmoid();
    if (this.samplePlan?.rows !== labels.length) {
      this.samplePlan?.destroy();
      this.samplePlan = null;
      this.samplePlan = new CvaeSamplePlan(
        this.gpu,
        this.kernels,
        sigmoid,
        this.flat,
        labels.length,
        this.splits,
      );
    }
    const plan = this.samplePlan;
    const queue = this.gpu.device.queue;
    queue.writeBuffer(plan.labels, 0, Uint32Array.from(labels));
    queue.writeBuffer(plan.z, 0, new Float32Array(z)); // a copy: z may view a SharedArrayBuffer
    const encoder = this.gpu.device.createCommandEncoder({ label: 'cvae sample' });
    const pass = encoder.beginComputePass({ label: 'cvae sample' });
    plan.encode(pass);
    pass.end();
    this.gpu.submit([encoder.finish()]);
    return readFloat32(this.gpu, plan.images, labels.length * spec.CVAE_PIXELS);
  }

  async parameters(): Promise<Float32Array> {
    this.alive('parameters');
    return readFloat32(this.gpu, this.flat.params, this.flat.layout.length);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.samplePlan?.destroy();
    this.samplePlan = null;
    for (const thing of this.owned.splice(0).reverse()) thing.destroy();
  }
}
