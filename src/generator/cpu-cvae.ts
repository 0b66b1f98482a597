// The CPU conditional generator (GeneratorModel of types.ts): seeded init, seeded batch order and
// eps stream (cvae-run.ts), one forward + backward pass per step (cvae-pass.ts) on the fast float32
// ops by default, and Adam over the one flat parameter buffer. Runs synchronously inside each
// call, so the app runs it in a worker. Not the GPU model (gpu-cvae.ts) and not the CLI.

import { createBatchStorage, gatherBatch } from '../data/batching.ts';
import type { Dataset } from '../data/dataset.ts';
import { adamUpdate } from '../reference/adam.ts';
import { checkCvaeDataset, checkSampleRequest, checkSteps } from './cvae-checks.ts';
import { fastCvaeOps, referenceCvaeOps } from './cvae-ops.ts';
import { CvaePass, cvaeShapes, type CvaeLosses } from './cvae-pass.ts';
import { CvaeBatchOrder, CvaeNoise } from './cvae-run.ts';
import * as spec from './cvae-spec.ts';
import type { CvaeConfig, GeneratorModel, GeneratorStepResult } from './types.ts';

export interface CpuCvaeOptions {
  /** Start from these parameters (e.g. a saved fixture) instead of the seeded init. */
  parameters?: Float32Array;
  /** 'fast' (default): src/fast GEMMs; 'reference': the naive references (slow; for checks). */
  ops?: 'fast' | 'reference';
}

function checkParameters(parameters: Float32Array, length: number, latent: number): void {
  if (parameters.length !== length) {
    throw new Error(
      `cvae: the parameters hold ${parameters.length} floats but latent ${latent} needs ${length}; ` +
        'load parameters saved with the same latent size',
    );
  }
}

function makeOps(kind: 'fast' | 'reference', rows: number, latent: number) {
  if (kind === 'reference') return referenceCvaeOps<Float32Array>();
  const shapes = cvaeShapes(rows, latent);
  return fastCvaeOps(shapes.d2, shapes.d3);
}

/** Images sigmoid(decode(z, y)) [N, 784] from trained parameters, without a dataset. */
export function sampleCvae(
  parameters: Float32Array,
  latent: number,
  labels: Int32Array,
  z: Float32Array,
  ops: 'fast' | 'reference' = 'fast',
): Float32Array {
  const layout = spec.cvaeLayout(latent);
  checkParameters(parameters, layout.length, latent);
  checkSampleRequest(labels, z, latent);
  const pass = new CvaePass(
    labels.length,
    layout,
    makeOps(ops, labels.length, latent),
    (n) => new Float32Array(n),
  );
  const images = new Float32Array(labels.length * spec.CVAE_PIXELS);
  pass.sample(images, parameters, labels, z);
  return images;
}

export function createCpuCvae(
  dataset: Dataset,
  config: CvaeConfig,
  options: CpuCvaeOptions = {},
): GeneratorModel {
  spec.validateCvaeConfig(config);
  checkCvaeDataset(dataset, config);
  const frozen = Object.freeze({ ...config });
  const layout = spec.cvaeLayout(config.latent);
  const params = options.parameters ? options.parameters.slice() : spec.cvaeInitialParameters(config);
  checkParameters(params, layout.length, config.latent);
  const grads = new Float32Array(layout.length);
  const moment1 = new Float32Array(layout.length);
  const moment2 = new Float32Array(layout.length);
  const opsKind = options.ops ?? 'fast';
  const pass = new CvaePass(
    config.batch,
    layout,
    makeOps(opsKind, config.batch, config.latent),
    (n) => new Float32Array(n),
  );
  const order = new CvaeBatchOrder(dataset.train.count, config.batch, config.seed);
  const noise = new CvaeNoise(config.seed);
  const storage = createBatchStorage(dataset, config.batch);
  const eps = new Float32Array(config.batch * config.latent);
  let stepsDone = 0;

  function step(): CvaeLosses {
    const batch = gatherBatch(dataset, 'train', order.indices(stepsDone), storage);
    noise.next(eps);
    const losses = pass.forwardBackward(params, grads, batch.images, batch.labels, eps);
    if (!Number.isFinite(losses.loss)) {
      throw new Error(
        `cvae: the loss became ${losses.loss} at step ${stepsDone + 1}; lower the learning rate (now ${config.learningRate})`,
      );
    }
    stepsDone++;
    adamUpdate(params, moment1, moment2, grads, {
      learningRate: config.learningRate,
      ...spec.CVAE_ADAM,
      step: stepsDone,
    });
    return losses;
  }

  return {
    config: frozen,
    async train(steps: number): Promise<GeneratorStepResult> {
      checkSteps(steps);
      const sum = { loss: 0, reconstruction: 0, kl: 0 };
      for (let i = 0; i < steps; i++) {
        const losses = step();
        sum.loss += losses.loss;
        sum.reconstruction += losses.reconstruction;
        sum.kl += losses.kl;
      }
      // step: how many steps this model has trained in all, after this call.
      return {
        step: stepsDone,
        loss: sum.loss / steps,
        reconstruction: sum.reconstruction / steps,
        kl: sum.kl / steps,
      };
    },
    async sample(labels: Int32Array, z: Float32Array): Promise<Float32Array> {
      return sampleCvae(params, config.latent, labels, z, opsKind);
    },
    async parameters(): Promise<Float32Array> {
      return params.slice();
    },
    destroy(): void {
      // Plain typed arrays: nothing to free beyond dropping references.
    },
  };
}
