// The TensorFlow.js training loop of the training benchmark, written as a TFJS user would write a
// fast one and shaped like our Trainer (step(count), takeMetrics(), destroy()): the train split
// resident on the device as one float tensor, each epoch's order (the same seeded permutation as
// ours) uploaded once and sliced per step, tf.gather for the batch, optimizer.minimize over the
// model's weights, loss sum and correct count accumulated in device variables and read back
// asynchronously by takeMetrics(). Runs on whichever backend TFJS has selected.

import * as tf from '@tensorflow/tfjs';
import { epochPermutation, PIXEL_SCALE } from '../src/data/batching.ts';
import type { Dataset } from '../src/data/dataset.ts';
import type { OptimizerSettings, StepMetrics } from '../src/model/backend.ts';
import type { NetworkDescription } from '../src/model/shapes.ts';
import { buildTfjsModel, setTfjsParameters, type TfjsNetwork } from './train-tfjs-model.ts';

/**
 * SGD with momentum, plain SGD, or Adam with the same hyper-parameters as ours. Both update rules
 * match PyTorch's (v = m·v + g, p -= lr·v; Adam with bias correction). TFJS optimizers have no
 * weight decay, so the benchmark runs with weightDecay 0.
 */
export function tfjsOptimizer(settings: OptimizerSettings): tf.Optimizer {
  if (settings.weightDecay !== 0) throw new Error('TensorFlow.js optimizers have no weight decay: use 0');
  if (settings.kind === 'adam') {
    return tf.train.adam(settings.learningRate, settings.beta1, settings.beta2, settings.epsilon);
  }
  return settings.momentum > 0
    ? tf.train.momentum(settings.learningRate, settings.momentum)
    : tf.train.sgd(settings.learningRate);
}

const scaled = new WeakMap<Uint8Array, Float32Array>();

/** Bytes as floats in [0, 1] (as our gather_batch scales them), kept per dataset for the next cell. */
function scaledPixels(bytes: Uint8Array): Float32Array {
  let pixels = scaled.get(bytes);
  if (!pixels) {
    pixels = new Float32Array(bytes.length);
    // A plain loop: Float32Array.from(bytes, f) took ~7x longer (seconds for 16k images).
    for (let i = 0; i < bytes.length; i++) pixels[i] = bytes[i] * PIXEL_SCALE;
    scaled.set(bytes, pixels);
  }
  return pixels;
}

export interface TfjsTrainerOptions {
  description: NetworkDescription;
  dataset: Dataset;
  /** Seeds the epoch orders, as the Trainer's seed does. */
  seed: number;
  settings: OptimizerSettings;
  /** Initial parameters in our flat layout (initialParameters(description, seed)). */
  parameters: Float32Array;
}

export class TfjsTrainer {
  readonly network: TfjsNetwork;
  private readonly optimizer: tf.Optimizer;
  private readonly images: tf.Tensor4D;
  private readonly labels: tf.Tensor1D;
  private readonly lossSum = tf.variable(tf.scalar(0), false);
  private readonly correct = tf.variable(tf.scalar(0), false);
  private order: tf.Tensor1D;
  private epoch = 0;
  private stepsDone = 0;
  private stepsSinceTake = 0;
  private readonly batch: number;
  private readonly stepsPerEpoch: number;

  constructor(private readonly options: TfjsTrainerOptions) {
    const { description, dataset } = options;
    this.batch = description.batch;
    this.stepsPerEpoch = Math.floor(dataset.train.count / this.batch);
    this.network = buildTfjsModel(description);
    setTfjsParameters(this.network, description, options.parameters);
    this.optimizer = tfjsOptimizer(options.settings);
    const { count, images, labels } = dataset.train;
    const pixels = scaledPixels(images);
    this.images = tf.tensor4d(pixels, [count, dataset.imageHeight, dataset.imageWidth, 1]);
    this.labels = tf.tensor1d(Int32Array.from(labels), 'int32');
    this.order = this.orderTensor(0);
  }

  private orderTensor(epoch: number): tf.Tensor1D {
    const order = epochPermutation(this.options.dataset.train.count, this.options.seed, epoch);
    return tf.tensor1d(new Int32Array(order.buffer, order.byteOffset, order.length), 'int32');
  }

  /** Runs `count` steps, reshuffling at each epoch's end like Trainer.step. */
  step(count = 1): void {
    for (let i = 0; i < count; i++) {
      if (this.stepsDone === this.stepsPerEpoch) {
        this.order.dispose();
        this.order = this.orderTensor(++this.epoch);
        this.stepsDone = 0;
      }
      this.trainBatch(this.stepsDone++);
      this.stepsSinceTake++;
    }
  }

  private trainBatch(batchIndex: number): void {
    const weights = this.network.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const classes = this.options.description.layers.at(-1)!.outputShape[0];
    tf.tidy(() => {
      const indices = tf.slice(this.order, batchIndex * this.batch, this.batch);
      const x = tf.gather(this.images, indices);
      const labels = tf.gather(this.labels, indices);
      const oneHot = tf.oneHot(labels, classes);
      let correct: tf.Tensor | undefined;
      const loss = this.optimizer.minimize(
        () => {
          const logits = this.network.model.apply(x, { training: true }) as tf.Tensor2D;
          correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')));
          return tf.losses.softmaxCrossEntropy(oneHot, logits) as tf.Scalar;
        },
        true,
        weights,
      )!;
      this.lossSum.assign(tf.add(this.lossSum, tf.mul(loss, this.batch)));
      this.correct.assign(tf.add(this.correct, correct!));
      correct!.dispose();
    });
  }

  /** Loss sum and correct count since the last call; the readback is the loop's only wait. */
  async takeMetrics(): Promise<StepMetrics> {
    const [lossSum, correct] = await Promise.all([this.lossSum.data(), this.correct.data()]);
    tf.tidy(() => {
      this.lossSum.assign(tf.scalar(0));
      this.correct.assign(tf.scalar(0));
    });
    const steps = this.stepsSinceTake;
    this.stepsSinceTake = 0;
    return { steps, examples: steps * this.batch, lossSum: lossSum[0], correct: Math.round(correct[0]) };
  }

  destroy(): void {
    this.network.model.dispose();
    this.optimizer.dispose();
    for (const t of [this.images, this.labels, this.order, this.lossSum, this.correct]) t.dispose();
  }
}
