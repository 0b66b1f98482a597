// Gradient ascent on the input on the GPU (class visualisation, "dreams"): the image state lives in
// a GPU buffer; one step is one submit of image_ascent.forward (jitter, blur), the input-gradient
// plan's forward and backward (gpu-input-grad.ts) and image_ascent.update (the step with L2, total
// variation and the clamp). Nothing is read back until read(): many steps run between readbacks,
// and reads are chained so at most one mapping is in flight. Same seeded schedule as cpu-ascent.ts.
// Reads the trainer's parameters as they are when each step runs, so dreams follow training.

import {
  ImageAscentKernel,
  type ImageAscentBinding,
  type ImageAscentKernelOptions,
} from '../kernels/image_ascent.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { AscentSchedule, copyParams, type AscentSettings } from './ascent-settings.ts';
import { softmaxRows } from './backend-views.ts';
import type { AscentReading } from './cpu-ascent.ts';
import type { GpuInputGradients } from './gpu-input-grad.ts';
import type { Objective } from './input-gradient.ts';
import { shapeElements } from './shapes.ts';

export class GpuAscent {
  readonly batch: number;
  private readonly image: GPUBuffer;
  private readonly staging: GPUBuffer;
  private readonly binding: ImageAscentBinding;
  private readonly floats: number;
  private schedule: AscentSchedule;
  private gradientScale = 1;
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly gpu: Gpu,
    readonly engine: GpuInputGradients,
    private readonly kernel: ImageAscentKernel,
    private readonly seed: number,
  ) {
    this.batch = engine.batch;
    const input = engine.description.input;
    this.floats = this.batch * shapeElements(input);
    this.schedule = new AscentSchedule(input, this.batch, seed);
    this.image = gpu.createBuffer({
      label: 'ascent image',
      size: 4 * this.floats,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    });
    this.staging = gpu.createBuffer({
      label: 'ascent readback',
      size: 4 * (this.floats + this.batch * engine.classes),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    try {
      const [channels, height, width] = input;
      this.binding = kernel.bind(
        { input: engine.images, image: this.image, gradient: engine.dImages },
        { batch: this.batch, channels, height, width },
      );
    } catch (error) {
      this.image.destroy();
      this.staging.destroy();
      throw error;
    }
  }

  /** Compiles the image_ascent pipelines; `seed` seeds the jitter. */
  static async create(
    gpu: Gpu,
    engine: GpuInputGradients,
    seed = 0,
    options: ImageAscentKernelOptions = {},
  ): Promise<GpuAscent> {
    return new GpuAscent(gpu, engine, await ImageAscentKernel.create(gpu, options), seed);
  }

  setObjective(objective: Objective): void {
    this.gradientScale = this.engine.setObjective(objective);
  }

  /** Starts over from `images` ([batch, C, H, W]); the jitter schedule restarts from the seed. */
  setImages(images: Float32Array<ArrayBuffer>): void {
    if (images.length !== this.floats)
      throw new RangeError(`ascent: images need ${this.floats} floats, got ${images.length}`);
    this.gpu.device.queue.writeBuffer(this.image, 0, images);
    this.schedule = new AscentSchedule(this.engine.description.input, this.batch, this.seed);
  }

  /** Records and submits `count` steps of the objective set last, one submit each; no readback. */
  step(settings: AscentSettings, count = 1): void {
    for (let s = 0; s < count; s++) {
      this.kernel.writeParams(this.binding, this.schedule.next(settings, this.gradientScale));
      const encoder = this.gpu.device.createCommandEncoder({ label: 'ascent step' });
      const pass = encoder.beginComputePass({ label: 'ascent step' });
      this.kernel.encodeForward(pass, this.binding);
      this.engine.encodeForward(pass);
      this.engine.encodeBackward(pass);
      this.kernel.encodeUpdate(pass, this.binding);
      pass.end();
      this.gpu.submit([encoder.finish()]);
    }
  }

  /** The images after the steps submitted so far and their softmax (no jitter, no blur). */
  read(): Promise<AscentReading> {
    const next = this.chain.then(() => this.readNow());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async readNow(): Promise<AscentReading> {
    const steps = this.schedule.steps;
    this.kernel.writeParams(this.binding, copyParams(this.engine.description.input, this.batch));
    const encoder = this.gpu.device.createCommandEncoder({ label: 'ascent read' });
    const pass = encoder.beginComputePass({ label: 'ascent read' });
    this.kernel.encodeForward(pass, this.binding);
    this.engine.encodeForward(pass);
    pass.end();
    const imageBytes = 4 * this.floats;
    const logitBytes = 4 * this.batch * this.engine.classes;
    encoder.copyBufferToBuffer(this.image, 0, this.staging, 0, imageBytes);
    encoder.copyBufferToBuffer(this.engine.logits, 0, this.staging, imageBytes, logitBytes);
    this.gpu.submit([encoder.finish()]);
    await this.gpu.mapAsync(this.staging, GPUMapMode.READ, 0, imageBytes + logitBytes);
    try {
      const mapped = this.staging.getMappedRange(0, imageBytes + logitBytes);
      const images = new Float32Array(mapped.slice(0, imageBytes));
      const logits = new Float32Array(mapped.slice(imageBytes));
      return { steps, images, probabilities: softmaxRows(logits, this.batch, this.engine.classes) };
    } finally {
      this.staging.unmap();
    }
  }

  /** Frees what this runner made (not the engine). */
  destroy(): void {
    this.binding.destroy();
    this.image.destroy();
    this.staging.destroy();
  }
}
