// What the curves show: training loss and accuracy (from the metrics the loop reads every chunk,
// pooled into points of at least `examplesPerPoint` examples so the curve is not noise), test
// loss and accuracy (from the periodic evaluations), on an x axis of epochs (examples seen / the
// training set size), thinned so a long run stays cheap to draw; and the training rate in images/s
// over the last few seconds. Saved and restored as plain data (toData / fromData) by the autosave.
// Pure data; no DOM.

import type { StepMetrics } from '../model/backend.ts';

export interface CurvePoint {
  /** Epochs of training before this point (fractional). */
  epoch: number;
  step: number;
  loss: number;
  accuracy: number;
}

export interface TestPoint extends CurvePoint {
  examples: number;
}

export interface RunHistoryOptions {
  trainCount: number;
  examplesPerPoint?: number;
  /** Above this many points a curve is thinned to half by merging neighbours. */
  maxPoints?: number;
  /** Window of the images/s rate, in ms. */
  rateWindowMs?: number;
  /** A slow run still gets a point this often (ms), however few examples it pooled. */
  pointEveryMs?: number;
}

/** Everything a RunHistory holds but its rate samples: what an autosave stores (plain data). */
export interface RunHistoryData {
  train: CurvePoint[];
  /** Examples behind each train point. */
  weights: number[];
  test: TestPoint[];
  examplesSeen: number;
  steps: number;
  /** Metrics not yet in a point. */
  pending: StepMetrics;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

/** Throws unless `data` has the shape of RunHistoryData (it may come from an older or damaged save). */
function checkHistoryData(data: RunHistoryData): void {
  const points = (list: unknown) =>
    Array.isArray(list) && list.every((p) => isCount(p?.step) && typeof p?.loss === 'number');
  const p = data?.pending;
  const ok =
    points(data?.train) &&
    points(data.test) &&
    Array.isArray(data.weights) &&
    data.weights.length === data.train.length &&
    isCount(data.examplesSeen) &&
    isCount(data.steps) &&
    isCount(p?.steps) &&
    isCount(p?.examples);
  if (!ok) throw new Error('the saved curves are not in the form this convscope writes');
}

export class RunHistory {
  readonly train: CurvePoint[] = [];
  readonly test: TestPoint[] = [];
  private examplesSeen = 0;
  private steps = 0;
  private pending: StepMetrics = { steps: 0, examples: 0, lossSum: 0, correct: 0 };
  /** Weight (examples) of each train point, so thinning averages correctly. */
  private weights: number[] = [];
  private readonly rateSamples: { time: number; examples: number }[] = [];
  private readonly examplesPerPoint: number;
  private readonly maxPoints: number;
  private readonly rateWindowMs: number;
  private readonly trainCount: number;
  private readonly pointEveryMs: number;
  private lastPointTime: number | null = null;

  constructor(options: RunHistoryOptions) {
    this.trainCount = options.trainCount;
    this.examplesPerPoint = options.examplesPerPoint ?? 2000;
    this.maxPoints = options.maxPoints ?? 1500;
    this.rateWindowMs = options.rateWindowMs ?? 3000;
    this.pointEveryMs = options.pointEveryMs ?? 1000;
  }

  /** The history `data` describes (checked first; throws when it is malformed). */
  static fromData(options: RunHistoryOptions, data: RunHistoryData): RunHistory {
    checkHistoryData(data);
    const history = new RunHistory(options);
    const copy = structuredClone(data);
    history.train.push(...copy.train);
    history.test.push(...copy.test);
    history.weights = copy.weights;
    history.examplesSeen = copy.examplesSeen;
    history.steps = copy.steps;
    history.pending = copy.pending;
    return history;
  }

  /** An empty history of a run that is already `steps` steps and `examples` examples in (an opened file). */
  static startingAt(options: RunHistoryOptions, steps: number, examples: number): RunHistory {
    const history = new RunHistory(options);
    history.steps = steps;
    history.examplesSeen = examples;
    return history;
  }

  /** A copy of the curves and counters, for an autosave. */
  toData(): RunHistoryData {
    const { train, weights, test, examplesSeen, steps, pending } = this;
    return structuredClone({ train, weights, test, examplesSeen, steps, pending });
  }

  get epochs(): number {
    return this.examplesSeen / this.trainCount;
  }

  get totalSteps(): number {
    return this.steps;
  }

  /** Adds the metrics of finished steps; returns true when a new curve point was made. */
  addTraining(metrics: StepMetrics, now: number): boolean {
    this.examplesSeen += metrics.examples;
    this.steps += metrics.steps;
    this.rateSamples.push({ time: now, examples: metrics.examples });
    const p = this.pending;
    p.steps += metrics.steps;
    p.examples += metrics.examples;
    p.lossSum += metrics.lossSum;
    p.correct += metrics.correct;
    this.lastPointTime ??= now;
    // The first point comes early so a fresh run shows something at once; a slow run gets one per pointEveryMs.
    const wanted = this.train.length === 0 ? Math.min(256, this.examplesPerPoint) : this.examplesPerPoint;
    const enough = p.examples >= wanted || now - this.lastPointTime >= this.pointEveryMs;
    if (!enough && Number.isFinite(p.lossSum)) return false;
    this.lastPointTime = now;
    this.flush();
    return true;
  }

  /** Turns whatever is pooled into a point (e.g. when training pauses). */
  flush(): void {
    const p = this.pending;
    if (p.examples === 0) return;
    this.train.push({
      epoch: this.epochs,
      step: this.steps,
      loss: p.lossSum / p.examples,
      accuracy: p.correct / p.examples,
    });
    this.weights.push(p.examples);
    this.pending = { steps: 0, examples: 0, lossSum: 0, correct: 0 };
    if (this.train.length > this.maxPoints) this.thinTrain();
  }

  addTest(examples: number, lossSum: number, correct: number): TestPoint {
    const point = {
      epoch: this.epochs,
      step: this.steps,
      loss: examples > 0 ? lossSum / examples : NaN,
      accuracy: examples > 0 ? correct / examples : NaN,
      examples,
    };
    this.test.push(point);
    if (this.test.length > this.maxPoints)
      this.test.splice(0, this.test.length, ...this.test.filter((_, i) => i % 2 === 1));
    return point;
  }

  /** Training images per second over the last rateWindowMs (0 before two readings). */
  imagesPerSecond(now: number): number {
    const samples = this.rateSamples;
    while (samples.length > 2 && now - samples[0].time > this.rateWindowMs) samples.shift();
    if (samples.length < 2) return 0;
    const span = samples[samples.length - 1].time - samples[0].time;
    const examples = samples.slice(1).reduce((sum, s) => sum + s.examples, 0);
    return span > 0 ? (examples * 1000) / span : 0;
  }

  /** Forgets the rate samples (after a pause, so idle time does not count). */
  resetRate(): void {
    this.rateSamples.length = 0;
  }

  private thinTrain(): void {
    const points: CurvePoint[] = [];
    const weights: number[] = [];
    for (let i = 0; i + 1 < this.train.length; i += 2) {
      const [a, b] = [this.train[i], this.train[i + 1]];
      const [wa, wb] = [this.weights[i], this.weights[i + 1]];
      const w = wa + wb;
      points.push({
        epoch: b.epoch,
        step: b.step,
        loss: (a.loss * wa + b.loss * wb) / w,
        accuracy: (a.accuracy * wa + b.accuracy * wb) / w,
      });
      weights.push(w);
    }
    if (this.train.length % 2 === 1) {
      points.push(this.train[this.train.length - 1]);
      weights.push(this.weights[this.weights.length - 1]);
    }
    this.train.splice(0, this.train.length, ...points);
    this.weights = weights;
  }
}
