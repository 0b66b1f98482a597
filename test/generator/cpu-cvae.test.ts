// The CPU generator: the fast float32 op set against the reference op set (a transposed conv run
// as conv2d with roles swapped, and a whole training pass), seeded determinism, the loss falling on
// a small MNIST subset, sampling, and the errors a caller can cause.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.ts';
import { loadDataset } from '../../src/data/node-loader.ts';
import { createCpuCvae, sampleCvae } from '../../src/generator/cpu-cvae.ts';
import { fastCvaeOps, referenceCvaeOps } from '../../src/generator/cvae-ops.ts';
import { CvaePass, cvaeShapes } from '../../src/generator/cvae-pass.ts';
import { sampleLatents } from '../../src/generator/cvae-run.ts';
import { cvaeInitialParameters, cvaeLayout, DEFAULT_CVAE_CONFIG } from '../../src/generator/cvae-spec.ts';
import type { ConvTranspose2dParams } from '../../src/ops/conv_transpose2d.ts';
import { Random } from '../../src/util/random.ts';
import { assertClose } from '../helpers/allclose.ts';

const f32 = (n: number) => new Float32Array(n);

describe('fast transposed conv (conv2d with roles swapped) against the reference', () => {
  // Odd sizes, a 3x3 kernel at stride 2 with padding 1 (output 9x11), batch 3, 5 -> 7 channels.
  const p: ConvTranspose2dParams = {
    batch: 3,
    inChannels: 5,
    inHeight: 5,
    inWidth: 6,
    outChannels: 7,
    kernelH: 3,
    kernelW: 3,
    stride: 2,
    padding: 1,
  };
  const random = new Random(21);
  const input = random.fillUniform(f32(3 * 5 * 5 * 6));
  const weight = random.fillUniform(f32(5 * 7 * 9));
  const bias = random.fillUniform(f32(7));
  const dOut = random.fillUniform(f32(3 * 7 * 9 * 11));
  const fast = fastCvaeOps(p);
  const ref = referenceCvaeOps<Float32Array>();
  // Sums of <= 5*9*... products of values in [-1, 1] in float32: 1e-5 absolute is ~100 ulps of O(1).
  const tol = { atol: 1e-5, rtol: 1e-5 };

  it('forward, backward_input, backward_weight and backward_bias agree', () => {
    const run = (ops: typeof ref) => {
      const out = f32(dOut.length);
      const dInput = f32(input.length);
      const dWeight = f32(weight.length);
      const dBias = f32(7);
      ops.convTForward(out, input, weight, bias, p);
      ops.convTBackwardInput(dInput, dOut, weight, p);
      ops.convTBackwardWeight(dWeight, input, dOut, p);
      ops.convTBackwardBias(dBias, dOut, p);
      return { out, dInput, dWeight, dBias };
    };
    const a = run(fast);
    const e = run(ref);
    assertClose(a.out, e.out, tol, 'forward');
    assertClose(a.dInput, e.dInput, tol, 'backward_input');
    assertClose(a.dWeight, e.dWeight, { atol: 1e-4, rtol: 1e-5 }, 'backward_weight'); // sums over 3*30 taps
    assertClose(a.dBias, e.dBias, tol, 'backward_bias');
  });
});

describe('one CVAE pass: fast ops against reference ops', () => {
  it('gives the same losses and gradients', () => {
    const rows = 5;
    const latent = 4;
    const layout = cvaeLayout(latent);
    const params = cvaeInitialParameters({ ...DEFAULT_CVAE_CONFIG, latent, seed: 3 });
    const random = new Random(4);
    const x = Float32Array.from({ length: rows * 784 }, () => (random.next() < 0.6 ? 0 : random.next()));
    const labels = Int32Array.from([9, 2, 2, 0, 5]);
    const eps = Float32Array.from({ length: rows * latent }, () => random.normal());
    const run = (fast: boolean) => {
      const shapes = cvaeShapes(rows, latent);
      const ops = fast ? fastCvaeOps(shapes.d2, shapes.d3) : referenceCvaeOps<Float32Array>();
      const pass = new CvaePass(rows, layout, ops, f32);
      const grads = f32(layout.length);
      const losses = pass.forwardBackward(params, grads, x, labels, eps);
      return { losses, grads };
    };
    const a = run(true);
    const e = run(false);
    expect(a.losses.reconstruction).toBeCloseTo(e.losses.reconstruction, 2);
    expect(a.losses.kl).toBeCloseTo(e.losses.kl, 4);
    // Gradients are O(0.01..1); float32 sums in another order differ by ~1e-6 relative.
    for (const t of layout.tensors) {
      assertClose(
        a.grads.subarray(t.offset, t.offset + t.length),
        e.grads.subarray(t.offset, t.offset + t.length),
        { atol: 2e-5, rtol: 1e-3 },
        t.name,
      );
    }
  });
});

describe('createCpuCvae', () => {
  let subset: Dataset;
  beforeAll(async () => {
    const full = await loadDataset('mnist');
    const count = 150;
    const split = {
      count,
      images: full.train.images.subarray(0, count * 784),
      labels: full.train.labels.subarray(0, count),
    };
    subset = { ...full, train: split, test: split };
  });
  const config = { latent: 5, seed: 2, batch: 12, learningRate: 2e-3 };

  it('follows the same run for the same seed, another for another seed', async () => {
    const a = await createCpuCvae(subset, config).train(3);
    const b = await createCpuCvae(subset, config).train(3);
    const c = await createCpuCvae(subset, { ...config, seed: 3 }).train(3);
    expect(b).toEqual(a);
    expect(a.step).toBe(3);
    expect(c.loss).not.toBe(a.loss);
  });

  it('lowers the loss on a small MNIST subset within a few seconds', async () => {
    const model = createCpuCvae(subset, config);
    const first = await model.train(5);
    await model.train(30);
    const last = await model.train(5);
    console.log(
      `[cvae] loss ${first.loss.toFixed(1)} -> ${last.loss.toFixed(1)} (kl ${last.kl.toFixed(2)}) after 40 steps`,
    );
    expect(first.loss).toBeGreaterThan(400); // ~544 = 784 * ln 2 at init, less after 5 steps
    expect(last.loss).toBeLessThan(0.7 * first.loss);
    expect(last.step).toBe(40);
    expect(last.loss).toBeCloseTo(last.reconstruction + last.kl, 6);
  });

  it('samples images in [0, 1] that depend on the label, matching sampleCvae', async () => {
    const model = createCpuCvae(subset, config);
    await model.train(4);
    const labels = Int32Array.from([1, 8, 1]);
    const z = sampleLatents(3, 5, 0);
    z.copyWithin(10, 0, 5); // rows 0 and 2: same z and label, so the same image
    const images = await model.sample(labels, z);
    expect(images.length).toBe(3 * 784);
    expect(Math.min(...images)).toBeGreaterThan(0);
    expect(Math.max(...images)).toBeLessThan(1);
    expect(images.subarray(1568)).toEqual(images.subarray(0, 784));
    const other = await model.sample(Int32Array.from([7]), z.subarray(0, 5));
    expect(other.some((v, i) => Math.abs(v - images[i]) > 1e-3)).toBe(true);
    const params = await model.parameters();
    expect(sampleCvae(params, 5, labels, z)).toEqual(images);
  });

  it('starts from given parameters and reports what a caller got wrong', async () => {
    const params = cvaeInitialParameters({ ...config, seed: 77 });
    const model = createCpuCvae(subset, config, { parameters: params });
    const got = await model.parameters();
    expect(Buffer.from(got.buffer).equals(Buffer.from(params.buffer))).toBe(true); // toEqual is slow here
    got[0] += 1; // a copy: the model's own buffer is not exposed
    expect((await model.parameters())[0]).toBe(params[0]);
    expect(() => createCpuCvae(subset, { ...config, batch: 151 })).toThrow(
      /batch 151 is larger than the 150 training images/,
    );
    expect(() => createCpuCvae(subset, { ...config, latent: 0 })).toThrow(
      /latent must be a positive integer/,
    );
    expect(() => createCpuCvae(subset, config, { parameters: new Float32Array(10) })).toThrow(
      /hold 10 floats but latent 5 needs/,
    );
    await expect(model.train(0)).rejects.toThrow(/steps must be a positive integer/);
    await expect(model.sample(Int32Array.from([1, 2]), new Float32Array(5))).rejects.toThrow(
      /2 labels need z of 2 x 5 = 10/,
    );
    await expect(model.sample(Int32Array.from([10]), new Float32Array(5))).rejects.toThrow(
      /labels\[0\] is 10/,
    );
  });
});
