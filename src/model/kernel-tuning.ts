// Tile choices for the GEMM kernels, apart from the kernels themselves so that code which only
// names a tuning (the benchmark command line, in plain Node) does not load any shader.

import type { Conv2dTiles } from '../kernels/conv2d_plan.ts';
import type { MatmulTiles } from '../kernels/matmul.ts';

/**
 * Tile choices for the GEMM kernels. The defaults suit large GPUs; SwiftShader (CPU) runs small
 * workgroups much faster, which the tests use to stay quick. Results do not depend on tiles
 * beyond f32 rounding.
 */
export interface KernelTuning {
  convTiles?: Partial<Conv2dTiles> & { biasWorkgroupSize?: number };
  denseTiles?: Partial<MatmulTiles>;
  /**
   * false: never split a GEMM's K (fewer dispatches: no split_sum passes), for small GPUs or when
   * dispatch overhead dominates. Default true: the kernels split K when the output has few tiles.
   */
  splitK?: boolean;
  /** Invocations of the one-workgroup tree reductions (metrics, parameter stats); power of two. */
  reductionWorkgroupSize?: number;
}

/**
 * Tiles for a fallback (CPU) adapter such as SwiftShader, where every workgroup barrier switches
 * between all the workgroup's invocations: small workgroups run several times faster there than
 * the defaults chosen for real GPUs (convnet conv2 at batch 8 in Node: forward 274 ms instead of
 * 478, backward_input 258 instead of 1387; the bias reduction with 16 invocations 9 ms instead of
 * 130-400 with 256). `npm run bench -- kernels --tiles default` measures the defaults there.
 */
export const FALLBACK_ADAPTER_TUNING: KernelTuning = {
  // backward_input K 64: a quarter of the workgroup barriers of K 16 (convnet conv2, batch 16,
  // Node: ~300 ms instead of ~400 with the same shader), 16 KiB of workgroup memory.
  convTiles: { workgroupX: 4, workgroupY: 4, tileK: 16, inputTileK: 64, biasWorkgroupSize: 16 },
  denseTiles: { workgroupX: 4, workgroupY: 4, tileK: 16 },
  reductionWorkgroupSize: 16,
};

/** The tuning the app, the CLI and the tests give `gpu`: the fallback one on a software adapter. */
export function tuningForAdapter(isFallbackAdapter: boolean): KernelTuning {
  return isFallbackAdapter ? FALLBACK_ADAPTER_TUNING : {};
}
