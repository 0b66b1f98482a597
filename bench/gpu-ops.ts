// Which ops have a GPU kernel wired into the benchmark, and where each is prepared.

import type { BenchOp } from './cases.ts';
import type { GpuCasePreparer } from './gpu-case.ts';
import { prepareConv2d, prepareDense } from './gpu-layers.ts';
import { preparePool } from './gpu-pools.ts';

/** Which ops have a GPU kernel wired into the benchmark. */
export const GPU_PREPARERS: Partial<Record<BenchOp, GpuCasePreparer>> = {
  conv2d: prepareConv2d,
  dense: prepareDense,
  max_pool2d: preparePool,
  avg_pool2d: preparePool,
};
