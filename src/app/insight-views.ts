// Mounts the panels of what the network has learned: "Class visualisation" (<cs-dreams-view> fed
// by DreamsFeed: a run on demand, or following training) and "Saliency" (<cs-saliency-view> fed by
// SaliencyFeed: the drawn digit, a test image picked in the predictions, feature maps or
// confusion matrix, or stepped through with the panel's arrows). Both share one InsightSource (the
// engines of the run's backend). Their feeds are asked only while their panel is open and on
// screen, and rest as the views' shared budget says (feeds/budget.ts). Their elements take new
// data through viewFrames (one view per frame, as views.ts).
// Touches the DOM to create the elements; owns no GPU objects.

import type { DigitDetail } from '../ui/draw-pad.ts';
import '../ui/dreams-view.ts';
import '../ui/saliency-view.ts';
import { viewFrames } from '../ui/frame-queue.ts';
import type { ViewPanel } from '../ui/view-panel.ts';
import { className } from '../viz/classification.ts';
import type { DreamTarget } from './dream-view-types.ts';
import type { ViewBudget } from './feeds/budget.ts';
import { DreamsFeed } from './feeds/dreams.ts';
import { SaliencyFeed, type SaliencySubject } from './feeds/saliency.ts';
import { InsightSource } from './insight-engines.ts';
import type { Session } from './session.ts';

export interface InsightPanels {
  dreams: ViewPanel;
  saliency: ViewPanel;
}

type MakePanel = (heading: string, child: HTMLElement, wide?: boolean, note?: string) => ViewPanel;

/** As views.ts: reads on a replaced run or a lost device fail by design; anything else is worth a warning. */
function onError(error: unknown): void {
  const { name, message } = (error ?? {}) as Error;
  if (name !== 'AbortError' && !/destroyed/.test(String(message))) console.warn('insight view:', error);
}

export function mountInsightViews(
  shell: HTMLElement,
  session: Session,
  panel: MakePanel,
  budget: ViewBudget,
): InsightPanels {
  const dreams = document.createElement('cs-dreams-view');
  const saliency = document.createElement('cs-saliency-view');
  const panels = {
    dreams: panel('Class visualisation', dreams, true, 'what the network sees as each class'),
    saliency: panel('Saliency', saliency, false, 'which pixels drove the prediction'),
  };
  const shown = (p: ViewPanel) => p.open && p.visible;
  const source = new InsightSource(
    () => session.trainer?.backend ?? null,
    () => session.gpu,
  );
  const dreamsFeed: DreamsFeed = new DreamsFeed(
    source,
    () => session.trainer?.totalSteps ?? null,
    (view) => viewFrames.run(dreams, () => (dreams.dreams = view)),
    () => shown(panels.dreams),
    { onError, restFactor: budget.join(() => shown(panels.dreams) && dreamsFeed.working) },
  );
  let drawn: Float32Array | null = null;
  const describe = (subject: SaliencySubject) => {
    if (subject.kind === 'drawn') return 'the drawn digit';
    const dataset = session.dataset;
    const label = dataset?.test.labels[subject.index];
    const what = label === undefined ? '' : `, a ${className(dataset?.classNames ?? null, label)}`;
    return `test image ${subject.index}${what}`;
  };
  // The words follow the maps shown, so they never name an image whose maps are not there yet.
  const saliencyFeed = new SaliencyFeed(
    source,
    () => session.dataset,
    (view, subject) => {
      const words = describe(subject);
      viewFrames.run(saliency, () => {
        saliency.saliency = view;
        saliency.subject = words;
      });
    },
    { onError, restFactor: budget.join(() => shown(panels.saliency)) },
  );
  const explain = (subject: SaliencySubject) => {
    if (subject.kind === 'test') saliency.testIndex = subject.index; // the arrows step from the latest pick
    saliencyFeed.setSubject(subject, shown(panels.saliency));
  };

  session.addEventListener('chunk', () => {
    if (shown(panels.dreams)) dreamsFeed.afterChunk();
    if (shown(panels.saliency)) saliencyFeed.afterChunk();
  });
  session.addEventListener('trainer', () => {
    const layers = session.trainer?.backend.description.layers ?? [];
    dreams.filterLayers = layers.flatMap((d, i) => (d.kind === 'conv' ? [[i, d.label] as const] : []));
    const target = dreams.target;
    if (target.kind === 'filters' && layers[target.layerIndex]?.kind !== 'conv')
      dreams.target = { kind: 'classes' };
    const names = session.dataset?.classNames ?? null;
    dreams.classNames = names;
    saliency.classNames = names;
    if (!saliencyFeed.current && session.dataset) explain({ kind: 'test', index: 0 });
    dreamsFeed.poke();
    if (shown(panels.saliency)) saliencyFeed.refresh();
  });
  const onShow = () => {
    dreamsFeed.poke();
    if (shown(panels.saliency)) saliencyFeed.show();
    else saliencyFeed.drop();
  };
  shell.addEventListener('cs-panel-toggle', onShow);
  shell.addEventListener('cs-panel-visible', onShow);
  dreams.addEventListener('cs-dreams-restart', (event) => {
    dreamsFeed.restart((event as CustomEvent<{ start: 'grey' | 'noise' }>).detail.start);
  });
  dreams.addEventListener('cs-dreams-target', (event) => {
    dreamsFeed.setTarget((event as CustomEvent<{ target: DreamTarget }>).detail.target);
  });
  dreams.addEventListener('cs-dreams-follow', (event) => {
    dreamsFeed.following = (event as CustomEvent<{ follow: boolean }>).detail.follow;
    dreams.following = dreamsFeed.following;
  });
  shell.addEventListener('cs-digit', (event) => {
    drawn = (event as CustomEvent<DigitDetail>).detail.input;
    saliency.hasDrawn = true;
    explain({ kind: 'drawn', image: drawn });
  });
  shell.addEventListener('cs-digit-clear', () => {
    drawn = null;
    saliency.hasDrawn = false;
  });
  const pickTest = (testIndex: number | null) =>
    testIndex !== null && explain({ kind: 'test', index: testIndex });
  shell.addEventListener('cs-test-image-select', (event) => {
    pickTest((event as CustomEvent<{ testIndex: number }>).detail.testIndex);
  });
  shell.addEventListener('cs-image-select', (event) => {
    const { testIndex } = (event as CustomEvent<{ testIndex: number | null }>).detail;
    if (testIndex === null && drawn) explain({ kind: 'drawn', image: drawn });
    else pickTest(testIndex);
  });
  saliency.addEventListener('cs-saliency-subject', (event) => {
    const detail = (event as CustomEvent<{ kind: 'test'; index: number } | { kind: 'drawn' }>).detail;
    if (detail.kind === 'drawn') {
      if (drawn) explain({ kind: 'drawn', image: drawn });
    } else if (detail.index >= 0 && detail.index < (session.dataset?.test.count ?? 0)) explain(detail);
  });
  return panels;
}
