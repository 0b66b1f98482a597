// Entry of the dreams demo page (dreams.html): mounts <cs-dreams-view> and <cs-saliency-view> with
// synthetic data (a stroke per class, a vertical bar to explain) and logs their events on the body.
// Not a test; the browser test and its screenshot use it.

import type { DreamsView, SaliencyView } from '../../src/app/dream-view-types.ts';
import '../../src/ui/dreams-view.ts';
import '../../src/ui/saliency-view.ts';

const SIZE = 28;
const plane = SIZE * SIZE;

/** Class c: a bright diagonal stroke at an angle set by c, on a faint background. */
function strokeImages(classes: number): Float32Array {
  const images = new Float32Array(classes * plane).fill(0.05);
  for (let c = 0; c < classes; c++) {
    for (let t = 4; t < 24; t++) {
      const x = Math.round(14 + ((t - 14) * (c - 4.5)) / 6);
      if (x >= 0 && x < SIZE) images[c * plane + t * SIZE + x] = 1;
    }
  }
  return images;
}

export const demoDreams: DreamsView = {
  steps: 120,
  trainingStep: 900,
  classes: 10,
  inputShape: [1, SIZE, SIZE],
  images: strokeImages(10),
  probabilities: Float32Array.from(
    { length: 10 },
    (_, c) => [0.999, 0.97, 0.42, 0.91, 0.9, 0.89, 1, 0.6, 0.95, 0.08][c],
  ),
};

const image = new Float32Array(plane);
for (let y = 5; y < 23; y++) image[y * SIZE + 13] = image[y * SIZE + 14] = 1;
const map = (f: (x: number, y: number) => number) =>
  Float32Array.from({ length: plane }, (_, i) => f(i % SIZE, Math.floor(i / SIZE)));

export const demoSaliency: SaliencyView = {
  inputShape: [1, SIZE, SIZE],
  image,
  target: 1,
  probability: 0.987,
  maps: [
    { method: 'gradient x input', values: map((x, y) => image[y * SIZE + x] * (y < 14 ? 2 : 1)) },
    {
      method: 'SmoothGrad',
      values: map((x, y) => (Math.abs(x - 13.5) < 3 ? 1 : -0.5) * (y > 4 && y < 23 ? 1 : 0)),
    },
    { method: 'occlusion', values: map((x) => Math.max(0, 1 - Math.abs(x - 13.5) / 4)) },
  ],
};

document.getElementById('dreams')!.setAttribute('following', '');
const dreams = document.querySelector('cs-dreams-view')!;
dreams.dreams = demoDreams;
document.querySelector('cs-saliency-view')!.saliency = demoSaliency;
for (const name of ['cs-dreams-restart', 'cs-dreams-follow']) {
  document.addEventListener(name, (e) => {
    document.body.dataset.events = `${document.body.dataset.events ?? ''}${name} ${JSON.stringify((e as CustomEvent).detail)};`;
  });
}
document.body.dataset.ready = 'true';
