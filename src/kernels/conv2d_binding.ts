// Binding side of the conv2d kernel (src/kernels/conv2d.ts): checks the caller's buffers, creates
// once per buffer set the params uniform, the tap tables, the split-K partial buffers, the bind
// groups and split_sum bindings, and records the dispatches of one pass. Bindings are opaque
// handles; their GPU objects stay here, so a binding can only be encoded by the kernel that made it.

import type { Conv2dParams, Conv2dShapes } from '../ops/conv2d.ts';
import type { Shape } from '../ops/types.ts';
import { createBufferWithData } from '../runtime/buffers.ts';
import { ceilDiv, linearGrid, type WorkgroupGrid } from '../runtime/dispatch.ts';
import type { Gpu } from '../runtime/gpu.ts';
import { bindBuffers } from '../runtime/pipeline.ts';
import { bufferOf, type TensorBuffer } from '../runtime/tensor-binding.ts';
import type { Conv2dBackwardBuffers, Conv2dForwardBuffers, Conv2dPipelines } from './conv2d.ts';
import {
  buildGradTaps,
  buildTaps,
  checkGrid,
  gemmGrid,
  packConv2dParams,
  planConv2dSplits,
  tileShape,
  type Conv2dSplitPlan,
  type Conv2dTiles,
  type SplitTargets,
} from './conv2d_plan.ts';
import { requireWords } from './kernel_args.ts';
import type { SplitSumBinding, SplitSumKernel } from './split_sum.ts';
import { winogradFits, type Conv2dWinograd, type WinogradBinding } from './conv2d_winograd.ts';

export interface Conv2dForwardBinding {
  readonly params: Readonly<Conv2dParams>;
  readonly grid: WorkgroupGrid;
  destroy(): void;
}

export type Conv2dBackwardPass = 'backwardInput' | 'backwardWeight' | 'backwardBias';

export interface Conv2dBackwardBinding {
  readonly params: Readonly<Conv2dParams>;
  /** How encodeBackwardInput computes dInput (undefined without a dInput buffer). */
  readonly backwardInputMethod?: 'gemm' | 'winograd';
  readonly plan: Readonly<Conv2dSplitPlan>;
  /** The grid of each single-dispatch pass this binding encodes (backward_input: the GEMM path only). */
  readonly grids: Readonly<Partial<Record<Conv2dBackwardPass, WorkgroupGrid>>>;
  destroy(): void;
}

type PassName = keyof Conv2dPipelines;

/** One pass of one binding: its bind group and grid, then an optional split_sum; or Winograd's steps. */
type Recorded =
  { bindGroup: GPUBindGroup; grid: WorkgroupGrid; sum?: SplitSumBinding } | { winograd: WinogradBinding };

type Owned = { destroy(): void };

const size = (shape: Shape) => shape.reduce((a, b) => a * b, 1);

function requireStorage(buffers: Readonly<Record<string, TensorBuffer | undefined>>): void {
  for (const [name, buffer] of Object.entries(buffers)) {
    if (buffer && (bufferOf(buffer).usage & GPUBufferUsage.STORAGE) === 0) {
      throw new RangeError(`conv2d: buffer '${name}' needs GPUBufferUsage.STORAGE`);
    }
  }
}

export class Conv2dBindings {
  private readonly recorded = new WeakMap<object, Map<PassName, Recorded>>();

  constructor(
    private readonly gpu: Gpu,
    private readonly tiles: Conv2dTiles,
    private readonly passes: Conv2dPipelines,
    private readonly splitSum: SplitSumKernel,
    private readonly targets: SplitTargets,
    private readonly maxPerDimension: number,
    /** backward_input of 3x3 stride-1 layers where it pays; undefined: always the implicit GEMM. */
    private readonly winograd?: Conv2dWinograd,
  ) {}

  forward(b: Conv2dForwardBuffers, p: Conv2dParams, shapes: Conv2dShapes): Conv2dForwardBinding {
    requireStorage({ ...b });
    const words = { output: size(shapes.output), input: size(shapes.input), weight: size(shapes.weight) };
    requireWords('conv2d forward', { ...b }, { ...words, bias: p.outChannels });
    const { tileM, tileN } = tileShape(this.tiles);
    const pixels = p.batch * shapes.output[2] * shapes.output[3];
    const grid = gemmGrid(ceilDiv(p.outChannels, tileM), ceilDiv(pixels, tileN), this.maxPerDimension);
    const owned: GPUBuffer[] = [];
    let bindGroup: GPUBindGroup;
    try {
      const params = this.uniform(p, planConv2dSplits(p, this.tiles, this.targets));
      owned.push(params);
      const taps = this.table('conv2d.forward taps', buildTaps(p), owned);
      const group = [b.output, b.input, b.weight, b.bias, taps, params];
      bindGroup = bindBuffers(this.gpu, 'conv2d.forward', this.passes.forward.layout, group);
    } catch (error) {
      this.release(undefined, owned, []);
      throw error;
    }
    const handle = { params: { ...p }, grid, destroy: () => this.release(handle, owned, []) };
    this.recorded.set(handle, new Map([['forward', { bindGroup, grid }]]));
    return handle;
  }

  backward(b: Conv2dBackwardBuffers, p: Conv2dParams, shapes: Conv2dShapes): Conv2dBackwardBinding {
    if (!b.dInput && !b.dWeight && !b.dBias)
      throw new RangeError('conv2d backward: give at least one of dInput, dWeight, dBias');
    if (b.dInput && !b.weight) throw new RangeError('conv2d backward: dInput needs the weight buffer');
    if (b.dWeight && !b.input) throw new RangeError('conv2d backward: dWeight needs the input buffer');
    requireStorage({ ...b });
    const words: Record<string, number> = { dOut: size(shapes.output) };
    if (b.dInput) Object.assign(words, { dInput: size(shapes.input), weight: size(shapes.weight) });
    if (b.dWeight) Object.assign(words, { dWeight: size(shapes.weight), input: size(shapes.input) });
    if (b.dBias) words.dBias = p.outChannels;
    requireWords('conv2d backward', { ...b } as Record<string, TensorBuffer>, words);

    const plan = planConv2dSplits(p, this.tiles, this.targets);
    const limits = this.gpu.limits;
    const maxBufferBytes = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
    const winograd =
      b.dInput && this.winograd && winogradFits(p, this.winograd.tiles, maxBufferBytes, this.maxPerDimension);
    const grids = this.backwardGrids(b, p, plan, Boolean(winograd));
    const owned: Owned[] = [];
    const sums: SplitSumBinding[] = [];
    const passes = new Map<PassName, Recorded>();
    try {
      const params = this.uniform(p, plan);
      owned.push(params);
      if (b.dInput && b.weight && winograd && this.winograd) {
        const binding = this.winograd.bind({ dInput: b.dInput, dOut: b.dOut, weight: b.weight }, p);
        owned.push(binding);
        passes.set('backwardInput', { winograd: binding });
      } else if (b.dInput && b.weight && grids.backwardInput) {
        const taps = this.table('conv2d.backward_input taps', buildGradTaps(p), owned);
        const bindGroup = this.group('backwardInput', [b.dInput, b.dOut, b.weight, taps, params]);
        passes.set('backwardInput', { grid: grids.backwardInput, bindGroup });
      }
      if (b.dWeight && b.input && grids.backwardWeight) {
        const taps = this.table('conv2d.backward_weight taps', buildTaps(p), owned);
        const length = size(shapes.weight);
        const target = this.partial(
          'conv2d.backward_weight partials',
          b.dWeight,
          length,
          plan.weightSplits,
          owned,
          sums,
        );
        const bindGroup = this.group('backwardWeight', [target.out, b.dOut, b.input, taps, params]);
        passes.set('backwardWeight', { grid: grids.backwardWeight, bindGroup, sum: target.sum });
      }
      if (b.dBias && grids.backwardBias) {
        const target = this.partial(
          'conv2d.backward_bias partials',
          b.dBias,
          p.outChannels,
          plan.biasSplits,
          owned,
          sums,
        );
        const bindGroup = this.group('backwardBias', [target.out, b.dOut, params]);
        passes.set('backwardBias', { grid: grids.backwardBias, bindGroup, sum: target.sum });
      }
    } catch (error) {
      this.release(undefined, owned, sums);
      throw error;
    }
    const backwardInputMethod = b.dInput ? (winograd ? ('winograd' as const) : ('gemm' as const)) : undefined;
    const handle = {
      params: { ...p },
      backwardInputMethod,
      plan,
      grids,
      destroy: () => this.release(handle, owned, sums),
    };
    this.recorded.set(handle, passes);
    return handle;
  }

  /** Grids of the passes whose outputs are given, checked before any GPU object is made. */
  private backwardGrids(b: Conv2dBackwardBuffers, p: Conv2dParams, plan: Conv2dSplitPlan, winograd: boolean) {
    const { tileM, tileN } = tileShape(this.tiles);
    const max = this.maxPerDimension;
    const grids: Partial<Record<Conv2dBackwardPass, WorkgroupGrid>> = {};
    // Winograd's four dispatches have grids of their own (conv2d_winograd.ts), checked by winogradFits.
    if (b.dInput && !winograd) {
      const pixels = p.batch * p.inHeight * p.inWidth;
      grids.backwardInput = gemmGrid(ceilDiv(p.inChannels, tileM), ceilDiv(pixels, tileN), max);
    }
    if (b.dWeight) {
      const taps = p.inChannels * p.kernelH * p.kernelW;
      const grid = { x: ceilDiv(taps, tileN), y: ceilDiv(p.outChannels, tileM), z: plan.weightSplits };
      grids.backwardWeight = checkGrid('backward_weight', grid, max);
    }
    if (b.dBias) {
      // Channels fold from x into z like the GEMMs' N tiles; splits run along y.
      const folded = linearGrid(p.outChannels, 1, max);
      grids.backwardBias = checkGrid('backward_bias', { x: folded.x, y: plan.biasSplits, z: folded.y }, max);
    }
    return grids;
  }

  encode(pass: GPUComputePassEncoder, binding: object, name: PassName): void {
    const passes = this.recorded.get(binding);
    if (!passes)
      throw new Error(`conv2d ${name}: this binding was destroyed or made by another Conv2dKernel`);
    const recorded = passes.get(name);
    if (!recorded) throw new Error(`conv2d ${name}: the binding was made without this pass's output buffer`);
    if ('winograd' in recorded) {
      this.winograd?.encode(pass, recorded.winograd);
      return;
    }
    pass.setPipeline(this.passes[name].pipeline);
    pass.setBindGroup(0, recorded.bindGroup);
    this.gpu.dispatch(pass, recorded.grid);
    if (recorded.sum) this.splitSum.encodeForward(pass, recorded.sum);
  }

  /** Where a reduction writes: the output itself with one split, else a new partial buffer + split_sum. */
  private partial(
    label: string,
    output: TensorBuffer,
    length: number,
    splits: number,
    owned: Owned[],
    sums: SplitSumBinding[],
  ) {
    if (splits === 1) return { out: output, sum: undefined };
    const parts = this.gpu.createBuffer({ label, size: 4 * length * splits, usage: GPUBufferUsage.STORAGE });
    owned.push(parts);
    const sum = this.splitSum.bind({ out: output, parts }, { length, splits });
    sums.push(sum);
    return { out: parts, sum };
  }

  private uniform(p: Conv2dParams, plan: Conv2dSplitPlan): GPUBuffer {
    const bytes = new Uint32Array(packConv2dParams(p, plan));
    return createBufferWithData(this.gpu, 'conv2d params', bytes, GPUBufferUsage.UNIFORM);
  }

  private table(label: string, words: Uint32Array, owned: Owned[]): GPUBuffer {
    const buffer = createBufferWithData(this.gpu, label, words, GPUBufferUsage.STORAGE);
    owned.push(buffer);
    return buffer;
  }

  private group(name: Conv2dBackwardPass, buffers: TensorBuffer[]): GPUBindGroup {
    const label = {
      backwardInput: 'backward_input',
      backwardWeight: 'backward_weight',
      backwardBias: 'backward_bias',
    }[name];
    return bindBuffers(this.gpu, `conv2d.${label}`, this.passes[name].layout, buffers);
  }

  /** Forgets `handle` (so later encodes throw) and destroys what the binding created. */
  private release(handle: object | undefined, owned: Owned[], sums: SplitSumBinding[]): void {
    if (handle) this.recorded.delete(handle);
    for (const buffer of owned) buffer.destroy();
    for (const sum of sums) sum.destroy();
  }
}
