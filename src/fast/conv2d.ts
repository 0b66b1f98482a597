// Fast CPU conv2d (float32 only): im2col + the blocked GEMM, one image at a time, with the same
// names and argument order as src/reference/conv2d.ts plus an optional workspace. im2col writes
// straight into the GEMM's packed layout; col2im reads the GEMM's plain output. Pass a workspace
// made once per network and these functions allocate no typed arrays. 1x1 stride-1 unpadded
// convolutions skip im2col (the image already is the column matrix).
// Not the reference: sums run in a different order and C is rounded to float32 between GEMM
// blocks (see gemm.ts), so results match the reference to a tolerance, not bit for bit.

import { conv2dOutputSize, conv2dShapes, validateConv2d, type Conv2dParams } from '../ops/conv2d.ts';
import { checkLength } from '../reference/check.ts';
import {
  createGemmWorkspace,
  defaultGemmWorkspace,
  gemm,
  gemmPrepackedB,
  type GemmParams,
  type GemmWorkspace,
} from './gemm.ts';
import { col2im, im2colPacked, packedColumnsLength } from './im2col.ts';

const OP = 'conv2d';

/** Every offset is set up front so the params object keeps one shape (V8 hidden class). */
const ZERO_OFFSETS = { aOffset: 0, bOffset: 0, cOffset: 0 } as const;

/** Scratch for one or more conv layers: the column matrix and the GEMM's packing buffers. */
export interface Conv2dWorkspace {
  cols: Float32Array;
  gemm: GemmWorkspace;
}

/** Floats in the column matrix of one image, in the largest of the layouts the passes use. */
export function conv2dColumnsLength(p: Conv2dParams): number {
  return Math.max(packedColumnsLength(p, 'pixels'), packedColumnsLength(p, 'taps'));
}

/** One workspace big enough for every layer listed (they run one after another, so they share). */
export function createConv2dWorkspace(...layers: Conv2dParams[]): Conv2dWorkspace {
  const longest = layers.reduce((most, p) => Math.max(most, conv2dColumnsLength(p)), 0);
  return { cols: new Float32Array(longest), gemm: createGemmWorkspace() };
}

/** The image is its own column matrix: one tap, no stride, no padding. */
function isPointwise(p: Conv2dParams): boolean {
  return p.kernelH === 1 && p.kernelW === 1 && p.stride === 1 && p.padding === 0;
}

/** The caller's workspace after a size check, or a column buffer for this call and the shared GEMM one. */
function workspaceFor(p: Conv2dParams, workspace: Conv2dWorkspace | undefined): Conv2dWorkspace {
  if (workspace === undefined)
    return { cols: new Float32Array(conv2dColumnsLength(p)), gemm: defaultGemmWorkspace() };
  const need = conv2dColumnsLength(p);
  if (workspace.cols.length < need) {
    throw new Error(
      `${OP}: workspace.cols has ${workspace.cols.length} elements but this layer needs ${need}; ` +
        'make the workspace with createConv2dWorkspace(...) listing this layer',
    );
  }
  return workspace;
}

/** out[n] = weight [outC, inC*kH*kW] x cols(input[n]) + bias, per image. */
export function conv2dForward(
  out: Float32Array,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  p: Conv2dParams,
  workspace?: Conv2dWorkspace,
): void {
  validateConv2d(p);
  const shapes = conv2dShapes(p);
  checkLength(OP, 'out', out, shapes.output);
  checkLength(OP, 'input', input, shapes.input);
  checkLength(OP, 'weight', weight, shapes.weight);
  checkLength(OP, 'bias', bias, shapes.bias);
  const ws = workspaceFor(p, workspace);
  const { outHeight, outWidth } = conv2dOutputSize(p);
  const plane = outHeight * outWidth;
  const imageSize = p.inChannels * p.inHeight * p.inWidth;
  const pointwise = isPointwise(p);
  const product: GemmParams = {
    m: p.outChannels,
    n: plane,
    k: p.inChannels * p.kernelH * p.kernelW,
    transA: false,
    transB: false,
    accumulate: true, // onto the bias written just before
    ...ZERO_OFFSETS,
  };
  for (let n = 0; n < p.batch; n++) {
    const outStart = n * p.outChannels * plane;
    for (let oc = 0; oc < p.outChannels; oc++) {
      out.fill(bias[oc], outStart + oc * plane, outStart + (oc + 1) * plane);
    }
    product.cOffset = outStart;
    if (pointwise) {
      product.bOffset = n * imageSize;
      gemm(out, weight, input, product, ws.gemm);
    } else {
      im2colPacked(ws.cols, input, n, p, 'pixels');
      gemmPrepackedB(out, weight, ws.cols, product, ws.gemm);
    }
  }
}

/** dInput[n] = col2im(weight^T x dOut[n]); overwrites dInput. */
export function conv2dBackwardInput(
  dInput: Float32Array,
  dOut: Float32Array,
  weight: Float32Array,
  p: Conv2dParams,
  workspace?: Conv2dWorkspace,
): void {
  validateConv2d(p);
  const shapes = conv2dShapes(p);
  checkLength(OP, 'dInput', dInput, shapes.input);
  checkLength(OP, 'dOut', dOut, shapes.output);
  checkLength(OP, 'weight', weight, shapes.weight);
  const ws = workspaceFor(p, workspace);
  const { outHeight, outWidth } = conv2dOutputSize(p);
  const plane = outHeight * outWidth;
  const pointwise = isPointwise(p);
  const product: GemmParams = {
    m: p.inChannels * p.kernelH * p.kernelW,
    n: plane,
    k: p.outChannels,
    transA: true, // weight is stored [outC, inC*kH*kW]: the transpose of what this product needs
    transB: false,
    accumulate: false,
    ...ZERO_OFFSETS,
  };
  for (let n = 0; n < p.batch; n++) {
    product.bOffset = n * p.outChannels * plane;
    if (pointwise) {
      product.cOffset = n * p.inChannels * p.inHeight * p.inWidth;
      gemm(dInput, weight, dOut, product, ws.gemm);
    } else {
      gemm(ws.cols, weight, dOut, product, ws.gemm);
      col2im(dInput, ws.cols, n, p);
    }
  }
}

/** dWeight = sum over n of dOut[n] [outC, outH*outW] x cols(input[n])^T; overwrites dWeight. */
export function conv2dBackwardWeight(
  dWeight: Float32Array,
  dOut: Float32Array,
  input: Float32Array,
  p: Conv2dParams,
  workspace?: Conv2dWorkspace,
): void {
  validateConv2d(p);
  const shapes = conv2dShapes(p);
  checkLength(OP, 'dWeight', dWeight, shapes.weight);
  checkLength(OP, 'dOut', dOut, shapes.output);
  checkLength(OP, 'input', input, shapes.input);
  const ws = workspaceFor(p, workspace);
  const { outHeight, outWidth } = conv2dOutputSize(p);
  const plane = outHeight * outWidth;
  const imageSize = p.inChannels * p.inHeight * p.inWidth;
  const pointwise = isPointwise(p);
  const product: GemmParams = {
    m: p.outChannels,
    n: p.inChannels * p.kernelH * p.kernelW,
    k: plane,
    transA: false,
    transB: true, // a 1x1 image is [taps, pixels]; im2colPacked('taps') writes the transpose itself
    accumulate: false,
    ...ZERO_OFFSETS,
  };
  for (let n = 0; n < p.batch; n++) {
    product.accumulate = n > 0; // the first image overwrites, the rest add
    product.aOffset = n * p.outChannels * plane;
    if (pointwise) {
      product.bOffset = n * imageSize;
      gemm(dWeight, dOut, input, product, ws.gemm);
    } else {
      im2colPacked(ws.cols, input, n, p, 'taps');
      product.bOffset = 0;
      gemmPrepackedB(dWeight, dOut, ws.cols, product, ws.gemm);
    }
  }
}

/** dBias[oc] = sum over n, oy, ox of dOut[n, oc, oy, ox], summed in doubles; overwrites dBias. */
export function conv2dBackwardBias(dBias: Float32Array, dOut: Float32Array, p: Conv2dParams): void {
  validateConv2d(p);
  const shapes = conv2dShapes(p);
  checkLength(OP, 'dBias', dBias, shapes.bias);
  checkLength(OP, 'dOut', dOut, shapes.output);
  const { outHeight, outWidth } = conv2dOutputSize(p);
  const plane = outHeight * outWidth;
  for (let oc = 0; oc < p.outChannels; oc++) {
    let sum = 0;
    for (let n = 0; n < p.batch; n++) {
      const start = (n * p.outChannels + oc) * plane;
      for (let i = start; i < start + plane; i++) sum += dOut[i];
    }
    dBias[oc] = sum;
  }
}
