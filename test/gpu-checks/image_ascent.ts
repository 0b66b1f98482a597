// GPU check for image_ascent.forward and .update against the CPU reference, on seeded inputs of
// awkward shapes (odd sizes, 1 and 3 channels, batch 1/3/5 and one batch of 70 images that needs
// many workgroups), every jitter / blur / normalise combination, two workgroup configurations, a
// step large enough that the clamp decides, outputs pre-filled with NaN and a sentinel tail, and a
// determinism rerun of the update (its reduction must give the same bits every time).

import { ImageAscentKernel } from '../../src/kernels/image_ascent.ts';
import type { ImageAscentParams } from '../../src/ops/image_ascent.ts';
import { imageAscentForward, imageAscentUpdate } from '../../src/reference/image_ascent.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { closeOutcome, runCase, type CaseResult, type Outcome } from './check.ts';
import { combine, output, readFloats, sameBits, submitPass, upload } from './tensor_io.ts';

interface AscentCase {
  params: ImageAscentParams;
  workgroupSize: number;
  updateWorkgroupSize: number;
}

const BASE = { blur: false, normalize: false, stepSize: 0.1, gradientScale: 1, decay: 0, tvWeight: 0 };
const RANGE = { low: 0, high: 1 };

const cases: readonly AscentCase[] = [
  {
    params: { batch: 1, channels: 1, height: 5, width: 7, shiftX: 0, shiftY: 0, ...BASE, ...RANGE },
    workgroupSize: 64,
    updateWorkgroupSize: 64,
  },
  {
    params: {
      ...{ batch: 3, channels: 3, height: 9, width: 6, shiftX: 5, shiftY: 2 },
      ...{ ...BASE, blur: true, normalize: true, decay: 0.05, tvWeight: 0.1, gradientScale: -30 },
      ...RANGE,
    },
    workgroupSize: 7,
    updateWorkgroupSize: 4,
  },
  {
    params: {
      ...{ batch: 5, channels: 1, height: 28, width: 28, shiftX: 27, shiftY: 1 },
      ...{ ...BASE, normalize: true, stepSize: 0.8, tvWeight: 0.02 }, // big steps: the clamp decides
      ...{ low: 0.1, high: 0.9 },
    },
    workgroupSize: 64,
    updateWorkgroupSize: 256,
  },
  {
    params: {
      ...{ batch: 70, channels: 1, height: 11, width: 13, shiftX: 2, shiftY: 10 },
      ...{ ...BASE, blur: true, decay: 0.2, tvWeight: 0.05, stepSize: 0.3 },
      ...{ low: -1, high: 1 },
    },
    workgroupSize: 32,
    updateWorkgroupSize: 16,
  },
];

// Forward: a copy, or a blur of 9 taps with weights summing to <= 16 and one f32 division (2.5 ulp
// in WGSL): 1e-6 relative covers it. Update: the same few f32 operations, plus the |g| mean of up
// to 784 terms in a tree (relative error ~ log2(784) * 2^-24) when normalising.
const FORWARD_TOL = { atol: 1e-6, rtol: 1e-6 };
const UPDATE_TOL = { atol: 2e-6, rtol: 1e-5 };

async function runAscentCase(gpu: Gpu, c: AscentCase): Promise<Outcome> {
  const p = c.params;
  const floats = p.batch * p.channels * p.height * p.width;
  const random = new Random(31 + floats);
  const image = random.fillUniform(new Float32Array(floats), 0, 1);
  const input = random.fillUniform(new Float32Array(floats), 0, 1);
  const gradient = random.fillUniform(new Float32Array(floats), -0.02, 0.02);
  const wantInput = new Float32Array(floats);
  imageAscentForward(wantInput, image, p);
  const wantImage = new Float32Array(floats);
  imageAscentUpdate(wantImage, input, gradient, p);

  const kernel = await ImageAscentKernel.create(gpu, c);
  // Two buffer sets: forward writes `forwardOut` from `image`; update writes `updated` from input.
  const forwardOut = output(gpu, 'input (forward output)', floats);
  const imageIn = upload(gpu, 'image', image);
  const updated = output(gpu, 'image (update output)', floats);
  const inputIn = upload(gpu, 'input', input);
  const gradientIn = upload(gpu, 'gradient', gradient);
  const shape = { batch: p.batch, channels: p.channels, height: p.height, width: p.width };
  const forwardBinding = kernel.bind({ input: forwardOut, image: imageIn, gradient: gradientIn }, shape);
  const updateBinding = kernel.bind({ input: inputIn, image: updated, gradient: gradientIn }, shape);
  try {
    kernel.writeParams(forwardBinding, p);
    kernel.writeParams(updateBinding, p);
    submitPass(gpu, 'image_ascent check', (pass) => {
      kernel.encodeForward(pass, forwardBinding);
      kernel.encodeUpdate(pass, updateBinding);
    });
    const gotInput = await readFloats(gpu, forwardOut, floats);
    const gotImage = await readFloats(gpu, updated, floats);
    submitPass(gpu, 'image_ascent rerun', (pass) => kernel.encodeUpdate(pass, updateBinding));
    const rerun = await readFloats(gpu, updated, floats);
    return combine({
      forward: closeOutcome(gotInput.values, wantInput, FORWARD_TOL),
      'forward tail': gotInput.tail,
      update: closeOutcome(gotImage.values, wantImage, UPDATE_TOL),
      'update tail': gotImage.tail,
      determinism: sameBits('update rerun', gotImage.values, rerun.values),
    });
  } finally {
    forwardBinding.destroy();
    updateBinding.destroy();
    for (const buffer of [forwardOut, imageIn, updated, inputIn, gradientIn]) buffer.destroy();
  }
}

/** writeParams refuses another shape than the bound one; bind refuses short buffers. */
async function runArgumentErrors(gpu: Gpu): Promise<Outcome> {
  const kernel = await ImageAscentKernel.create(gpu);
  const shape = { batch: 2, channels: 1, height: 4, width: 5 };
  const small = upload(gpu, 'small', new Float32Array(39));
  const full = upload(gpu, 'full', new Float32Array(40));
  const messages: string[] = [];
  try {
    try {
      kernel.bind({ input: small, image: full, gradient: full }, shape).destroy();
    } catch (error) {
      messages.push((error as Error).message);
    }
    const binding = kernel.bind({ input: full, image: full, gradient: full }, shape);
    try {
      kernel.writeParams(binding, { ...cases[0].params, ...shape, batch: 3 });
    } catch (error) {
      messages.push((error as Error).message);
    } finally {
      binding.destroy();
    }
  } finally {
    small.destroy();
    full.destroy();
  }
  const ok =
    messages.length === 2 &&
    /'input' holds 156 bytes but needs 160/.test(messages[0]) &&
    /batch 3/.test(messages[1]);
  return { ok, detail: messages.join(' | ') };
}

export async function checkImageAscent(gpu: Gpu): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const p = c.params;
    const label =
      `${p.batch}x${p.channels}x${p.height}x${p.width} shift ${p.shiftX},${p.shiftY}` +
      `${p.blur ? ' blur' : ''}${p.normalize ? ' normalize' : ''} wg ${c.workgroupSize}/${c.updateWorkgroupSize}`;
    results.push(await runCase(gpu, label, () => runAscentCase(gpu, c)));
  }
  results.push(await runCase(gpu, 'argument errors', () => runArgumentErrors(gpu)));
  return results;
}
