// The fast dense layer (one GEMM per pass) against the naive reference on seeded inputs: batch 1
// and odd batches, feature counts not multiples of the 4x4 tile, and one layer larger than a GEMM
// block in every dimension of its products. Also the reference's length checks.

import { describe, expect, it } from 'vitest';
import * as fast from '../../src/fast/dense.ts';
import { createGemmWorkspace } from '../../src/fast/gemm.ts';
import { denseShapes, type DenseParams } from '../../src/ops/dense.ts';
import { numel } from '../../src/ops/types.ts';
import * as naive from '../../src/reference/dense.ts';
import { Random } from '../../src/util/random.ts';
import { assertClose } from '../helpers/allclose.ts';
import { denseTolerances } from './tolerance.ts';

const CASES: DenseParams[] = [
  { batch: 1, inFeatures: 1, outFeatures: 1 },
  { batch: 1, inFeatures: 7, outFeatures: 10 },
  { batch: 3, inFeatures: 25, outFeatures: 5 },
  { batch: 5, inFeatures: 400, outFeatures: 120 }, // lenet5 fc1 at an odd batch
  // Products 67x70x517 (forward), 67x517x70 (backward_input), 70x517x67 (backward_weight):
  // each exceeds the 64 x 512 x 256 blocks somewhere, and forward and backward_input in all three.
  { batch: 67, inFeatures: 517, outFeatures: 70 },
  { batch: 259, inFeatures: 9, outFeatures: 6 }, // a batch longer than one k-block for dWeight
];

const random = new Random(99);
const filled = (length: number): Float32Array => random.fillUniform(new Float32Array(length));
const unwritten = (length: number): Float32Array => new Float32Array(length).fill(NaN);

describe('fast dense matches the naive reference', () => {
  for (const p of CASES) {
    const name = `batch ${p.batch}, ${p.inFeatures} -> ${p.outFeatures}`;
    const s = denseShapes(p);
    const tol = denseTolerances(p); // derivations in tolerance.ts
    const [input, weight, bias, dOut] = [s.input, s.weight, s.bias, s.output].map((shape) =>
      filled(numel(shape)),
    );

    it(`forward: ${name}`, () => {
      const [expected, actual] = [new Float32Array(numel(s.output)), unwritten(numel(s.output))];
      naive.denseForward(expected, input, weight, bias, p);
      fast.denseForward(actual, input, weight, bias, p);
      assertClose(actual, expected, tol.forward, 'forward');
    });

    it(`backward_input: ${name}`, () => {
      const [expected, actual] = [new Float32Array(numel(s.input)), unwritten(numel(s.input))];
      naive.denseBackwardInput(expected, dOut, weight, p);
      fast.denseBackwardInput(actual, dOut, weight, p);
      assertClose(actual, expected, tol.backwardInput, 'backward_input');
    });

    it(`backward_weight and backward_bias: ${name}`, () => {
      const [expectedW, actualW] = [new Float32Array(numel(s.weight)), unwritten(numel(s.weight))];
      const [expectedB, actualB] = [new Float32Array(p.outFeatures), unwritten(p.outFeatures)];
      naive.denseBackwardWeight(expectedW, dOut, input, p);
      fast.denseBackwardWeight(actualW, dOut, input, p, createGemmWorkspace());
      naive.denseBackwardBias(expectedB, dOut, p);
      fast.denseBackwardBias(actualB, dOut, p);
      assertClose(actualW, expectedW, tol.backwardWeight, 'backward_weight');
      assertClose(actualB, expectedB, tol.backwardBias, 'backward_bias');
    });
  }

  it('rejects arrays whose length does not match the params, like the reference', () => {
    const p: DenseParams = { batch: 2, inFeatures: 3, outFeatures: 4 };
    const [input, weight, bias] = [filled(6), filled(12), filled(4)];
    expect(() => fast.denseForward(new Float32Array(7), input, weight, bias, p)).toThrow(
      /dense: out has length 7/,
    );
    expect(() => fast.denseBackwardWeight(new Float32Array(12), filled(8), filled(5), p)).toThrow(
      /dense: input has length 5/,
    );
  });
});
