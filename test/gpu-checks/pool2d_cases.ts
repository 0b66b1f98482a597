// The awkward shape table shared by the max_pool2d and avg_pool2d GPU checks, and the label each
// case is reported under. Pooling has no padding; "1x1 / 7x7 kernel" and "stride < kernel
// (overlap) / stride > kernel (gaps)" stand in for conv's padding cases.

import { pool2dOutputSize, type Pool2dParams } from '../../src/ops/pool2d.ts';

export interface Pool2dCase extends Pool2dParams {
  workgroupSize: number;
  /** 'ties': values from {0, 1, 2} so most windows hold repeated maxima; 'nan': NaN and -Inf sprinkled in. */
  values?: 'uniform' | 'ties' | 'nan';
}

export const POOL2D_CASES: readonly Pool2dCase[] = [
  { batch: 1, channels: 1, inHeight: 7, inWidth: 9, kernel: 2, stride: 2, workgroupSize: 64 },
  { batch: 3, channels: 5, inHeight: 13, inWidth: 11, kernel: 3, stride: 2, workgroupSize: 64 }, // overlap
  { batch: 3, channels: 6, inHeight: 11, inWidth: 14, kernel: 2, stride: 3, workgroupSize: 32 }, // gaps
  { batch: 1, channels: 6, inHeight: 9, inWidth: 10, kernel: 1, stride: 1, workgroupSize: 64 },
  { batch: 3, channels: 3, inHeight: 9, inWidth: 11, kernel: 7, stride: 1, workgroupSize: 64 }, // 7x7, heavy overlap
  {
    batch: 3,
    channels: 5,
    inHeight: 15,
    inWidth: 13,
    kernel: 3,
    stride: 2,
    workgroupSize: 64,
    values: 'ties',
  },
  {
    batch: 3,
    channels: 6,
    inHeight: 12,
    inWidth: 12,
    kernel: 2,
    stride: 2,
    workgroupSize: 64,
    values: 'ties',
  },
  { batch: 1, channels: 5, inHeight: 11, inWidth: 9, kernel: 3, stride: 2, workgroupSize: 64, values: 'nan' },
  // lenet5's first pool at batch 5: several hundred workgroups of 256.
  { batch: 5, channels: 6, inHeight: 28, inWidth: 28, kernel: 2, stride: 2, workgroupSize: 256 },
  // Workgroups of 1: 30 * 48 * 47 = 67 680 outputs and 276 450 inputs, both past 65 535, so both
  // passes fold their grid into 2-D.
  { batch: 5, channels: 6, inHeight: 97, inWidth: 95, kernel: 2, stride: 2, workgroupSize: 1 },
];

export function pool2dCaseLabel(c: Pool2dCase): string {
  const { outHeight, outWidth } = pool2dOutputSize(c);
  const values = c.values && c.values !== 'uniform' ? `, ${c.values}` : '';
  return (
    `N${c.batch} C${c.channels} ${c.inHeight}x${c.inWidth} -> ${outHeight}x${outWidth}, ` +
    `kernel ${c.kernel} stride ${c.stride}, workgroup ${c.workgroupSize}${values}`
  );
}

/**
 * Largest number of windows that contain one input element along both axes, ceil(k / s)^2: the
 * length of the backward pass's per-element sum, which sets its tolerance.
 */
export function windowsPerInput(c: Pool2dParams): number {
  return Math.ceil(c.kernel / c.stride) ** 2;
}
