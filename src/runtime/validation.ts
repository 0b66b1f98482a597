// Runs GPU work inside 'validation' and 'out-of-memory' error scopes and turns a caught error into a
// thrown GpuValidationError. Error scopes belong to the device, not to the call: work that other code
// records on the same device while `fn` awaits is caught here too, so keep such sections sequential.

import { GpuValidationError } from './errors.ts';

export async function withValidation<T>(
  device: GPUDevice,
  fn: () => T | Promise<T>,
  what = 'GPU work',
): Promise<T> {
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await fn() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  // Pop even when fn threw, or the scopes would swallow errors from unrelated later work.
  const outOfMemory = await device.popErrorScope();
  const validation = await device.popErrorScope();
  // A scope error is usually the cause of whatever fn threw, so it is reported first.
  if (validation) {
    throw new GpuValidationError(`${what}: WebGPU validation error: ${validation.message}`, 'validation');
  }
  if (outOfMemory) {
    throw new GpuValidationError(`${what}: out of GPU memory: ${outOfMemory.message}`, 'out-of-memory');
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
