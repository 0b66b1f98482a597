// WGSL kernels for bce_logits (shaders/bce_logits.forward.wgsl: per-row loss sums by a
// deterministic workgroup reduction; bce_logits.backward_input.wgsl: (sigmoid(l) - t) * scale).
// Pipelines prepared once in create(); bind*() make the params buffer and bind group once per
// buffer set; encode*() only record. Not a loss accumulator: the caller averages the rows.

import backwardCode from '../../shaders/bce_logits.backward_input.wgsl?raw';
import forwardCode from '../../shaders/bce_logits.forward.wgsl?raw';
import { validateBceLogits, validateBceLogitsScale } from '../ops/bce_logits.ts';
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

const OP = 'bce_logits';

/** Must match `struct BceLogitsParams` in both shaders (a unit test compares them). */
export const bceLogitsUniforms = defineUniformLayout({ rows: 'u32', cols: 'u32', scale: 'f32' });

export interface BceLogitsKernelOptions {
  /** Invocations per row in the forward reduction; a power of two. Default 64. */
  reduceWorkgroupSize?: number;
  /** Invocations per workgroup of the elementwise backward. Default 256. */
  workgroupSize?: number;
}

export interface BceLogitsForwardBuffers {
  lossPerRow: TensorBuffer;
  logits: TensorBuffer;
  targets: TensorBuffer;
}

export interface BceLogitsBackwardBuffers {
  dLogits: TensorBuffer;
  logits: TensorBuffer;
  targets: TensorBuffer;
}

export class BceLogitsKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly workgroupSize: number,
    private readonly forward: SimplePass,
    private readonly backward: SimplePass,
  ) {}

  static async create(gpu: Gpu, options: BceLogitsKernelOptions = {}): Promise<BceLogitsKernel> {
    const reduce = checkWorkgroupSize(gpu, OP, options.reduceWorkgroupSize, 64);
    if ((reduce & (reduce - 1)) !== 0)
      throw new RangeError(`${OP}: reduceWorkgroupSize must be a power of two, got ${reduce}`);
    const workgroupSize = checkWorkgroupSize(gpu, OP, options.workgroupSize, 256);
    const ro = 'read-only-storage' as const;
    const [forward, backward] = await Promise.all([
      prepareSimplePass(gpu, `${OP}.forward`, forwardCode, ['storage', ro, ro], { WG_SIZE: reduce }),
      prepareSimplePass(gpu, `${OP}.backward_input`, backwardCode, ['storage', ro, ro], {
        WORKGROUP_SIZE: workgroupSize,
      }),
    ]);
    return new BceLogitsKernel(gpu, workgroupSize, forward, backward);
  }

  /** Prepares lossPerRow[r] = sum over the row's cols of BCE-with-logits. */
  bindForward(b: BceLogitsForwardBuffers, rows: number, cols: number): SimpleBinding {
    validateBceLogits(rows, cols);
    requireWords(`${OP}.forward`, { ...b }, { lossPerRow: rows, logits: rows * cols, targets: rows * cols });
    // One workgroup per row, folded into 2-D past the per-dimension limit.
    const grid = linearGrid(rows, 1, this.gpu.limits.maxComputeWorkgroupsPerDimension);
    const uniform = bceLogitsUniforms.pack({ rows, cols, scale: 0 });
    return bindSimplePass(this.gpu, this.forward, [b.lossPerRow, b.logits, b.targets], uniform, grid);
  }

  /** Prepares dLogits = (sigmoid(logits) - targets) * scale (overwritten). */
  bindBackwardInput(b: BceLogitsBackwardBuffers, rows: number, cols: number, scale: number): SimpleBinding {
    validateBceLogits(rows, cols);
    validateBceLogitsScale(scale);
    const n = rows * cols;
    requireWords(`${OP}.backward_input`, { ...b }, { dLogits: n, logits: n, targets: n });
    const grid = linearGrid(n, this.workgroupSize, this.gpu.limits.maxComputeWorkgroupsPerDimension);
    const uniform = bceLogitsUniforms.pack({ rows, cols, scale });
    return bindSimplePass(this.gpu, this.backward, [b.dLogits, b.logits, b.targets], uniform, grid);
  }

  encodeForward(pass: GPUComputePassEncoder, binding: SimpleBinding): void {
    encodeSimplePass(this.gpu, pass, this.forward, binding);
  }

  encodeBackwardInput(pass: GPUComputePassEncoder, binding: SimpleBinding): void {
    encodeSimplePass(this.gpu, pass, this.backward, binding);
  }
}
