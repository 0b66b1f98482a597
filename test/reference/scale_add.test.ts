// CPU reference for scale_add against hand-computed values, and its shape checks.

import { describe, expect, it } from 'vitest';
import { scaleAddForward } from '../../src/reference/scale_add.ts';

describe('scaleAddForward', () => {
  it('computes scale * x + y elementwise', () => {
    const output = new Float32Array(3);
    scaleAddForward(output, Float32Array.of(1, -2, 0.5), Float32Array.of(10, 0.25, -1), { scale: 3 });
    expect(Array.from(output)).toEqual([13, -5.75, 0.5]);
  });

  it('uses scale rounded to float32, as the kernel does', () => {
    const output = new Float32Array(1);
    scaleAddForward(output, Float32Array.of(1), Float32Array.of(0), { scale: 0.1 });
    expect(output[0]).toBe(Math.fround(0.1));
  });

  it('rejects mismatched or empty arrays', () => {
    const three = new Float32Array(3);
    expect(() => scaleAddForward(three, new Float32Array(2), three, { scale: 1 })).toThrow(
      /equal lengths, got 3, 2, 3/,
    );
    const empty = new Float32Array(0);
    expect(() => scaleAddForward(empty, empty, empty, { scale: 1 })).toThrow(/at least 1/);
  });
});
