// TensorFlow.js (WebGPU backend) running the same op as one benchmark case, in its own preferred
// layout (NHWC activations, [kH, kW, inC, outC] conv filters, [in, out] dense kernels), with the
// layer's tensors converted once, untimed. Each pass maps to the TFJS kernel a TFJS training step would run: fused conv2d / matMul
// (bias + activation, as ours fuse), Conv2DBackpropInput, Conv2DBackpropFilter, MaxPoolGrad,
// AvgPoolGrad, and a sum for bias gradients. Browser page only (the backend needs navigator.gpu).

import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-webgpu';
import type { BenchPass } from './cases.ts';
import type { LayerData } from './data.ts';
import { layerShapes } from './data.ts';
import { permute } from './layout.ts';
import type { Shape } from '../src/ops/types.ts';

/** One prepared TFJS case: run() enqueues one iteration (its result disposed). */
export interface TfjsCaseRun {
  run(): void;
  /** One iteration's result in our layout (NCHW / [outC, inC, kH, kW]), read back. */
  result(): Promise<Float32Array>;
  destroy(): void;
}

/** Selects the WebGPU backend once; work stays on the GPU even for tiny tensors. */
export async function initTfjs(): Promise<string> {
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  if (!(await tf.setBackend('webgpu')))
    throw new Error('TensorFlow.js: the webgpu backend did not initialise');
  await tf.ready();
  // adapterInfo is private in the typings but public at run time; it names the adapter TFJS chose.
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } })
    .adapterInfo;
  const adapter = [info?.vendor, info?.architecture].filter(Boolean).join(' ') || 'unknown';
  return `TensorFlow.js ${tf.version.tfjs}, webgpu backend on adapter '${adapter}' (its own device)`;
}

/** Submits what TFJS has recorded and waits until the GPU has finished it (no readback). */
export async function tfjsSync(): Promise<void> {
  const backend = tf.backend() as WebGPUBackend;
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.submitQueue();
  await backend.device.queue.onSubmittedWorkDone();
}

const NCHW_TO_NHWC = [0, 2, 3, 1];
const NHWC_TO_NCHW = [0, 3, 1, 2];
const OIHW_TO_HWIO = [2, 3, 1, 0];
const HWIO_TO_OIHW = [3, 2, 0, 1];
const nhwc = (s: Shape): [number, number, number, number] => [s[0], s[2], s[3], s[1]];

type Op = () => tf.Tensor;
/** Turns a TFJS result (values, shape) back into our layout. */
type Back = (values: Float32Array, shape: Shape) => Float32Array;
/** Registers a tensor the case owns (disposed by destroy()). */
type Track = <T extends tf.Tensor>(t: T) => T;
interface Built {
  op: Op;
  back: Back;
}

const same: Back = (values) => values;
const toNchw: Back = (values, shape) => permute(values, shape, NHWC_TO_NCHW);

/** TFJS's fused activations spell 'none' as 'linear' and have no tanh. */
function fusedActivation(activation: string): 'linear' | 'relu' | 'sigmoid' {
  if (activation === 'none') return 'linear';
  if (activation === 'relu' || activation === 'sigmoid') return activation;
  throw new Error(`TensorFlow.js fused kernels have no '${activation}' activation`);
}

/** NCHW input and output gradient as NHWC tensors. */
function imageTensors(data: LayerData, track: Track): { x: tf.Tensor4D; dy: tf.Tensor4D } {
  const s = layerShapes(data.layer);
  return {
    x: track(tf.tensor4d(permute(data.input, s.input, NCHW_TO_NHWC), nhwc(s.input))),
    dy: track(tf.tensor4d(permute(data.dOut, s.output, NCHW_TO_NHWC), nhwc(s.output))),
  };
}

function convCase(data: LayerData, pass: BenchPass, track: Track): Built {
  const { layer } = data;
  if (layer.op !== 'conv2d') throw new Error(`convCase got ${layer.op}`);
  const p = layer.params;
  const s = layerShapes(layer);
  const { x, dy } = imageTensors(data, track);
  const hwio: [number, number, number, number] = [p.kernelH, p.kernelW, p.inChannels, p.outChannels];
  const filter = track(tf.tensor4d(permute(data.weight, s.weight, OIHW_TO_HWIO), hwio));
  const bias = track(tf.tensor1d(data.bias));
  const activation = fusedActivation(layer.activation);
  const common = { strides: p.stride, pad: p.padding, dataFormat: 'NHWC' as const };
  const engine = tf.engine();
  switch (pass) {
    case 'forward':
      return {
        op: () => tf.fused.conv2d({ x, filter, bias, activation, strides: p.stride, pad: p.padding }),
        back: toNchw,
      };
    case 'backward_input': {
      const attrs = { ...common, inputShape: nhwc(s.input) };
      return {
        op: () => engine.runKernel('Conv2DBackpropInput', { dy, filter }, attrs) as tf.Tensor,
        back: toNchw,
      };
    }
    case 'backward_weight': {
      const attrs = { ...common, filterShape: hwio };
      const back: Back = (values, shape) => permute(values, shape, HWIO_TO_OIHW);
      return { op: () => engine.runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor, back };
    }
    case 'backward_bias':
      return { op: () => tf.sum(dy, [0, 1, 2]), back: same };
  }
}

/**
 * dense in TFJS's own layout, as tf.layers.dense and its gradients run it: the kernel is
 * [in, out] (ours is [out, in], transposed once here), forward x·k, dx = dy·kᵀ, dk = xᵀ·dy.
 * (A transposed-B forward on our [out, in] weight gave wrong results on SwiftShader for
 * batch <= 64, out = 128, in >= 2048 in TFJS 4.22; see docs/bench.md.)
 */
function denseCase(data: LayerData, pass: BenchPass, track: Track): Built {
  const { layer } = data;
  if (layer.op !== 'dense') throw new Error(`denseCase got ${layer.op}`);
  const { batch, inFeatures, outFeatures } = layer.params;
  const x = track(tf.tensor2d(data.input, [batch, inFeatures]));
  const k = track(
    tf.tensor2d(permute(data.weight, [outFeatures, inFeatures], [1, 0]), [inFeatures, outFeatures]),
  );
  const bias = track(tf.tensor1d(data.bias));
  const dy = track(tf.tensor2d(data.dOut, [batch, outFeatures]));
  const activation = fusedActivation(layer.activation);
  switch (pass) {
    case 'forward':
      return { op: () => tf.fused.matMul({ a: x, b: k, bias, activation }), back: same };
    case 'backward_input':
      return { op: () => tf.matMul(dy, k, false, true), back: same };
    case 'backward_weight':
      return {
        op: () => tf.matMul(x, dy, true, false),
        back: (values, shape) => permute(values, shape, [1, 0]),
      };
    case 'backward_bias':
      return { op: () => tf.sum(dy, 0), back: same };
  }
}

function poolCase(data: LayerData, pass: BenchPass, track: Track): Built {
  const { layer } = data;
  if (layer.op !== 'max_pool2d' && layer.op !== 'avg_pool2d') throw new Error(`poolCase got ${layer.op}`);
  const { kernel, stride } = layer.params;
  const { x, dy } = imageTensors(data, track);
  const attrs = { filterSize: kernel, strides: stride, pad: 'valid' as const };
  const engine = tf.engine();
  if (layer.op === 'max_pool2d') {
    if (pass === 'forward') return { op: () => tf.maxPool(x, kernel, stride, 'valid'), back: toNchw };
    const y = track(tf.maxPool(x, kernel, stride, 'valid'));
    return {
      op: () => engine.runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs) as tf.Tensor,
      back: toNchw,
    };
  }
  if (pass === 'forward') return { op: () => tf.avgPool(x, kernel, stride, 'valid'), back: toNchw };
  return { op: () => engine.runKernel('AvgPoolGrad', { dy, input: x }, attrs) as tf.Tensor, back: toNchw };
}

/** Prepares one case; destroy() disposes the tensors it made. */
export function prepareTfjs(data: LayerData, pass: BenchPass): TfjsCaseRun {
  const owned: tf.Tensor[] = [];
  const track: Track = (t) => (owned.push(t), t);
  const op = data.layer.op;
  const built =
    op === 'conv2d'
      ? convCase(data, pass, track)
      : op === 'dense'
        ? denseCase(data, pass, track)
        : poolCase(data, pass, track);
  return {
    run: () => built.op().dispose(),
    async result() {
      const t = built.op();
      const values = (await t.data()) as Float32Array;
      t.dispose();
      return built.back(values, t.shape);
    },
    destroy: () => owned.forEach((t) => t.dispose()),
  };
}
