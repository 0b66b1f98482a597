// WGSL kernel for image_ascent (shaders/image_ascent.{forward,update}.wgsl; maths in
// src/ops/image_ascent.ts): the image passes of one class-visualisation step. Pipelines are
// prepared once in create(); bind() makes both bind groups and one params uniform per buffer set;
// writeParams() rewrites the uniform (jitter, blur and step change every step: one writeBuffer, no
// new buffer); encode*() only record. Not the network passes between them (src/model/gpu-ascent.ts).

import forwardCode from '../../shaders/image_ascent.forward.wgsl?raw';
import updateCode from '../../shaders/image_ascent.update.wgsl?raw';
import { validateImageAscent, type ImageAscentParams } from '../ops/image_ascent.ts';
import { linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { bindBuffers, createComputeBindGroupLayout, createComputePipeline } from '../runtime/pipeline.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import { checkWorkgroupSize, requireWords } from './kernel_args.ts';

const OP = 'image_ascent';

/** Must match `struct ImageAscentParams` in both shaders (a unit test compares). */
export const imageAscentUniforms = defineUniformLayout({
  batch: 'u32',
  channels: 'u32',
  height: 'u32',
  width: 'u32',
  shift_x: 'u32',
  shift_y: 'u32',
  blur: 'u32',
  normalize: 'u32',
  step_size: 'f32',
  gradient_scale: 'f32',
  decay: 'f32',
  tv_weight: 'f32',
  low: 'f32',
  high: 'f32',
});

export function packImageAscentParams(p: ImageAscentParams): ArrayBuffer {
  validateImageAscent(p);
  return imageAscentUniforms.pack({
    batch: p.batch,
    channels: p.channels,
    height: p.height,
    width: p.width,
    shift_x: p.shiftX,
    shift_y: p.shiftY,
    blur: p.blur ? 1 : 0,
    normalize: p.normalize ? 1 : 0,
    step_size: p.stepSize,
    gradient_scale: p.gradientScale,
    decay: p.decay,
    tv_weight: p.tvWeight,
    low: p.low,
    high: p.high,
  });
}

/** Outputs first in each pass: forward writes `input` from `image`; update writes `image`. */
export interface ImageAscentBuffers {
  /** The network's input [batch, C, H, W]. */
  input: TensorBuffer;
  /** The image state. */
  image: TensorBuffer;
  /** d objective / d input. */
  gradient: TensorBuffer;
}

export type ImageAscentShape = Pick<ImageAscentParams, 'batch' | 'channels' | 'height' | 'width'>;

export interface ImageAscentBinding {
  readonly shape: Readonly<ImageAscentShape>;
  readonly forward: GPUBindGroup;
  readonly forwardGrid: WorkgroupGrid;
  readonly update: GPUBindGroup;
  readonly updateGrid: WorkgroupGrid;
  readonly paramsBuffer: GPUBuffer;
  destroy(): void;
}

export interface ImageAscentKernelOptions {
  /** 1-D workgroup of the forward (one invocation per pixel). Default 64. */
  workgroupSize?: number;
  /** Workgroup of the update (one workgroup per image); a power of two. Default 64. */
  updateWorkgroupSize?: number;
}

export class ImageAscentKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly workgroupSize: number,
    private readonly layouts: { forward: GPUBindGroupLayout; update: GPUBindGroupLayout },
    private readonly pipelines: { forward: GPUComputePipeline; update: GPUComputePipeline },
  ) {}

  static async create(gpu: Gpu, options: ImageAscentKernelOptions = {}): Promise<ImageAscentKernel> {
    const workgroupSize = checkWorkgroupSize(gpu, OP, options.workgroupSize);
    const updateSize = checkWorkgroupSize(gpu, `${OP}.update`, options.updateWorkgroupSize);
    if ((updateSize & (updateSize - 1)) !== 0) {
      throw new RangeError(`${OP}: updateWorkgroupSize must be a power of two, got ${updateSize}`);
    }
    const forward = createComputeBindGroupLayout(gpu, `${OP}.forward`, [
      'storage',
      'read-only-storage',
      'uniform',
    ]);
    const update = createComputeBindGroupLayout(gpu, `${OP}.update`, [
      'storage',
      'read-only-storage',
      'read-only-storage',
      'uniform',
    ]);
    const [forwardPipeline, updatePipeline] = await Promise.all([
      createComputePipeline(gpu, {
        label: `${OP}.forward`,
        code: forwardCode,
        bindGroupLayouts: [forward],
        constants: { WORKGROUP_SIZE: workgroupSize },
      }),
      createComputePipeline(gpu, {
        label: `${OP}.update`,
        code: updateCode,
        bindGroupLayouts: [update],
        constants: { WG_SIZE: updateSize },
      }),
    ]);
    return new ImageAscentKernel(
      gpu,
      workgroupSize,
      { forward, update },
      { forward: forwardPipeline, update: updatePipeline },
    );
  }

  /** Checks the buffers against `shape` and makes the bind groups and params uniform once. */
  bind(buffers: ImageAscentBuffers, shape: ImageAscentShape): ImageAscentBinding {
    const first = { ...shape, shiftX: 0, shiftY: 0, blur: false, normalize: false };
    const params = { ...first, stepSize: 0, gradientScale: 1, decay: 0, tvWeight: 0, low: 0, high: 1 };
    validateImageAscent(params);
    const floats = shape.batch * shape.channels * shape.height * shape.width;
    requireWords(OP, { ...buffers }, { input: floats, image: floats, gradient: floats });
    const paramsBuffer = this.gpu.createBuffer({
      label: `${OP} params`,
      size: imageAscentUniforms.byteSize,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    try {
      const { input, image, gradient } = buffers;
      const maxPerDimension = this.gpu.limits.maxComputeWorkgroupsPerDimension;
      const binding: ImageAscentBinding = {
        shape: { ...shape },
        forward: bindBuffers(this.gpu, `${OP}.forward`, this.layouts.forward, [input, image, paramsBuffer]),
        forwardGrid: linearGrid(floats, this.workgroupSize, maxPerDimension),
        update: bindBuffers(this.gpu, `${OP}.update`, this.layouts.update, [
          image,
          input,
          gradient,
          paramsBuffer,
        ]),
        updateGrid: linearGrid(shape.batch, 1, maxPerDimension),
        paramsBuffer,
        destroy: () => paramsBuffer.destroy(),
      };
      this.writeParams(binding, params);
      return binding;
    } catch (error) {
      paramsBuffer.destroy();
      throw error;
    }
  }

  /** Rewrites the uniform for the next submit; the shape must be the bound one. */
  writeParams(binding: ImageAscentBinding, params: ImageAscentParams): void {
    for (const key of ['batch', 'channels', 'height', 'width'] as const) {
      if (params[key] !== binding.shape[key]) {
        throw new RangeError(`${OP}: ${key} ${params[key]} differs from the bound ${binding.shape[key]}`);
      }
    }
    this.gpu.device.queue.writeBuffer(binding.paramsBuffer, 0, packImageAscentParams(params));
  }

  /** Records input = roll(blur?(image)); no allocation, no submit. */
  encodeForward(pass: GPUComputePassEncoder, binding: ImageAscentBinding): void {
    pass.setPipeline(this.pipelines.forward);
    pass.setBindGroup(0, binding.forward);
    this.gpu.dispatch(pass, binding.forwardGrid);
  }

  /** Records the ascent step into image; no allocation, no submit. */
  encodeUpdate(pass: GPUComputePassEncoder, binding: ImageAscentBinding): void {
    pass.setPipeline(this.pipelines.update);
    pass.setBindGroup(0, binding.update);
    this.gpu.dispatch(pass, binding.updateGrid);
  }
}
