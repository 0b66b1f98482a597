// Mounts the live views in the shell's `views` slot and feeds them: filters and the filter
// timeline (filters feed + SnapshotStore), feature maps and predictions of the pinned test images,
// a chosen one and the drawn digit (probe feed), layer health (health feed), and the confusion
// matrix from the session's own test evaluations (no extra readback); then the class
// visualisation and saliency panels (insight-views.ts) and the generator (generator-panel.ts).
// Each feed is asked after every finished chunk and reads at most one thing at a time
// (feeds/feed.ts); the feed of a panel that is closed or off screen is not asked (it is asked
// again when the panel shows). The probe, health, saliency and class-visualisation feeds share
// one budget (feeds/budget.ts): while training, all of them together take at most a twentieth.
// The elements take new data through viewFrames (ui/frame-queue.ts): one view per animation
// frame, so no frame renders them all at once. Touches the DOM because it
// must create the elements; owns no GPU objects.

import type { Dataset } from '../data/dataset.ts';
import { PROBE_MAX } from '../model/backend.ts';
import type { FilterGridElement } from '../ui/filter-grid.ts';
import type { ViewPanel } from '../ui/view-panel.ts';
import type { DigitDetail } from '../ui/draw-pad.ts';
import '../ui/confusion-view.ts';
import '../ui/draw-pad.ts';
import '../ui/feature-maps-view.ts';
import '../ui/filter-grid.ts';
import '../ui/filter-timeline.ts';
import '../ui/health-view.ts';
import '../ui/predictions-view.ts';
import '../ui/view-panel.ts';
import { viewFrames } from '../ui/frame-queue.ts';
import { SnapshotStore } from '../viz/snapshot-store.ts';
import { ViewBudget } from './feeds/budget.ts';
import { toEvaluationView } from './feeds/evaluation.ts';
import { createFiltersFeed } from './feeds/filters.ts';
import { createHealthFeed } from './feeds/health.ts';
import { createProbeFeed, type ProbeSelection } from './feeds/probe.ts';
import { mountGeneratorPanel } from './generator-panel.ts';
import { mountInsightViews } from './insight-views.ts';
import type { Session } from './session.ts';
import type { EvaluationEvent } from './session-state.ts';
import type { EvaluationView, ProbeView } from './view-types.ts';

/** Test images always probed (the first ones of the test set: the same across runs and seeds). */
export const PINNED_TEST_IMAGES = 8;

/** What the page's test hook reads from the views. */
export interface MountedViews {
  filtersStep(): number | null;
  featureMapLayers(): number[];
  drawnPrediction(): { label: number; probability: number }[] | null;
}

function panel(heading: string, child: HTMLElement, wide = false, note = ''): ViewPanel {
  const p = document.createElement('cs-view-panel');
  p.heading = heading;
  p.wide = wide;
  p.note = note;
  p.slot = 'views';
  p.append(child);
  return p;
}

function topClasses(probabilities: Float32Array, row: number, classes: number) {
  const p = Array.from(probabilities.subarray(row * classes, (row + 1) * classes));
  return p
    .map((probability, label) => ({ label, probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, 3);
}

export function mountViews(shell: HTMLElement, session: Session): MountedViews {
  const filters = document.createElement('cs-filter-grid');
  const maps = document.createElement('cs-feature-maps-view');
  const predictions = document.createElement('cs-predictions-view');
  const pad = document.createElement('cs-draw-pad');
  const confusion = document.createElement('cs-confusion-view');
  const health = document.createElement('cs-health-view');
  const timeline = document.createElement('cs-filter-timeline');
  const panels = {
    filters: panel('Filters', filters, true, 'every conv layer, after each update'),
    maps: panel('Feature maps', maps, true, 'every conv and pooling layer'),
    predictions: panel('Predictions', predictions, false, 'top 3 on test images'),
    pad: panel('Draw a digit', pad),
    confusion: panel('Confusion matrix', confusion, false, 'click a cell for its images'),
    health: panel('Layer health', health, true, 'ranges over 16 test images and the last update'),
    timeline: panel('Filter timeline', timeline, true, 'scrub through snapshots'),
  };
  shell.append(...Object.values(panels));
  // The probe (feature maps, predictions, drawing pad), health, saliency and class-visualisation
  // reads share a twentieth of the device while training (budget.ts; docs/views.md). Filter reads are
  // copies (cheap on any device) and keep their interval.
  const budget = new ViewBudget(() => session.state.phase === 'training');
  const insight = mountInsightViews(shell, session, panel, budget);
  // Saliency fills the half row beside the confusion matrix; the wide ones go last.
  panels.confusion.after(insight.saliency);
  shell.append(insight.dreams, mountGeneratorPanel(session, panel));
  const open = (p: ViewPanel) => p.open && p.visible;

  const store = new SnapshotStore();
  let timelineRun: unknown = null;
  const source = () => session.trainer;
  let selection: ProbeSelection = { testIndices: [] };
  let chosen: number | null = null;
  let lastProbe: ProbeView | null = null;
  /** Whether lastProbe's images ended with the drawn digit (a probe asked before the drawing did not). */
  let lastProbeDrawn = false;
  let evaluation: EvaluationView | null = null;

  // A read in flight when its run is replaced (Reset, a new batch size, dataset, ...) fails on the
  // destroyed backend, and one on a lost GPU device is aborted; that is expected and its result
  // would be dropped anyway.
  const onError = (error: unknown) => {
    const { name, message } = (error ?? {}) as Error;
    if (name !== 'AbortError' && !/was destroyed/.test(String(message))) console.warn('view feed:', error);
  };
  // Whether any panel a feed serves is open and on screen (asked in requestAll, dropped in
  // dropHidden, counted by the budget).
  const wanted = {
    filters: () => open(panels.filters) || open(panels.timeline),
    probe: () => open(panels.maps) || open(panels.predictions) || open(panels.pad),
    health: () => open(panels.health),
  };
  const filtersFeed = createFiltersFeed(
    source,
    (snapshot) => {
      store.add(snapshot);
      viewFrames.run(filters, () => {
        filters.filters = snapshot;
        timeline.snapshots = store.list();
      });
    },
    { onError },
  );
  const probeFeed = createProbeFeed(
    source,
    (view, request) => {
      lastProbe = view;
      lastProbeDrawn = request.drawn != null;
      const drawn = lastProbeDrawn && selection.drawn;
      viewFrames.run(maps, () => (maps.probe = view));
      viewFrames.run(predictions, () => {
        predictions.probe = view;
        pad.probabilities = drawn ? view.probabilities.subarray((view.count - 1) * view.classes) : null;
      });
    },
    { onError, restFactor: budget.join(wanted.probe) },
  );
  const healthFeed = createHealthFeed(
    source,
    (view) => viewFrames.run(health, () => (health.health = view)),
    { onError, restFactor: budget.join(wanted.health) },
  );

  const updateSelection = (dataset: Dataset | null) => {
    const pinned = Array.from(
      { length: Math.min(PINNED_TEST_IMAGES, dataset?.test.count ?? 0) },
      (_, i) => i,
    );
    const picked = chosen !== null && !pinned.includes(chosen) ? [chosen] : [];
    const room = PROBE_MAX - (selection.drawn ? 1 : 0);
    selection = { testIndices: [...picked, ...pinned].slice(0, room), drawn: selection.drawn ?? null };
  };
  const requestAll = () => {
    if (!session.trainer) return;
    if (wanted.filters()) filtersFeed.request();
    if (wanted.probe()) probeFeed.request(selection);
    if (wanted.health()) healthFeed.request();
    if (open(panels.confusion)) showEvaluation();
  };
  const showEvaluation = () => {
    const shown = evaluation;
    if (confusion.evaluation !== shown) viewFrames.run(confusion, () => (confusion.evaluation = shown));
  };

  session.addEventListener('chunk', requestAll);
  session.addEventListener('trainer', () => {
    const dataset = session.dataset;
    const names = dataset?.classNames ?? null;
    for (const view of [maps, predictions, pad, confusion]) view.classNames = names;
    confusion.testLabels = dataset?.test.labels ?? null;
    const pixels = dataset ? dataset.imageWidth * dataset.imageHeight : 0;
    confusion.testImage = (i) =>
      dataset && i >= 0 && i < dataset.test.count
        ? {
            width: dataset.imageWidth,
            height: dataset.imageHeight,
            bytes: dataset.test.images.subarray(i * pixels, (i + 1) * pixels),
          }
        : null;
    if (!session.trainer) return;
    // Another run (fresh, or opened from a file) keeps none of the last one's filter snapshots.
    if (session.trainer.totalSteps === 0 || session.trainer !== timelineRun) store.clear();
    timelineRun = session.trainer;
    updateSelection(dataset);
    requestAll();
  });
  session.addEventListener('evaluation', (event) => {
    const { result, step } = (event as CustomEvent<EvaluationEvent>).detail;
    evaluation = toEvaluationView(result, step, session.dataset?.classNames.length ?? 10);
    if (open(panels.confusion)) showEvaluation();
  });
  // A feed whose panels all closed or scrolled away drops the read it was waiting to start.
  const dropHidden = () => {
    if (!wanted.filters()) filtersFeed.drop();
    if (!wanted.probe()) probeFeed.drop();
    if (!wanted.health()) healthFeed.drop();
  };
  const onPanels = () => {
    dropHidden();
    requestAll();
  };
  shell.addEventListener('cs-panel-toggle', onPanels);
  shell.addEventListener('cs-panel-visible', onPanels);
  shell.addEventListener('cs-test-image-select', (event) => {
    chosen = (event as CustomEvent<{ testIndex: number }>).detail.testIndex;
    updateSelection(session.dataset);
    maps.selected = 0;
    probeFeed.request(selection, true);
  });
  predictions.addEventListener('cs-image-select', (event) => {
    maps.selected = (event as CustomEvent<{ index: number }>).detail.index;
  });
  pad.addEventListener('cs-digit', (event) => {
    selection = { ...selection, drawn: (event as CustomEvent<DigitDetail>).detail.input };
    updateSelection(session.dataset);
    probeFeed.request(selection, true);
  });
  pad.addEventListener('cs-digit-clear', () => {
    selection = { ...selection, drawn: null };
    pad.probabilities = null;
    // A probe still waiting for its frame would bring the guess back: it shows without it.
    const shown = lastProbe;
    if (shown) {
      viewFrames.run(predictions, () => {
        predictions.probe = shown;
        pad.probabilities = null;
      });
    }
    probeFeed.request(selection, true);
  });

  return {
    filtersStep: () => (filters as FilterGridElement).filters?.step ?? null,
    featureMapLayers: () => lastProbe?.maps.map((m) => m.layerIndex) ?? [],
    drawnPrediction: () =>
      lastProbe && lastProbeDrawn && selection.drawn
        ? topClasses(lastProbe.probabilities, lastProbe.count - 1, lastProbe.classes)
        : null,
  };
}
