// Shape rules: the layer-level "does it fit its input" check accepts exactly the conv and pool
// params that src/ops's validators accept, over a grid of small sizes, kernels, paddings and strides.

import { describe, expect, it } from 'vitest';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { validateNetwork } from '../../src/model/validate.ts';
import { conv2dOutputSize, validateConv2d } from '../../src/ops/conv2d.ts';
import { validatePool2d } from '../../src/ops/pool2d.ts';

const CLASSIFY = { kind: 'classify', classes: 10 } as const;

function net(layers: unknown[], input: NetworkSpec['input']): NetworkSpec {
  return { input, layers } as NetworkSpec;
}

describe('the layer-level fit check agrees with the op validators', () => {
  const accepts = (check: () => void) => {
    try {
      check();
      return true;
    } catch {
      return false;
    }
  };

  it('conv: every kernel, padding and stride on small inputs', () => {
    let rejected = 0;
    for (const size of [1, 2, 3, 5, 7]) {
      for (const kernel of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
        for (let padding = 0; padding < kernel; padding++) {
          for (const stride of [1, 2, 3]) {
            const conv = { kind: 'conv', filters: 3, kernel, stride, padding, activation: 'relu' };
            const valid =
              validateNetwork(net([conv, CLASSIFY], { channels: 2, height: size, width: 7 })).length === 0;
            const p = { batch: 1, inChannels: 2, inHeight: size, inWidth: 7, outChannels: 3 };
            const params = { ...p, kernelH: kernel, kernelW: kernel, stride, padding };
            const where = `height ${size}, kernel ${kernel}, padding ${padding}, stride ${stride}`;
            expect(valid, where).toBe(accepts(() => validateConv2d(params)));
            if (valid) expect(conv2dOutputSize(params).outHeight).toBeGreaterThanOrEqual(1);
            else rejected++;
          }
        }
      }
    }
    expect(rejected).toBeGreaterThan(50);
  });

  it('pool: every size and stride on small inputs', () => {
    let rejected = 0;
    for (const size of [1, 2, 3, 5]) {
      for (const window of [1, 2, 3, 4, 6]) {
        for (const stride of [1, 2, 5]) {
          const pool = { kind: 'pool', mode: 'avg', size: window, stride };
          const valid =
            validateNetwork(net([pool, CLASSIFY], { channels: 1, height: 6, width: size })).length === 0;
          const params = { batch: 1, channels: 1, inHeight: 6, inWidth: size, kernel: window, stride };
          const where = `width ${size}, size ${window}, stride ${stride}`;
          expect(valid, where).toBe(accepts(() => validatePool2d(params, 'avg_pool2d')));
          if (!valid) rejected++;
        }
      }
    }
    expect(rejected).toBeGreaterThan(10);
  });
});
