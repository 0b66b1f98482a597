// GPU check for the standalone activation kernels (forward, and backward_input from the forward
// OUTPUT y) against src/reference/activation.ts: every activation, odd lengths (1, 1001, 4099),
// inputs far into saturation (+-1000) where a naive sigmoid/tanh overflows, one length whose 1-D
// grid must fold into 2-D, run-to-run bit identity, and no write past the end.

import { ActivationKernel } from '../../src/kernels/activation.ts';
import { ACTIVATIONS, type Activation } from '../../src/ops/activation.ts';
import { activationBackward, activationForward } from '../../src/reference/activation.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { Random } from '../../src/util/random.ts';
import { closeOutcome, runCase, type CaseResult, type Outcome } from './check.ts';
import { combine, output, readFloats, sameBits, submitPass, upload } from './tensor_io.ts';

interface ActivationCase {
  activation: Activation;
  length: number;
  workgroupSize: number;
}

const LENGTHS = [1, 1001, 4099];
// 65_539 workgroups of 1 invocation: more than 65_535, so linearGrid folds it to 32_770 x 2.
const FOLDED: ActivationCase = { activation: 'tanh', length: 65_539, workgroupSize: 1 };

const CASES: readonly ActivationCase[] = [
  ...ACTIVATIONS.flatMap((activation) =>
    LENGTHS.map((length) => ({ activation, length, workgroupSize: 64 })),
  ),
  FOLDED,
];

/**
 * Forward: WGSL's exp is accurate to 3 + 2|x| ulp (|x| <= 16 matters: beyond it the results
 * saturate), so sigmoid and tanh values in [-1, 1] may be off by about 40 ulp of 1, i.e. 2.4e-6;
 * relu and none are exact. Backward: one or two f32 roundings of a product of values below 1.
 */
const FORWARD_TOLERANCE = { atol: 4e-6, rtol: 1e-6 };
const BACKWARD_TOLERANCE = { atol: 1e-6, rtol: 1e-6 };

function makeInput(c: ActivationCase): Float32Array {
  const random = new Random(4242 + c.length);
  const input = random.fillUniform(new Float32Array(c.length), -6, 6);
  // Saturated and exactly-zero inputs: overflow in sigmoid/tanh, and relu's kink.
  const specials = [1000, -1000, 88.5, -88.5, 20, -20, 0];
  for (let i = 0; i < specials.length && i * 7 < c.length; i++) input[i * 7] = specials[i];
  return input;
}

async function runActivation(gpu: Gpu, kernel: ActivationKernel, c: ActivationCase): Promise<Outcome> {
  const input = makeInput(c);
  const dOut = new Random(99 + c.length).fillUniform(new Float32Array(c.length));
  const expectedY = new Float64Array(c.length);
  activationForward(expectedY, input, c.activation);
  // The backward reads the forward output as the GPU holds it: f32.
  const y = Float32Array.from(expectedY);
  const expectedDInput = new Float64Array(c.length);
  activationBackward(expectedDInput, dOut, y, c.activation);

  const inputBuffer = upload(gpu, 'input', input);
  const yBuffer = upload(gpu, 'y', y);
  const dOutBuffer = upload(gpu, 'dOut', dOut);
  const outputBuffer = output(gpu, 'output', c.length);
  const dInputBuffer = output(gpu, 'dInput', c.length);
  const forward = kernel.bindForward({ output: outputBuffer, input: inputBuffer }, c.length);
  const backward = kernel.bindBackwardInput(
    { dInput: dInputBuffer, dOut: dOutBuffer, output: yBuffer },
    c.length,
  );
  try {
    const record = (pass: GPUComputePassEncoder) => {
      kernel.encodeForward(pass, forward);
      kernel.encodeBackwardInput(pass, backward);
    };
    submitPass(gpu, 'activation check', record);
    const actualY = await readFloats(gpu, outputBuffer, c.length);
    const actualDInput = await readFloats(gpu, dInputBuffer, c.length);
    submitPass(gpu, 'activation check (again)', record);
    const againY = await readFloats(gpu, outputBuffer, c.length);
    const againDInput = await readFloats(gpu, dInputBuffer, c.length);
    return combine({
      grid: { ok: true, detail: `${forward.grid.x}x${forward.grid.y}x${forward.grid.z}` },
      forward: closeOutcome(actualY.values, expectedY, FORWARD_TOLERANCE),
      'forward tail': actualY.tail,
      backward_input: closeOutcome(actualDInput.values, expectedDInput, BACKWARD_TOLERANCE),
      'backward_input tail': actualDInput.tail,
      determinism: combine({
        forward: sameBits('output', actualY.values, againY.values),
        backward_input: sameBits('dInput', actualDInput.values, againDInput.values),
      }),
    });
  } finally {
    for (const thing of [forward, backward, inputBuffer, yBuffer, dOutBuffer, outputBuffer, dInputBuffer]) {
      thing.destroy();
    }
  }
}

export async function checkActivation(gpu: Gpu): Promise<CaseResult[]> {
  const kernels = new Map<string, Promise<ActivationKernel>>();
  const results: CaseResult[] = [];
  for (const c of CASES) {
    const key = `${c.activation}, workgroup ${c.workgroupSize}`;
    if (!kernels.has(key)) kernels.set(key, ActivationKernel.create(gpu, c));
    const label = `${key}, length ${c.length}`;
    results.push(await runCase(gpu, label, async () => runActivation(gpu, await kernels.get(key)!, c)));
  }
  return results;
}
