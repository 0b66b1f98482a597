// conv2d and dense benchmark cases on our WGSL kernels (src/kernels/conv2d.ts, dense.ts): kernel
// created with the layer's activation (fused into forward), tensors uploaded, one binding per
// pass made once; encode() records one iteration. See gpu-case.ts for the shared pieces.

import type { BenchPass } from './cases.ts';
import { outputLengthOf, type LayerData } from './data.ts';
import { BufferSet, type GpuCaseRun } from './gpu-case.ts';
import { Conv2dKernel } from '../src/kernels/conv2d.ts';
import { DenseKernel } from '../src/kernels/dense.ts';
import type { KernelTuning } from '../src/model/kernel-tuning.ts';
import type { Gpu } from '../src/runtime/gpu.ts';

/**
 * Kernels are made once per device, activation and tiles, not per case: pipeline compilation is slow on
 * SwiftShader and is never part of a timing anyway. Held by the Gpu's lifetime (WeakMap).
 */
const kernels = new WeakMap<Gpu, Map<string, Promise<Conv2dKernel | DenseKernel>>>();

function cached<K extends Conv2dKernel | DenseKernel>(
  gpu: Gpu,
  key: string,
  make: () => Promise<K>,
): Promise<K> {
  let perGpu = kernels.get(gpu);
  if (!perGpu) kernels.set(gpu, (perGpu = new Map()));
  let kernel = perGpu.get(key);
  if (!kernel) perGpu.set(key, (kernel = make()));
  return kernel as Promise<K>;
}

/** The tensors of a weighted layer on the GPU, with the output of `pass` NaN-filled. */
function uploadWeighted(gpu: Gpu, data: LayerData, pass: BenchPass) {
  const buffers = new BufferSet(gpu);
  const output = buffers.output(`${data.layer.op}.${pass} output`, outputLengthOf(data.layer, pass));
  return {
    buffers,
    output,
    input: buffers.upload('input', data.input),
    weight: buffers.upload('weight', data.weight),
    bias: buffers.upload('bias', data.bias),
    dOut: buffers.upload('dOut', data.dOut),
  };
}

type Encode = (pass: GPUComputePassEncoder) => void;

function caseRun(
  data: LayerData,
  pass: BenchPass,
  t: ReturnType<typeof uploadWeighted>,
  encode: Encode,
  unbind: () => void,
): GpuCaseRun {
  return {
    encode,
    output: t.output,
    outputLength: outputLengthOf(data.layer, pass),
    destroy: () => {
      unbind();
      t.buffers.destroy();
    },
  };
}

export async function prepareConv2d(
  gpu: Gpu,
  data: LayerData,
  pass: BenchPass,
  tuning: KernelTuning,
): Promise<GpuCaseRun> {
  const { layer } = data;
  if (layer.op !== 'conv2d') throw new Error(`prepareConv2d got ${layer.op}`);
  const tiles = tuning.convTiles ?? {};
  const kernel = await cached(gpu, `conv2d ${layer.activation} ${JSON.stringify(tiles)}`, () =>
    Conv2dKernel.create(gpu, { ...tiles, activation: layer.activation }),
  );
  const t = uploadWeighted(gpu, data, pass);
  const p = layer.params;
  if (pass === 'forward') {
    const b = kernel.bindForward({ output: t.output, input: t.input, weight: t.weight, bias: t.bias }, p);
    return caseRun(
      data,
      pass,
      t,
      (c) => kernel.encodeForward(c, b),
      () => b.destroy(),
    );
  }
  // Bind only the output this pass writes, so the binding's split buffers are this pass's alone.
  const outputs = {
    backward_input: { dInput: t.output, weight: t.weight },
    backward_weight: { dWeight: t.output, input: t.input },
    backward_bias: { dBias: t.output },
  }[pass];
  const b = kernel.bindBackward({ dOut: t.dOut, ...outputs }, p);
  const encode: Encode = {
    backward_input: (c: GPUComputePassEncoder) => kernel.encodeBackwardInput(c, b),
    backward_weight: (c: GPUComputePassEncoder) => kernel.encodeBackwardWeight(c, b),
    backward_bias: (c: GPUComputePassEncoder) => kernel.encodeBackwardBias(c, b),
  }[pass];
  return caseRun(data, pass, t, encode, () => b.destroy());
}

export async function prepareDense(
  gpu: Gpu,
  data: LayerData,
  pass: BenchPass,
  tuning: KernelTuning,
): Promise<GpuCaseRun> {
  const { layer } = data;
  if (layer.op !== 'dense') throw new Error(`prepareDense got ${layer.op}`);
  const tiles = tuning.denseTiles;
  const kernel = await cached(gpu, `dense ${layer.activation} ${JSON.stringify(tiles ?? {})}`, () =>
    DenseKernel.create(gpu, { activation: layer.activation, tiles }),
  );
  const t = uploadWeighted(gpu, data, pass);
  const p = layer.params;
  switch (pass) {
    case 'forward': {
      const b = kernel.bindForward({ output: t.output, input: t.input, weight: t.weight, bias: t.bias }, p);
      return caseRun(
        data,
        pass,
        t,
        (c) => kernel.encodeForward(c, b),
        () => b.destroy(),
      );
    }
    case 'backward_input': {
      const b = kernel.bindBackwardInput({ dInput: t.output, dOut: t.dOut, weight: t.weight }, p);
      return caseRun(
        data,
        pass,
        t,
        (c) => kernel.encodeBackwardInput(c, b),
        () => b.destroy(),
      );
    }
    case 'backward_weight': {
      const b = kernel.bindBackwardWeight({ dWeight: t.output, dOut: t.dOut, input: t.input }, p);
      return caseRun(
        data,
        pass,
        t,
        (c) => kernel.encodeBackwardWeight(c, b),
        () => b.destroy(),
      );
    }
    case 'backward_bias': {
      const b = kernel.bindBackwardBias({ dBias: t.output, dOut: t.dOut }, p);
      return caseRun(
        data,
        pass,
        t,
        (c) => kernel.encodeBackwardBias(c, b),
        () => b.destroy(),
      );
    }
  }
}
