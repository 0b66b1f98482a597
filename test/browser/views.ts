// Entry of the view demo page (views.html): mounts every view element with synthetic data and logs
// the events they emit, so a person or a screenshot script can check how they look. Not a test.

import '../../src/ui/confusion-view.ts';
import '../../src/ui/draw-pad.ts';
import '../../src/ui/feature-maps-view.ts';
import '../../src/ui/filter-grid.ts';
import '../../src/ui/filter-timeline.ts';
import '../../src/ui/predictions-view.ts';
import type { DigitDetail } from '../../src/ui/draw-pad.ts';
import { Random } from '../../src/util/random.ts';
import { SnapshotStore } from '../../src/viz/snapshot-store.ts';
import { convnetFilters, evaluation, lenetFilters, lenetProbe } from './views-data.ts';

const $ = <K extends keyof HTMLElementTagNameMap>(id: string, _tag: K) =>
  document.getElementById(id) as HTMLElementTagNameMap[K];

const store = new SnapshotStore({ maxSnapshots: 40 });
for (let step = 0; step <= 3000; step += 25) store.add(lenetFilters(step / 3000, step));
const latest = lenetFilters(1, 3000);

$('filters', 'cs-filter-grid').filters = latest;
$('timeline', 'cs-filter-timeline').snapshots = store.list();
$('big', 'cs-filter-grid').filters = convnetFilters();

const probe = lenetProbe(latest, [7, 2, 1, 0, 4, null], 3);
$('maps', 'cs-feature-maps-view').probe = probe;
$('predictions', 'cs-predictions-view').probe = probe;

const { view, labels, testImage } = evaluation(1000);
const confusion = $('confusion', 'cs-confusion-view');
confusion.evaluation = view;
confusion.testLabels = labels;
confusion.testImage = testImage;

const log = document.getElementById('events')!;
const pad = $('pad', 'cs-draw-pad');
const random = new Random(1);
pad.addEventListener('cs-digit', (e) => {
  const { input } = (e as CustomEvent<DigitDetail>).detail;
  const ink = input.reduce((a, b) => a + b, 0);
  log.textContent = `cs-digit: ${input.length} values, ink ${ink.toFixed(1)}\n${log.textContent}`;
  // Stand-in for the network: random but stable-looking probabilities.
  pad.probabilities = Float32Array.from({ length: 10 }, (_, c) => (c === 7 ? 0.8 : 0.02 * random.next()));
});
for (const name of [
  'cs-image-select',
  'cs-cell-select',
  'cs-test-image-select',
  'cs-scale-change',
  'cs-scrub',
  'cs-digit-clear',
]) {
  document.addEventListener(name, (e) => {
    log.textContent = `${name}: ${JSON.stringify((e as CustomEvent).detail)}\n${log.textContent}`;
  });
}
document.body.dataset.ready = 'true';
