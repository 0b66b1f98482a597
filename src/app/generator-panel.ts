// Mounts the "Generator" panel: <cs-generator-view> and its GeneratorController, trained on the
// session's dataset while the panel is open (not collapsed) and Train is on: a job the person
// started, so scrolling the panel away does not pause it, but closing it does. The model is made
// by generator-backends.ts for the session's backend as it is when the model is built. Touches the
// DOM to create the element; owns no GPU objects.

import '../ui/generator-view.ts';
import type { ViewPanel } from '../ui/view-panel.ts';
import { GeneratorController } from './generator-controller.ts';
import { generatorFactory } from './generator-backends.ts';
import type { LatentWalk } from './generator-view-types.ts';
import type { Session } from './session.ts';

type MakePanel = (heading: string, child: HTMLElement, wide?: boolean, note?: string) => ViewPanel;

export function mountGeneratorPanel(session: Session, panel: MakePanel): ViewPanel {
  const element = document.createElement('cs-generator-view');
  const frame = panel('Generator', element, true, 'a conditional VAE that draws digits from labels');
  const controller = new GeneratorController(
    () => generatorFactory(session.state.config.backend, session.gpu),
    (view) => (element.view = view),
  );
  controller.setShown(frame.open);
  frame.addEventListener('cs-panel-toggle', () => controller.setShown(frame.open));
  session.addEventListener('trainer', () => {
    element.classNames = session.dataset?.classNames ?? null;
    controller.setDataset(session.dataset);
  });
  element.addEventListener('cs-generator-train', (event) => {
    controller.setTraining((event as CustomEvent<{ train: boolean }>).detail.train);
  });
  element.addEventListener('cs-generator-walk', (event) => {
    controller.setWalk((event as CustomEvent<LatentWalk>).detail);
  });
  addEventListener('pagehide', () => controller.destroy());
  return frame;
}
