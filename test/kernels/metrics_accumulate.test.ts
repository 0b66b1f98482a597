// metrics_accumulate host side, no GPU: the uniform layout agrees with the WGSL struct, and a
// totals buffer's bytes parse into batches, correct and the loss slots added in doubles.

import { describe, expect, it } from 'vitest';
import {
  metricsAccumulateUniforms,
  metricsTotalsBytes,
  parseMetricsTotals,
} from '../../src/kernels/metrics_accumulate.ts';
import { wgslStructFields } from './wgsl_struct.ts';

describe('metrics_accumulate params', () => {
  it('match MetricsAccumulateParams in metrics_accumulate.forward.wgsl, field by field', () => {
    const fields = wgslStructFields('metrics_accumulate.forward.wgsl', 'MetricsAccumulateParams');
    expect(fields).toEqual(Object.entries(metricsAccumulateUniforms.fields));
  });

  it('parse totals: two u32 counters, then f32 slots summed in doubles', () => {
    const bytes = new ArrayBuffer(metricsTotalsBytes(3));
    expect(bytes.byteLength).toBe(20);
    new Uint32Array(bytes, 0, 2).set([4, 9]);
    new Float32Array(bytes, 8, 3).set([1e8, 1, 0.25]);
    // f32 would lose the 1 next to 1e8; the host sum in doubles keeps it.
    expect(parseMetricsTotals(bytes, 3)).toEqual({ batches: 4, correct: 9, lossSum: 1e8 + 1.25 });
  });
});
