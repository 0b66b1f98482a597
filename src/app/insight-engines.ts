// The engines behind the class-visualisation and saliency panels, for the training backend of the
// moment: on the GPU backend the GPU ascent and input-gradient plans (dream-runner.ts), which bind
// the trainer's live parameter buffer (no copy; refresh() does nothing) and its probe for the
// occlusion sweep, reading back the logits only; on the CPU backend the same CPU engines in a Web Worker of their own
// (insight-worker.ts), so their loops never block the page, fed a copy of the parameters on
// refresh(). InsightSource keeps one set per backend and frees it when the run's backend changes.
// No DOM.

import type { AscentSettings } from '../model/ascent-settings.ts';
import type { Backend, ProbeResult } from '../model/backend.ts';
import { softmaxRows } from '../model/backend-views.ts';
import type { AscentReading } from '../model/cpu-ascent.ts';
import type { AscentRunner } from '../model/dream.ts';
import { createAscentRunner, createGradientSource } from '../model/dream-runner.ts';
import { GpuBackend } from '../model/gpu-backend.ts';
import { classCountOf, type InputGradientResult, type Objective } from '../model/input-gradient.ts';
import type { GradientSource, ProbeFunction } from '../model/saliency.ts';
import type { Gpu } from '../runtime/gpu.ts';
import type { InsightInit } from './insight-worker-handlers.ts';
import { RpcClient, type RpcPort } from './rpc-worker.ts';

/** Images of one gradient call: SmoothGrad's noisy copies run as one batch of this many. */
export const GRADIENT_BATCH = 16;

export interface InsightEngines {
  readonly backend: Backend;
  readonly classes: number;
  /** One row per class. */
  readonly ascent: AscentRunner;
  readonly gradients: GradientSource;
  /** A forward pass reading back the logits only: `outputs` holds just the last layer's. */
  readonly probe: ProbeFunction;
  /** Takes the training parameters as they are now (GPU: nothing to do, the plans read them live). */
  refresh(): Promise<void>;
  destroy(): void;
}

function startInsightWorker(): RpcPort {
  return new Worker(new URL('./insight-worker.ts', import.meta.url), {
    type: 'module',
    name: 'convscope-insight',
  }) as unknown as RpcPort;
}

/** The engines for `backend` (GPU plans on a GpuBackend, else the CPU engines in a worker on `port`). */
export async function createInsightEngines(
  backend: Backend,
  gpu: Gpu | null,
  seed: number,
  port?: () => RpcPort,
): Promise<InsightEngines> {
  const classes = classCountOf(backend.description);
  if (backend instanceof GpuBackend && gpu) {
    const ascent = await createAscentRunner(backend, classes, seed, gpu);
    let gradients;
    try {
      gradients = await createGradientSource(backend, GRADIENT_BATCH, gpu);
    } catch (error) {
      ascent.destroy();
      throw error;
    }
    return {
      ...{ backend, classes, ascent, gradients },
      // Only the logits (the last layer): what the occlusion sweep reads, as the worker's below.
      probe: async (images, count) => {
        const logits = await backend.probeLogits(images, count);
        return { count, outputs: [logits], probabilities: softmaxRows(logits, count, classes) };
      },
      refresh: async () => undefined,
      destroy: () => {
        ascent.destroy();
        gradients.destroy();
      },
    };
  }
  const rpc = new RpcClient((port ?? startInsightWorker)(), 'the insight worker');
  const init: InsightInit = {
    description: backend.description,
    ascentBatch: classes,
    gradientBatch: GRADIENT_BATCH,
    seed,
  };
  try {
    await rpc.call('init', [init]);
  } catch (error) {
    rpc.destroy();
    throw error;
  }
  return workerEngines(backend, classes, rpc);
}

function workerEngines(backend: Backend, classes: number, rpc: RpcClient): InsightEngines {
  // Calls that return nothing are not awaited: the worker runs calls in order, so the next read
  // sees them, and its error (if any) would be theirs.
  const post = (method: string, args: unknown[]) => void rpc.call(method, args).catch(() => undefined);
  const ascent: AscentRunner = {
    batch: classes,
    setObjective: (objective: Objective) => post('setObjective', [objective]),
    setImages: (images) => post('setImages', [images]),
    step: (settings: AscentSettings, count = 1) => post('step', [settings, count]),
    read: () => rpc.call<AscentReading>('read'),
  };
  const gradients: GradientSource = {
    batch: GRADIENT_BATCH,
    gradient: (images, count, objective) =>
      rpc.call<InputGradientResult>('gradient', [images, count, objective]),
  };
  const probe = async (images: Float32Array, count: number): Promise<ProbeResult> => {
    const logits = await rpc.call<Float32Array>('logits', [images, count]);
    // Only the logits (the last layer): what the occlusion sweep reads.
    return { count, outputs: [logits], probabilities: softmaxRows(logits, count, classes) };
  };
  return {
    ...{ backend, classes, ascent, gradients, probe },
    refresh: async () => {
      await rpc.call('setParameters', [await backend.getParameters()]);
    },
    destroy: () => rpc.destroy(),
  };
}

/** The engines for the run's backend of the moment, made on first use and freed when it changes. */
export class InsightSource {
  private current: { backend: Backend; engines: Promise<InsightEngines> } | null = null;

  constructor(
    private readonly backendNow: () => Backend | null,
    private readonly gpuNow: () => Gpu | null,
    private readonly seed = 0,
    private readonly port?: () => RpcPort,
  ) {}

  /** The engines of the current backend (null when there is no run). */
  async engines(): Promise<InsightEngines | null> {
    const backend = this.backendNow();
    if (!backend) return null;
    if (this.current?.backend !== backend) {
      this.release();
      const engines = createInsightEngines(backend, this.gpuNow(), this.seed, this.port);
      this.current = { backend, engines };
      engines.catch(() => {
        if (this.current?.engines === engines) this.current = null; // the next call tries again
      });
    }
    return this.current.engines;
  }

  /** Frees the engines (a read in flight on them fails, and its result is dropped). */
  release(): void {
    const old = this.current;
    this.current = null;
    void old?.engines.then((engines) => engines.destroy()).catch(() => undefined);
  }
}
