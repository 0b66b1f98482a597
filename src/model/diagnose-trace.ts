// Reading one batch's forward and backward back from either backend, for Backend.inspectBatch
// (the NaN diagnosis in diagnose.ts): every layer's output and output gradient, the per-example
// loss, the parameters and their gradients, copied. A debug path: the GPU version records its own
// submit and reads every buffer back, which the training loop never does.
// Not the analysis (diagnose.ts) and not the passes themselves (cpu-network.ts, gpu-plan.ts).

import { readFloat32 } from '../runtime/buffers.ts';
import type { Gpu } from '../runtime/gpu.ts';
import type { BatchTrace } from './backend.ts';
import type { CpuNetwork } from './cpu-network.ts';
import type { GpuNetworkPlan } from './gpu-plan.ts';

/** Runs `net` forward and backward on the batch already in net.images / net.labels and copies it all. */
export function traceCpuNetwork(net: CpuNetwork): BatchTrace {
  net.forward();
  net.backward();
  const last = net.layers.length - 1;
  return {
    outputs: net.layers.map((layer) => layer.output.slice()),
    // The classify layer's dOutput (d loss / d logits) has no GPU twin to compare with: left out.
    outputGradients: net.layers.map((layer, i) => (i === last ? null : layer.dOutput.slice())),
    lossPerRow: net.head.classify!.lossPerRow.slice(),
    parameters: net.params.slice(),
    parameterGradients: net.grads.slice(),
  };
}

/**
 * Records `encodeBatch` (a gather into the plan's images and labels), the forward and the backward
 * pass in one submit, without the optimizer or the metrics, then reads every tensor back.
 */
export async function traceGpuBatch(
  gpu: Gpu,
  plan: GpuNetworkPlan,
  encodeBatch: (pass: GPUComputePassEncoder) => void,
): Promise<BatchTrace> {
  const encoder = gpu.device.createCommandEncoder({
    label: 'inspect batch: forward and backward, no update',
  });
  const pass = encoder.beginComputePass({ label: 'inspect batch' });
  encodeBatch(pass);
  plan.encodeForward(pass);
  plan.encodeBackward(pass);
  pass.end();
  gpu.submit([encoder.finish()]);
  const read = (buffer: GPUBuffer) => readFloat32(gpu, buffer);
  const length = plan.layout.length;
  const [outputs, outputGradients, lossPerRow, parameters, parameterGradients] = await Promise.all([
    Promise.all(plan.layers.map((layer) => read(layer.output))),
    Promise.all(plan.layers.map((layer) => (layer.dOutput ? read(layer.dOutput) : null))),
    read(plan.head.lossPerRow!),
    readFloat32(gpu, plan.parameters, length),
    readFloat32(gpu, plan.gradients, length),
  ]);
  return { outputs, outputGradients, lossPerRow, parameters, parameterGradients };
}
