// WGSL kernels for concat_onehot (shaders/concat_onehot.forward.wgsl: out = [a ; onehot(label)];
// concat_onehot.backward_input.wgsl: dA = the first `width` columns of dOut). Pipelines prepared
// once in create(); bind*() make the params buffer and bind group once per buffer set; encode*()
// only record. Labels are u32 on the GPU, as gather_batch writes them.

import backwardCode from '../../shaders/concat_onehot.backward_input.wgsl?raw';
import forwardCode from '../../shaders/concat_onehot.forward.wgsl?raw';
import { validateConcatOnehot } from '../ops/concat_onehot.ts';
import { linearGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import { defineUniformLayout } from '../runtime/uniforms.ts';
import { checkWorkgroupSize, requireWords } from './kernel_args.ts';
import {
  bindSimplePass,
  encodeSimplePass,
  prepareSimplePass,
  type SimpleBinding,
  type SimplePass,
} from './simple_pass.ts';

const OP = 'concat_onehot';

/** Must match `struct ConcatOnehotParams` in both shaders (a unit test compares them). */
export const concatOnehotUniforms = defineUniformLayout({ rows: 'u32', width: 'u32', classes: 'u32' });

export interface ConcatOnehotKernelOptions {
  workgroupSize?: number;
}

export interface ConcatOnehotForwardBuffers {
  out: TensorBuffer;
  a: TensorBuffer;
  labels: TensorBuffer;
}

export interface ConcatOnehotBackwardBuffers {
  dA: TensorBuffer;
  dOut: TensorBuffer;
}

export class ConcatOnehotKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly workgroupSize: number,
    private readonly forward: SimplePass,
    private readonly backward: SimplePass,
  ) {}

  static async create(gpu: Gpu, options: ConcatOnehotKernelOptions = {}): Promise<ConcatOnehotKernel> {
    const workgroupSize = checkWorkgroupSize(gpu, OP, options.workgroupSize, 256);
    const ro = 'read-only-storage' as const;
    const constants = { WORKGROUP_SIZE: workgroupSize };
    const [forward, backward] = await Promise.all([
      prepareSimplePass(gpu, `${OP}.forward`, forwardCode, ['storage', ro, ro], constants),
      prepareSimplePass(gpu, `${OP}.backward_input`, backwardCode, ['storage', ro], constants),
    ]);
    return new ConcatOnehotKernel(gpu, workgroupSize, forward, backward);
  }

  bindForward(b: ConcatOnehotForwardBuffers, rows: number, width: number, classes: number): SimpleBinding {
    validateConcatOnehot(rows, width, classes);
    const n = rows * (width + classes);
    requireWords(`${OP}.forward`, { ...b }, { out: n, a: rows * width, labels: rows });
    const grid = linearGrid(n, this.workgroupSize, this.gpu.limits.maxComputeWorkgroupsPerDimension);
    const uniform = concatOnehotUniforms.pack({ rows, width, classes });
    return bindSimplePass(this.gpu, this.forward, [b.out, b.a, b.labels], uniform, grid);
  }

  bindBackwardInput(
    b: ConcatOnehotBackwardBuffers,
    rows: number,
    width: number,
    classes: number,
  ): SimpleBinding {
    validateConcatOnehot(rows, width, classes);
    requireWords(`${OP}.backward_input`, { ...b }, { dA: rows * width, dOut: rows * (width + classes) });
    const grid = linearGrid(
      rows * width,
      this.workgroupSize,
      this.gpu.limits.maxComputeWorkgroupsPerDimension,
    );
    const uniform = concatOnehotUniforms.pack({ rows, width, classes });
    return bindSimplePass(this.gpu, this.backward, [b.dA, b.dOut], uniform, grid);
  }

  encodeForward(pass: GPUComputePassEncoder, binding: SimpleBinding): void {
    encodeSimplePass(this.gpu, pass, this.forward, binding);
  }

  encodeBackwardInput(pass: GPUComputePassEncoder, binding: SimpleBinding): void {
    encodeSimplePass(this.gpu, pass, this.backward, binding);
  }
}
