// Bookkeeping for the GPU CVAE's plans (gpu-cvae-plan.ts): a list of recorded dispatches that
// owns the buffers and bindings it made, and the view of one named tensor inside the flat
// parameter or gradient buffer. No kernels and no maths.

import type { Gpu } from '../runtime/gpu.ts';
import type { TensorBuffer } from '../runtime/tensor-binding.ts';
import type { CvaeLayout, CvaeTensorName } from './cvae-spec.ts';

export type Recorder = (pass: GPUComputePassEncoder) => void;
export type Destroyable = { destroy(): void };

/** The flat parameter (and, for training, gradient) buffers laid out by `layout`. */
export interface CvaeFlatBuffers {
  layout: CvaeLayout;
  params: GPUBuffer;
  grads?: GPUBuffer;
}

export const F32 = 4;
const COPY = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Owns buffers and bindings; records them in order. */
export class Recorded {
  readonly steps: Recorder[] = [];
  private readonly owned: Destroyable[] = [];
  constructor(private readonly gpu: Gpu) {}

  buffer(label: string, floats: number): GPUBuffer {
    return this.keep(
      this.gpu.createBuffer({ label: `cvae ${label}`, size: Math.max(4, floats * F32), usage: COPY() }),
    );
  }

  keep<T extends Destroyable>(thing: T): T {
    this.owned.push(thing);
    return thing;
  }

  /** Binds now (so a bad shape fails at construction) and records `encode` in order. */
  add<B extends Destroyable>(binding: B, encode: (pass: GPUComputePassEncoder, b: B) => void): void {
    this.keep(binding);
    this.steps.push((pass) => encode(pass, binding));
  }

  destroy(): void {
    for (const thing of this.owned.splice(0).reverse()) thing.destroy();
  }
}

export function tensor(buffer: GPUBuffer, layout: CvaeLayout, name: CvaeTensorName): TensorBuffer {
  const t = layout.byName[name];
  return { buffer, offset: t.offset * F32, size: t.length * F32 };
}
