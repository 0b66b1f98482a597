// WGSL kernels for vae_latent (shaders/vae_latent.forward.wgsl: z and the per-row KL;
// vae_latent.backward_input.wgsl: dMuLogvar from dz and the KL term). Pipelines prepared once in
// create(); bind*() make the params buffer and bind group once per buffer set; encode*() only
// record. eps is the caller's buffer (the CVAE writes it with queue.writeBuffer each step).

import backwardCode from '../../shaders/vae_latent.backward_input.wgsl?raw';
import forwardCode from '../../shaders/vae_latent.forward.wgsl?raw';
import { validateVaeLatent, validateVaeLatentScale } from '../ops/vae_latent.ts';
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

const OP = 'vae_latent';

/** Must match `struct VaeLatentParams` in both shaders (a unit test compares them). */
export const vaeLatentUniforms = defineUniformLayout({ rows: 'u32', latent: 'u32', scale: 'f32' });

export interface VaeLatentKernelOptions {
  workgroupSize?: number;
}

export interface VaeLatentForwardBuffers {
  z: TensorBuffer;
  klPerRow: TensorBuffer;
  muLogvar: TensorBuffer;
  eps: TensorBuffer;
}

export interface VaeLatentBackwardBuffers {
  dMuLogvar: TensorBuffer;
  dz: TensorBuffer;
  muLogvar: TensorBuffer;
  eps: TensorBuffer;
}

export class VaeLatentKernel {
  private constructor(
    private readonly gpu: Gpu,
    readonly workgroupSize: number,
    private readonly forward: SimplePass,
    private readonly backward: SimplePass,
  ) {}

  static async create(gpu: Gpu, options: VaeLatentKernelOptions = {}): Promise<VaeLatentKernel> {
    const workgroupSize = checkWorkgroupSize(gpu, OP, options.workgroupSize, 64);
    const ro = 'read-only-storage' as const;
    const constants = { WORKGROUP_SIZE: workgroupSize };
    const [forward, backward] = await Promise.all([
      prepareSimplePass(gpu, `${OP}.forward`, forwardCode, ['storage', 'storage', ro, ro], constants),
      prepareSimplePass(gpu, `${OP}.backward_input`, backwardCode, ['storage', ro, ro, ro], constants),
    ]);
    return new VaeLatentKernel(gpu, workgroupSize, forward, backward);
  }

  /** Prepares z = mu + exp(logvar/2) * eps and klPerRow. */
  bindForward(b: VaeLatentForwardBuffers, rows: number, latent: number): SimpleBinding {
    validateVaeLatent(rows, latent);
    const n = rows * latent;
    requireWords(`${OP}.forward`, { ...b }, { z: n, klPerRow: rows, muLogvar: 2 * n, eps: n });
    const grid = linearGrid(rows, this.workgroupSize, this.gpu.limits.maxComputeWorkgroupsPerDimension);
    const uniform = vaeLatentUniforms.pack({ rows, latent, scale: 0 });
    return bindSimplePass(this.gpu, this.forward, [b.z, b.klPerRow, b.muLogvar, b.eps], uniform, grid);
  }

  /** Prepares dMuLogvar (overwritten) from dz and `scale` times the KL gradient. */
  bindBackwardInput(b: VaeLatentBackwardBuffers, rows: number, latent: number, scale: number): SimpleBinding {
    validateVaeLatent(rows, latent);
    validateVaeLatentScale(scale);
    const n = rows * latent;
    requireWords(`${OP}.backward_input`, { ...b }, { dMuLogvar: 2 * n, dz: n, muLogvar: 2 * n, eps: n });
    const grid = linearGrid(n, this.workgroupSize, this.gpu.limits.maxComputeWorkgroupsPerDimension);
    const uniform = vaeLatentUniforms.pack({ rows, latent, scale });
    return bindSimplePass(this.gpu, this.backward, [b.dMuLogvar, b.dz, b.muLogvar, b.eps], uniform, grid);
  }

  encodeForward(pass: GPUComputePassEncoder, binding: SimpleBinding): void {
    encodeSimplePass(this.gpu, pass, this.forward, binding);
  }

  encodeBackwardInput(pass: GPUComputePassEncoder, binding: SimpleBinding): void {
    encodeSimplePass(this.gpu, pass, this.backward, binding);
  }
}
