// Builds the read-only AppTestState (test-hook.ts) that the page exposes as window.convscope for
// end-to-end tests, from the session, the shell's layer editor and the mounted views. Reads only;
// tests act through the UI, except loseDevice() (a lost GPU device cannot be caused from the UI).

import type { AppShell } from '../ui/app-shell.ts';
import type { Session } from './session.ts';
import type { AppTestState, ConvscopeHook } from './test-hook.ts';
import type { MountedViews } from './views.ts';

export function testState(session: Session, shell: AppShell, views: MountedViews | null): AppTestState {
  const s = session.state;
  const editor = shell.layerEditor;
  const draft = editor?.draftSpec ?? s.config.spec;
  const history = session.history;
  const testAt = (step: number) => {
    const before = history.test.filter((t) => t.step <= step);
    return before.length > 0 ? before[before.length - 1].accuracy : null;
  };
  const training =
    s.phase === 'training' || s.phase === 'stopping'
      ? 'running'
      : s.phase === 'error'
        ? 'error'
        : history.totalSteps > 0
          ? 'paused'
          : 'idle';
  return {
    webgpu: s.gpu.state === 'checking' ? 'checking' : s.gpu.state === 'ready' ? 'ready' : 'unavailable',
    backend: s.config.backend,
    dataset: {
      name: s.config.dataset,
      status: s.loading ? 'loading' : session.dataset ? 'ready' : s.phase === 'error' ? 'error' : 'loading',
      message: session.dataset ? null : s.error,
    },
    spec: { name: draft.name ?? null, layers: draft.layers.length, error: editor?.firstProblem ?? null },
    training,
    error: s.error ?? s.notices.find((n) => n.tone === 'error')?.text ?? null,
    notices: s.notices.map((n) => n.text),
    epoch: s.progress.epoch,
    step: history.totalSteps,
    history: history.train.map((p) => ({
      step: p.step,
      loss: p.loss,
      trainAccuracy: p.accuracy,
      testAccuracy: testAt(p.step),
    })),
    testAccuracy: s.metrics.testAccuracy,
    imagesPerSecond: s.progress.imagesPerSecond > 0 ? s.progress.imagesPerSecond : null,
    filtersStep: views?.filtersStep() ?? null,
    featureMapLayers: views?.featureMapLayers() ?? [],
    drawnPrediction: views?.drawnPrediction() ?? null,
    restoredFrom: s.restored?.from ?? null,
    autosave: { savedStep: s.saves.savedStep, error: s.saves.error },
    gpuDevices: session.gpuDevicesOpened,
  };
}

export function installTestHook(session: Session, shell: AppShell, views: MountedViews | null): void {
  const hook: ConvscopeHook = {
    state: () => testState(session, shell, views),
    loseDevice: () => {
      const gpu = session.gpu;
      gpu?.destroy();
      return gpu !== null;
    },
  };
  window.convscope = hook;
}
