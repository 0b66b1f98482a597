// Entry of the trainer app (index.html): reads the run configuration from the URL, starts the
// Session (which finds WebGPU, loads the dataset and builds the run), shows it in <cs-app-shell>,
// turns the shell's cs- events into session calls and keeps the URL in step with the
// configuration (replaceState, so sharing the address shares the run). Downloads of the run go
// through a link here (the session has no DOM). The live views are mounted by views.ts; the test
// hook for end-to-end tests by test-hook-state.ts.

import { downloadCheckpoint } from './app/checkpoint-files.ts';
import type { NoticeAction } from './app/session-state.ts';
import { Session } from './app/session.ts';
import { installTestHook } from './app/test-hook-state.ts';
import { mountViews } from './app/views.ts';
import { configFromQuery, configToQuery, type BackendKind } from './app/url-state.ts';
import type { DatasetName } from './data/dataset.ts';
import type { OptimizerSettings } from './model/backend.ts';
import type { NetworkSpec } from './model/spec.ts';
import type { AppShell } from './ui/app-shell.ts';
import './ui/app-shell.ts';
import { applyTheme } from './ui/theme.ts';

function start(): void {
  applyTheme();
  const shell = document.querySelector('cs-app-shell');
  if (!shell) throw new Error('index.html lacks <cs-app-shell>');
  const parsed = configFromQuery(location.search);
  const session = new Session(parsed.config, {
    notices: parsed.problems,
    backendChosen: parsed.given.includes('backend'),
    // A bare address names no run: the latest autosave is resumed, whatever it was.
    urlNamesRun: parsed.given.length > 0,
  });
  const show = () => {
    shell.state = session.state;
    shell.history = session.history;
  };
  session.addEventListener('state', show);
  session.addEventListener('config', () => {
    history.replaceState(null, '', `${location.pathname}?${configToQuery(session.state.config)}`);
  });
  show();
  wireControls(shell, session);
  if (parsed.rejectedSpec) {
    const rejected = parsed.rejectedSpec;
    void shell.updateComplete.then(() => shell.showDraft(rejected));
  }
  void session
    .start()
    .then(() =>
      history.replaceState(null, '', `${location.pathname}?${configToQuery(session.state.config)}`),
    );
  const views = mountViews(shell, session);
  installTestHook(session, shell, views);
  // A closed tab must not leave the GPU busy with its queued work (a software GPU takes seconds).
  addEventListener('pagehide', (event) => event.persisted || void session.destroy());
  Object.assign(window, { convscopeSession: session });
}

type Detail<T> = CustomEvent<T>;

function wireControls(shell: AppShell, session: Session): void {
  const on = <T>(name: string, act: (detail: T) => void) =>
    shell.addEventListener(name, (event) => act((event as Detail<T>).detail));
  on('cs-train', () => session.train());
  on('cs-pause', () => void session.pause());
  on('cs-step', () => void session.stepOnce());
  on('cs-reset', () => void session.reset());
  on('cs-evaluate-full', () => void session.evaluateFullTest());
  on<{ index: number }>('cs-dismiss-notice', ({ index }) => session.dismissNotice(index));
  on<{ index: number; action: NoticeAction }>('cs-notice-action', ({ index, action }) => {
    void session.noticeAction(index, action);
  });
  on('cs-download', () => {
    void session.checkpointFile().then((file) => file && downloadCheckpoint(file.bytes, file.fileName));
  });
  on<{ file: File }>('cs-open-checkpoint', ({ file }) => void session.openCheckpoint(file));
  on<{ spec: NetworkSpec }>('cs-spec-apply', ({ spec }) => void session.reconfigure({ spec }));
  on<{ dataset: DatasetName }>('cs-dataset-change', ({ dataset }) => void session.reconfigure({ dataset }));
  on<{ backend: BackendKind }>('cs-backend-change', ({ backend }) => void session.reconfigure({ backend }));
  on<{ seed: number }>('cs-seed-change', ({ seed }) => void session.reconfigure({ seed }));
  on<{ changes: Partial<OptimizerSettings> }>('cs-optimizer-change', ({ changes }) => {
    const refused = session.setOptimizer(changes);
    const fields = Object.keys(changes);
    shell.refused = withRefusal(shell.refused, fields, refused);
  });
  on<{ batch: number }>('cs-batch-change', ({ batch }) => {
    void session.setBatch(batch).then((refused) => {
      shell.refused = withRefusal(shell.refused, ['batch'], refused);
    });
  });
}

/** The refusals shown beside the training fields, with `fields` cleared or set to `message`. */
function withRefusal(
  current: Record<string, string>,
  fields: string[],
  message: string | null,
): Record<string, string> {
  const next = { ...current };
  for (const field of fields) delete next[field];
  if (message && fields.length > 0) next[fields[0]] = message;
  return next;
}

start();
