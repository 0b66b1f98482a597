// Loss bookkeeping of the GPU CVAE (gpu-cvae.ts): the per-step losses read back from the GPU,
// averaged the way the CPU model does (per-row sums / batch, then mean over steps). The argument
// checks it shares with the CPU model are in cvae-checks.ts.

import type { GeneratorStepResult } from './types.ts';

/** One step's batch means. */
export class StepLosses {
  constructor(
    readonly step: number,
    readonly reconstruction: number,
    readonly kl: number,
  ) {}

  get loss(): number {
    return this.reconstruction + this.kl;
  }

  /** `words` holds, per step, `batch` reconstruction losses then `batch` KL terms. */
  static parse(words: Float32Array, steps: number, batch: number, firstStep: number): StepLosses[] {
    const mean = (start: number) => {
      let sum = 0;
      for (let r = 0; r < batch; r++) sum += words[start + r];
      return sum / batch;
    };
    return Array.from(
      { length: steps },
      (_, i) => new StepLosses(firstStep + i, mean(2 * i * batch), mean((2 * i + 1) * batch)),
    );
  }

  /** Mean over the steps of one train() call; throws at the first non-finite loss. */
  static mean(
    losses: StepLosses[],
    before: number,
    after: number,
    learningRate: number,
  ): GeneratorStepResult {
    const sum = { loss: 0, reconstruction: 0, kl: 0 };
    for (const s of losses) {
      if (!Number.isFinite(s.loss)) {
        throw new Error(
          `cvae: the loss became ${s.loss} at step ${s.step}; lower the learning rate (now ${learningRate})`,
        );
      }
      sum.loss += s.loss;
      sum.reconstruction += s.reconstruction;
      sum.kl += s.kl;
    }
    const steps = after - before;
    return {
      step: after,
      loss: sum.loss / steps,
      reconstruction: sum.reconstruction / steps,
      kl: sum.kl / steps,
    };
  }
}
