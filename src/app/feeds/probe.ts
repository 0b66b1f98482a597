// The probe feed: a forward pass of a few chosen test images and / or a drawn digit at the current
// parameters (Backend.probe, one readback), shaped as ProbeView (view-types.ts): the inputs, the
// feature maps of every conv and pooling layer, and the softmax. Rate-limited by Feed; the latest
// selection wins, so a drawing in progress probes its newest stroke.

import { PIXEL_SCALE } from '../../data/batching.ts';
import type { Dataset } from '../../data/dataset.ts';
import { PROBE_MAX } from '../../model/backend.ts';
import { shapeElements } from '../../model/shapes.ts';
import type { FeatureMaps, ProbeView } from '../view-types.ts';
import { Feed, type FeedOptions } from './feed.ts';
import { readCurrent, type TrainerSource, type WatchedTrainer } from './source.ts';

export const PROBE_INTERVAL_MS = 150;

/** Which images to probe: test-set indices, then optionally one drawn image. At most PROBE_MAX in all. */
export interface ProbeSelection {
  testIndices: readonly number[];
  /** [C, H, W] scaled like training inputs (draw-pad's output), or null. */
  drawn?: Float32Array | null;
}

export interface ProbeInputs {
  count: number;
  images: Float32Array;
  labels: (number | null)[];
  testIndices: (number | null)[];
}

/** The images of a selection as the network sees them; throws naming the problem. */
export function probeInputs(dataset: Dataset, selection: ProbeSelection): ProbeInputs {
  const pixels = dataset.channels * dataset.imageHeight * dataset.imageWidth;
  const drawn = selection.drawn ?? null;
  const count = selection.testIndices.length + (drawn ? 1 : 0);
  if (count < 1 || count > PROBE_MAX) {
    throw new RangeError(`probe: choose 1 to ${PROBE_MAX} images, got ${count}`);
  }
  if (drawn && drawn.length !== pixels) {
    throw new RangeError(`probe: a drawn image needs ${pixels} values, got ${drawn.length}`);
  }
  const images = new Float32Array(count * pixels);
  const { images: bytes, labels, count: available } = dataset.test;
  selection.testIndices.forEach((index, row) => {
    if (!Number.isInteger(index) || index < 0 || index >= available) {
      throw new RangeError(`probe: test index ${index} is outside the ${available} test images`);
    }
    const from = index * pixels;
    for (let p = 0; p < pixels; p++) images[row * pixels + p] = bytes[from + p] * PIXEL_SCALE;
  });
  if (drawn) images.set(drawn, (count - 1) * pixels);
  const chosen = selection.testIndices.map((index) => index as number | null);
  return {
    count,
    images,
    labels: [...chosen.map((index) => labels[index as number]), ...(drawn ? [null] : [])],
    testIndices: [...chosen, ...(drawn ? [null] : [])],
  };
}

/** Probes a selection at the trainer's current step (one readback). */
export async function readProbe(trainer: WatchedTrainer, selection: ProbeSelection): Promise<ProbeView> {
  const { backend, totalSteps: step } = trainer;
  const inputs = probeInputs(trainer.dataset, selection);
  const result = await backend.probe(inputs.images, inputs.count);
  const description = backend.description;
  const maps: FeatureMaps[] = [];
  description.layers.forEach((d, i) => {
    if (d.kind !== 'conv' && d.kind !== 'pool') return;
    const [channels, height, width] = d.outputShape;
    maps.push({
      layerIndex: d.index,
      kind: d.kind,
      label: d.label,
      channels,
      height,
      width,
      data: result.outputs[i],
    });
  });
  const head = description.layers[description.layers.length - 1];
  return {
    step,
    count: inputs.count,
    inputs: inputs.images,
    inputShape: description.input,
    labels: inputs.labels,
    testIndices: inputs.testIndices,
    maps,
    probabilities: result.probabilities,
    classes: shapeElements(head.outputShape),
  };
}

/** A feed of ProbeViews; request(selection) after each chunk and whenever the selection changes. */
export function createProbeFeed(
  source: TrainerSource,
  /** Called with the view and the selection it was read for (not necessarily the latest). */
  onView: (view: ProbeView, selection: ProbeSelection) => void,
  options: Partial<FeedOptions> = {},
): Feed<ProbeSelection, ProbeView> {
  return new Feed<ProbeSelection, ProbeView>(
    (selection) => readCurrent(source, (trainer) => readProbe(trainer, selection)),
    onView,
    { minIntervalMs: PROBE_INTERVAL_MS, ...options },
  );
}
