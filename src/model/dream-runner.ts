// One call for the app and the CLI: the dream runner and gradient source that suit a backend. On a
// GpuBackend they bind its live parameter buffer (dreams follow training with no copy); on any
// other backend (CPU, or the CPU in a worker) they run on the CPU with a copy of the parameters
// that refresh() takes again. Nothing here touches the backend's training state.

import type { Gpu } from '../runtime/gpu.ts';
import type { Backend } from './backend.ts';
import { CpuAscent } from './cpu-ascent.ts';
import { CpuInputGradients } from './cpu-input-grad.ts';
import type { AscentRunner } from './dream.ts';
import { GpuAscent } from './gpu-ascent.ts';
import { GpuBackend } from './gpu-backend.ts';
import { gpuInputGradients } from './gpu-input-grad.ts';
import type { GradientSource } from './saliency.ts';

export interface Refreshing {
  /** CPU: copies the backend's current parameters; GPU: nothing (the plan reads them live). */
  refresh(): Promise<void>;
  destroy(): void;
}

/** A dream runner of `batch` rows (one per class) for `backend`. */
export async function createAscentRunner(
  backend: Backend,
  batch: number,
  seed: number,
  gpu?: Gpu,
): Promise<AscentRunner & Refreshing> {
  if (backend instanceof GpuBackend && gpu) {
    const engine = gpuInputGradients(gpu, backend, batch);
    let ascent: GpuAscent;
    try {
      ascent = await GpuAscent.create(gpu, engine, seed);
    } catch (error) {
      engine.destroy();
      throw error;
    }
    return wrap(
      ascent,
      async () => undefined,
      () => {
        ascent.destroy();
        engine.destroy();
      },
    );
  }
  const ascent = new CpuAscent(backend.description, batch, seed);
  const refresh = async () => ascent.setParameters(await backend.getParameters());
  await refresh();
  return wrap(ascent, refresh, () => undefined);
}

function wrap(
  runner: AscentRunner,
  refresh: () => Promise<void>,
  destroy: () => void,
): AscentRunner & Refreshing {
  return {
    batch: runner.batch,
    setObjective: (objective) => runner.setObjective(objective),
    setImages: (images) => runner.setImages(images),
    step: (settings, count) => runner.step(settings, count),
    read: () => runner.read(),
    refresh,
    destroy,
  };
}

/** A gradient source of `batch` images (SmoothGrad's noisy copies run as one such batch). */
export async function createGradientSource(
  backend: Backend,
  batch: number,
  gpu?: Gpu,
): Promise<GradientSource & Refreshing> {
  if (backend instanceof GpuBackend && gpu) {
    const engine = gpuInputGradients(gpu, backend, batch);
    return {
      batch,
      gradient: (images, count, objective) => engine.gradient(images, count, objective),
      refresh: async () => undefined,
      destroy: () => engine.destroy(),
    };
  }
  const engine = new CpuInputGradients(backend.description, batch);
  const refresh = async () => engine.setParameters(await backend.getParameters());
  await refresh();
  return {
    batch,
    gradient: (images, count, objective) => engine.gradient(images, count, objective),
    refresh,
    destroy: () => undefined,
  };
}
