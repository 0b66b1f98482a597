// The CPU probe runs at the image count it is given (as the GPU probe does), not at PROBE_MAX:
// every conv and dense call of a probe of k images is at batch k (the fast ops are wrapped to
// record their batch), and every layer's output of k images equals the first k rows of a
// 16-image probe of the same images, bit for bit, also after probes of other counts in between.

import { describe, expect, it, vi } from 'vitest';
import type * as Fast from '../../src/fast/index.ts';
import { PROBE_MAX } from '../../src/model/backend.ts';
import { CpuProbe } from '../../src/model/cpu-views.ts';
import { initialParameters } from '../../src/model/layout.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { describeNetwork } from '../../src/model/validate.ts';
import { Random } from '../../src/util/random.ts';

const batches: number[] = [];
vi.mock('../../src/fast/index.ts', async (importOriginal) => {
  const fast = await importOriginal<typeof Fast>();
  return {
    ...fast,
    conv2dForward: (...args: Parameters<typeof Fast.conv2dForward>) => {
      batches.push(args[4].batch);
      fast.conv2dForward(...args);
    },
    denseForward: (...args: Parameters<typeof Fast.denseForward>) => {
      batches.push(args[4].batch);
      fast.denseForward(...args);
    },
  };
});

const spec: NetworkSpec = {
  input: { channels: 2, height: 11, width: 9 },
  layers: [
    { kind: 'conv', filters: 3, kernel: 3, padding: 1, activation: 'relu' },
    { kind: 'pool', mode: 'max', size: 2 },
    { kind: 'conv', filters: 5, kernel: 2, stride: 2, activation: 'sigmoid' },
    { kind: 'pool', mode: 'avg', size: 2 },
    { kind: 'fc', units: 7, activation: 'tanh' },
    { kind: 'classify', classes: 6 },
  ],
};

describe('CpuProbe at its own image count', () => {
  it('computes only the requested rows, equal to the first rows of a full probe', () => {
    const description = describeNetwork(spec, 5);
    const parameters = initialParameters(description, 9);
    const random = new Random(4);
    const pixels = 2 * 11 * 9;
    const images = new Float32Array(PROBE_MAX * pixels).map(() => random.uniform(0, 1));
    const probe = new CpuProbe(description);
    batches.length = 0;
    const full = probe.run(parameters, images, PROBE_MAX);
    expect(batches).toEqual([PROBE_MAX, PROBE_MAX, PROBE_MAX, PROBE_MAX]); // 2 convs, fc, classify
    for (const count of [1, 3, 7, 16, 7, 1]) {
      batches.length = 0;
      const some = probe.run(parameters, images.subarray(0, count * pixels), count);
      expect(batches).toEqual([count, count, count, count]);
      expect(some.count).toBe(count);
      some.outputs.forEach((output, i) => {
        const perImage = full.outputs[i].length / PROBE_MAX;
        expect(output).toEqual(full.outputs[i].subarray(0, count * perImage));
      });
      expect(some.probabilities).toEqual(full.probabilities.subarray(0, count * 6));
    }
    expect(Math.max(...full.outputs[5]) - Math.min(...full.outputs[5])).toBeGreaterThan(0);
  });
});
