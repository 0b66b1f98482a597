// Class visualisation ("dreams"): gradient ascent on the input for all classes at once (batch =
// classes, row b dreams class b mod classes), from noise or grey, on either backend through the
// AscentRunner both gpu-ascent.ts and cpu-ascent.ts implement. Returns the images and the
// probability each reaches. Not the ascent step itself (image_ascent) and no drawing.

import { DEFAULT_ASCENT, type AscentSettings } from './ascent-settings.ts';
import type { AscentReading } from './cpu-ascent.ts';
import { classLogits, type Objective } from './input-gradient.ts';
import type { Shape3 } from './shapes.ts';
import { Random } from '../util/random.ts';

/** What GpuAscent and CpuAscent share. */
export interface AscentRunner {
  readonly batch: number;
  setObjective(objective: Objective): void;
  setImages(images: Float32Array<ArrayBuffer>): void;
  step(settings: AscentSettings, count?: number): void;
  read(): AscentReading | Promise<AscentReading>;
}

export type DreamStart = 'noise' | 'grey';

export interface DreamOptions {
  steps: number;
  settings: AscentSettings;
  start: DreamStart;
  /** Seeds the starting noise. */
  seed: number;
  /** Ascend the class logit (Simonyan et al.) or its log-probability (also pushes the others down). */
  objective: 'logit' | 'logProbability';
}

export const DEFAULT_DREAM: DreamOptions = {
  steps: 300,
  settings: DEFAULT_ASCENT,
  start: 'grey',
  seed: 0,
  objective: 'logProbability',
};

/** Grey level of the 'grey' start, and the range of the 'noise' start (around the same level). */
export const GREY_START = 0.2;
const NOISE_SPREAD = 0.2;

/** `count` starting images: flat grey, or seeded uniform noise around the same grey. */
export function startImages(
  count: number,
  input: Shape3,
  start: DreamStart,
  seed: number,
): Float32Array<ArrayBuffer> {
  const images = new Float32Array(count * input[0] * input[1] * input[2]);
  if (start === 'grey') return images.fill(GREY_START);
  return new Random(seed).fillUniform(images, GREY_START - NOISE_SPREAD / 2, GREY_START + NOISE_SPREAD / 2);
}

/** Row b maximises class b mod classCount. */
export function dreamObjective(
  kind: DreamOptions['objective'],
  batch: number,
  classCount: number,
): Objective {
  const classes = Array.from({ length: batch }, (_, b) => b % classCount);
  return kind === 'logit' ? classLogits(classes, classCount) : { kind: 'logProbability', classes };
}

export interface DreamResult extends AscentReading {
  /** Row b's probability of its own class. */
  classProbabilities: number[];
}

/** Each row's probability of the class it dreams. */
export function ownClassProbabilities(
  probabilities: Float32Array,
  batch: number,
  classCount: number,
): number[] {
  return Array.from({ length: batch }, (_, b) => probabilities[b * classCount + (b % classCount)]);
}

/**
 * Dreams every class from the start image, `options.steps` steps, reading back only at the end
 * (and every `readEvery` steps when `onReading` is given, for a view that shows them evolve).
 */
export async function dreamClasses(
  runner: AscentRunner,
  input: Shape3,
  classCount: number,
  options: DreamOptions = DEFAULT_DREAM,
  onReading?: { every: number; call(reading: DreamResult): void },
): Promise<DreamResult> {
  const batch = runner.batch;
  runner.setObjective(dreamObjective(options.objective, batch, classCount));
  runner.setImages(startImages(batch, input, options.start, options.seed));
  const chunk = onReading ? Math.max(1, onReading.every) : options.steps;
  for (let done = 0; done < options.steps;) {
    const count = Math.min(chunk, options.steps - done);
    runner.step(options.settings, count);
    done += count;
    if (onReading && done < options.steps)
      onReading.call(withClassProbabilities(await runner.read(), batch, classCount));
  }
  return withClassProbabilities(await runner.read(), batch, classCount);
}

function withClassProbabilities(reading: AscentReading, batch: number, classCount: number): DreamResult {
  return { ...reading, classProbabilities: ownClassProbabilities(reading.probabilities, batch, classCount) };
}
