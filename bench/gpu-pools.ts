// max_pool2d and avg_pool2d benchmark cases on our WGSL kernels. The max-pool backward gathers by
// the forward's argmax, so the reference forward's choice is uploaded (the same u32 format).

import type { BenchPass } from './cases.ts';
import { outputLengthOf, type LayerData } from './data.ts';
import { BufferSet, type GpuCaseRun } from './gpu-case.ts';
import { AvgPool2dKernel } from '../src/kernels/avg_pool2d.ts';
import { MaxPool2dKernel } from '../src/kernels/max_pool2d.ts';
import type { Gpu } from '../src/runtime/gpu.ts';

export async function preparePool(gpu: Gpu, data: LayerData, pass: BenchPass): Promise<GpuCaseRun> {
  const { layer } = data;
  if (layer.op !== 'max_pool2d' && layer.op !== 'avg_pool2d') throw new Error(`not a pool: ${layer.op}`);
  const buffers = new BufferSet(gpu);
  const input = buffers.upload('input', data.input);
  const out = buffers.output('out', data.dOut.length);
  const dInput = buffers.output('dInput', data.input.length);
  const dOut = buffers.upload('dOut', data.dOut);
  const output = pass === 'forward' ? out : dInput;
  const length = outputLengthOf(layer, pass);
  if (layer.op === 'max_pool2d') {
    const kernel = await MaxPool2dKernel.create(gpu);
    const argmax = buffers.upload('argmax', new Uint32Array(data.argmax));
    const binding = kernel.bind({ out, argmax, input, dInput, dOut }, layer.params);
    const encode =
      pass === 'forward'
        ? (p: GPUComputePassEncoder) => kernel.encodeForward(p, binding)
        : (p: GPUComputePassEncoder) => kernel.encodeBackwardInput(p, binding);
    return { encode, output, outputLength: length, destroy: () => (binding.destroy(), buffers.destroy()) };
  }
  const kernel = await AvgPool2dKernel.create(gpu);
  const binding = kernel.bind({ out, input, dInput, dOut }, layer.params);
  const encode =
    pass === 'forward'
      ? (p: GPUComputePassEncoder) => kernel.encodeForward(p, binding)
      : (p: GPUComputePassEncoder) => kernel.encodeBackwardInput(p, binding);
  return { encode, output, outputLength: length, destroy: () => (binding.destroy(), buffers.destroy()) };
}
