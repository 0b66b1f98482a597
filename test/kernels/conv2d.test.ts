// Host-side planning of the conv2d kernels, without a GPU: the params uniform and the tap structs
// agree with every WGSL declaration, the tap tables decode k as the shaders expect (the
// backward_input stride test is replayed against the direct division), the split-K plan covers
// R exactly with the right number of splits, and grids fold past the per-dimension limit.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildGradTaps,
  buildTaps,
  conv2dUniforms,
  conv2dInputWorkgroupBytes,
  conv2dWorkgroupBytes,
  gemmGrid,
  GRAD_TAP_WORDS,
  packConv2dParams,
  planConv2dSplits,
  TAP_WORDS,
  type SplitTargets,
} from '../../src/kernels/conv2d_plan.ts';
import { splitSumUniforms } from '../../src/kernels/split_sum.ts';
import { conv2dOutputSize, type Conv2dParams } from '../../src/ops/conv2d.ts';

const shader = (name: string) => readFileSync(new URL(`../../shaders/${name}.wgsl`, import.meta.url), 'utf8');

/** `name: type` pairs of a WGSL struct, in order (scalar-only structs). */
function wgslStructFields(code: string, struct: string): [string, string][] {
  const body = new RegExp(`struct\\s+${struct}\\s*\\{([^}]*)\\}`).exec(code)?.[1];
  if (body === undefined) throw new Error(`struct ${struct} not found`);
  return [...body.replace(/\/\/.*$/gm, '').matchAll(/(\w+)\s*:\s*(\w+)/g)].map((m) => [m[1], m[2]]);
}

const PASSES = ['forward', 'backward_input', 'backward_weight', 'backward_bias'];
const params: Conv2dParams = {
  batch: 3,
  inChannels: 5,
  inHeight: 9,
  inWidth: 11,
  outChannels: 7,
  kernelH: 3,
  kernelW: 5,
  stride: 2,
  padding: 2,
};
const targets: SplitTargets = {
  targetWorkgroups: 256,
  maxSplits: 64,
  maxBindingBytes: 2 ** 30,
  biasWorkgroupSize: 256,
};
const tiles = { workgroupX: 8, workgroupY: 8, tileK: 16 }; // 64x64 output tiles

describe('conv2d uniforms and structs', () => {
  it.each(PASSES)('struct Conv2dParams in conv2d.%s.wgsl matches conv2dUniforms', (pass) => {
    expect(wgslStructFields(shader(`conv2d.${pass}`), 'Conv2dParams')).toEqual(
      Object.entries(conv2dUniforms.fields),
    );
  });

  it('struct SplitSumParams matches splitSumUniforms', () => {
    expect(wgslStructFields(shader('split_sum.forward'), 'SplitSumParams')).toEqual(
      Object.entries(splitSumUniforms.fields),
    );
  });

  it('tap structs have as many u32 words as the tables built for them', () => {
    for (const pass of ['forward', 'backward_weight']) {
      const fields = wgslStructFields(shader(`conv2d.${pass}`), 'Tap');
      expect(fields.map(([, type]) => type)).toEqual(Array(TAP_WORDS).fill('u32'));
    }
    const grad = wgslStructFields(shader('conv2d.backward_input'), 'GradTap');
    expect(grad.map(([, type]) => type)).toEqual(Array(GRAD_TAP_WORDS).fill('u32'));
  });

  it('packs the output size and split chunks', () => {
    const plan = { weightSplits: 3, rChunk: 48, biasSplits: 2, biasChunk: 70 };
    const view = new DataView(packConv2dParams(params, plan));
    const word = (name: keyof typeof conv2dUniforms.fields) =>
      view.getUint32(conv2dUniforms.offsets[name], true);
    expect([word('out_height'), word('out_width')]).toEqual([6, 6]); // (9+4-3)/2+1, (11+4-5)/2+1
    expect([word('r_chunk'), word('bias_chunk'), word('kernel_w'), word('padding')]).toEqual([48, 70, 5, 2]);
    expect(conv2dUniforms.byteSize).toBe(64);
  });
});

describe('conv2d tap tables', () => {
  it('forward taps give (c*H + ky)*W + kx, ky, kx in k order', () => {
    const taps = buildTaps(params);
    expect(taps.length).toBe(TAP_WORDS * 5 * 3 * 5);
    const k = (2 * 3 + 1) * 5 + 4; // c 2, ky 1, kx 4
    expect(Array.from(taps.subarray(TAP_WORDS * k, TAP_WORDS * (k + 1)))).toEqual([
      (2 * 9 + 1) * 11 + 4,
      1,
      4,
    ]);
  });

  it('backward_input taps find the same dOut element as dividing by the stride', () => {
    for (const p of [params, { ...params, stride: 3, padding: 1 }, { ...params, stride: 1, kernelH: 1 }]) {
      const { outHeight, outWidth } = conv2dOutputSize(p);
      const taps = buildGradTaps(p);
      let hits = 0;
      let disagreements = 0;
      for (let k = 0; k < p.outChannels * p.kernelH * p.kernelW; k++) {
        const [dOutOffset, weightOffset, kyDiv, kyMod, kxDiv, kxMod] = taps.subarray(GRAD_TAP_WORDS * k);
        const oc = Math.floor(k / (p.kernelH * p.kernelW));
        const ky = Math.floor(k / p.kernelW) % p.kernelH;
        const kx = k % p.kernelW;
        expect(weightOffset).toBe(((oc * p.inChannels + 0) * p.kernelH + ky) * p.kernelW + kx);
        for (let y = 0; y < p.inHeight; y++) {
          for (let x = 0; x < p.inWidth; x++) {
            // The shader's way: split y + pad once, compare remainders, subtract quotients.
            const [sy, sx] = [y + p.padding, x + p.padding];
            const [oy, ox] = [Math.floor(sy / p.stride) - kyDiv, Math.floor(sx / p.stride) - kxDiv];
            const shaderHit =
              sy % p.stride === kyMod &&
              sx % p.stride === kxMod &&
              oy >= 0 &&
              oy < outHeight &&
              ox >= 0 &&
              ox < outWidth;
            // The reference's way: an exact division of y + pad - ky by the stride.
            const [dy, dx] = [sy - ky, sx - kx];
            const directHit =
              dy >= 0 &&
              dx >= 0 &&
              dy % p.stride === 0 &&
              dx % p.stride === 0 &&
              dy / p.stride < outHeight &&
              dx / p.stride < outWidth;
            if (shaderHit !== directHit) disagreements++;
            if (directHit) {
              hits++;
              const direct = oc * outHeight * outWidth + (dy / p.stride) * outWidth + dx / p.stride;
              if (dOutOffset + oy * outWidth + ox !== direct) disagreements++;
            }
          }
        }
      }
      expect(disagreements).toBe(0);
      expect(hits).toBeGreaterThan(0);
    }
  });
});

describe('conv2d split-K plan', () => {
  const plan = (p: Conv2dParams, t = targets, tl = tiles) => planConv2dSplits(p, tl, t);
  const r = (p: Conv2dParams) => {
    const { outHeight, outWidth } = conv2dOutputSize(p);
    return p.batch * outHeight * outWidth;
  };

  it('splits a long reduction over few output tiles, with chunks covering R and none empty', () => {
    const lenet = {
      ...params,
      batch: 64,
      inChannels: 1,
      inHeight: 28,
      inWidth: 28,
      outChannels: 6,
      kernelH: 5,
      kernelW: 5,
      stride: 1,
    };
    const got = plan(lenet);
    expect(got.weightSplits).toBeGreaterThan(16);
    expect(got.weightSplits).toBeLessThanOrEqual(64);
    expect(got.rChunk % 16).toBe(0);
    expect(got.weightSplits * got.rChunk).toBeGreaterThanOrEqual(r(lenet));
    expect((got.weightSplits - 1) * got.rChunk).toBeLessThan(r(lenet));
    expect(got.biasSplits).toBeGreaterThan(1);
    expect(got.biasSplits * got.biasChunk).toBeGreaterThanOrEqual(r(lenet));
    expect((got.biasSplits - 1) * got.biasChunk).toBeLessThan(r(lenet));
  });

  it('uses one split when R is short, and rChunk then covers all of R', () => {
    const small = { ...params, batch: 1, inHeight: 5, inWidth: 5, stride: 1, padding: 0, kernelW: 3 };
    expect(plan(small)).toEqual({ weightSplits: 1, rChunk: 16, biasSplits: 1, biasChunk: 9 });
  });

  it('obeys maxSplits and the binding size of the partial buffer', () => {
    const big = { ...params, batch: 256, inHeight: 64, inWidth: 64, stride: 1 };
    expect(plan(big, { ...targets, maxSplits: 5 }).weightSplits).toBe(5);
    const weightBytes = 4 * 7 * 5 * 3 * 5;
    expect(plan(big, { ...targets, maxBindingBytes: 3 * weightBytes + 1 }).weightSplits).toBe(3);
  });

  it('stops splitting once the output tiles alone reach the target', () => {
    const wide = { ...params, batch: 64, inChannels: 256, outChannels: 256, stride: 1 };
    // 4 x 60 = 240 output tiles of 64x64: ceil(256 / 240) = 2 splits reach the target.
    expect(plan(wide).weightSplits).toBe(2);
  });
});

describe('conv2d grids and workgroup memory', () => {
  it('keeps N tiles on x while they fit, folds them into z past the limit', () => {
    expect(gemmGrid(3, 100, 65535)).toEqual({ x: 100, y: 3, z: 1 });
    expect(gemmGrid(2, 14, 12)).toEqual({ x: 7, y: 2, z: 2 });
    expect(() => gemmGrid(13, 5, 12)).toThrow(/13 channel tiles exceed/);
  });

  it('sizes backward_input from its own K depth: two unpadded scalar tiles', () => {
    expect(conv2dInputWorkgroupBytes(tiles)).toBe(4 * 16 * (64 + 64)); // inputTileK defaults to tileK
    expect(conv2dInputWorkgroupBytes({ workgroupX: 4, workgroupY: 4, tileK: 16, inputTileK: 64 })).toBe(
      16384,
    );
  });

  it('counts both padded tiles of backward_weight', () => {
    // 16 B per quad; a row holds tile / 4 quads plus one of padding; TILE_K rows per tile.
    expect(conv2dWorkgroupBytes(tiles)).toBe(16 * 16 * (64 / 4 + 1 + 64 / 4 + 1));
    expect(conv2dWorkgroupBytes({ workgroupX: 4, workgroupY: 8, tileK: 4 })).toBe(
      16 * 4 * (64 / 4 + 1 + 32 / 4 + 1),
    );
  });
});
