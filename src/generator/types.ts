// The conditional generator's shared interfaces (issue 6 part 3): the config, one training
// report and the model both backends implement. Types only; defaults and validation live in
// cvae-spec.ts, the CPU model in cpu-cvae.ts, the GPU model in gpu-cvae.ts.

export interface CvaeConfig {
  latent: number;
  seed: number;
  batch: number;
  learningRate: number;
}

export interface GeneratorStepResult {
  step: number;
  loss: number;
  reconstruction: number;
  kl: number;
}

export interface GeneratorModel {
  readonly config: CvaeConfig;
  /** Trains `steps` batches from the dataset (seeded shuffling); returns mean losses of those steps. */
  train(steps: number): Promise<GeneratorStepResult>;
  /** Images [N,784] in [0,1] for labels[N] and latents z[N*Z]. */
  sample(labels: Int32Array, z: Float32Array): Promise<Float32Array>;
  parameters(): Promise<Float32Array>;
  destroy(): void;
}
