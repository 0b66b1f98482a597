// The fast CPU op set in one import, for the CPU training backend and benchmarks: conv2d and dense
// from this folder (im2col + blocked GEMM), and the ops that are already cheap (pools,
// activations, softmax cross-entropy, optimizers) re-exported unchanged from the naive reference,
// since they are linear-time loops a GEMM cannot speed up. Not a Backend implementation.

export {
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dColumnsLength,
  conv2dForward,
  createConv2dWorkspace,
  type Conv2dWorkspace,
} from './conv2d.ts';
export { denseBackwardBias, denseBackwardInput, denseBackwardWeight, denseForward } from './dense.ts';
export { createGemmWorkspace, gemm, type GemmParams, type GemmWorkspace } from './gemm.ts';
export { activationBackward, activationForward } from '../reference/activation.ts';
export { avgPool2dBackward, avgPool2dForward } from '../reference/avg_pool2d.ts';
export { maxPool2dBackward, maxPool2dForward } from '../reference/max_pool2d.ts';
export {
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyForward,
} from '../reference/softmax_cross_entropy.ts';
export { sgdUpdate } from '../reference/sgd.ts';
export { adamUpdate } from '../reference/adam.ts';
