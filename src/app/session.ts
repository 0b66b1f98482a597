// The trainer app's controller (no DOM). On top of the run (run-control.ts: trainer, loop, curves,
// evaluations) and its safety net (run-recovery.ts: snapshots, autosave, a lost GPU device, NaN)
// it finds WebGPU (none: only the CPU backend), resumes an autosaved run at start-up
// (autosave-policy.ts decides which), makes fresh runs when the configuration changes, acts on the
// notices' buttons, and downloads and opens .convscope files (a file that does not fit leaves the
// run untouched). Publishes SessionState. Events: 'state', 'config' (into the URL), 'chunk' (steps
// finished; the feeds read then), 'trainer' (a new Trainer, backend or position), 'evaluation'.

import type { Trainer } from '../model/trainer.ts';
import { offeredText, planStart, resumedText } from './autosave-policy.ts';
import { adapterName, isSoftwareAdapter } from './backends.ts';
import { readCheckpointFile } from './checkpoint-files.ts';
import type { RestorePoint } from './persistence.ts';
import { message } from './run-control.ts';
import { RunHistory } from './run-history.ts';
import { readyStatus, RecoveringRun } from './run-recovery.ts';
import type { NoticeAction } from './session-state.ts';
import type { RunConfig } from './url-state.ts';

export type { EvaluationEvent, SessionOptions } from './session-state.ts';

export class Session extends RecoveringRun {
  /** An autosave of another run, not resumed at start-up, that the person may still resume. */
  private offered: RestorePoint | null = null;

  /** Finds WebGPU (else the CPU backend), resumes the autosaved run if it is this one, or builds a fresh run. */
  async start(): Promise<void> {
    const saved = this.persistence.load();
    await this.openGpu();
    const loaded = await saved;
    const savedConfig = loaded.status === 'restored' ? loaded.record.config : null;
    const gpuReady = this.current.gpu.state === 'ready';
    const plan = planStart(savedConfig, this.current.config, this.options.urlNamesRun ?? true, gpuReady);
    if (plan.kind === 'restore') this.updateConfig(plan.config);
    const trainer = await this.rebuild();
    if (loaded.status === 'unreadable' || loaded.status === 'unavailable') this.notice(loaded.message);
    if (loaded.status !== 'restored') return;
    const { record, checkpoint } = loaded;
    const { config, history, savedAt } = record;
    const point: RestorePoint = { snapshot: checkpoint, history, config, savedAt };
    if (plan.kind === 'offer') {
      this.offered = point;
      const actions = [{ action: 'restore-autosave' as const, label: 'Resume it' }];
      this.notice(offeredText(config, checkpoint.step, savedAt), { key: 'resume', actions });
    } else if (trainer) {
      await this.resume(trainer, point);
    }
  }

  /** A fresh run with the current configuration (seeded: the same run again); the autosave is forgotten. */
  async reset(): Promise<void> {
    await this.rebuild();
    await this.persistence.clear();
  }

  /** Changes the seed, backend, dataset or network: each makes a fresh run (and forgets the autosave). */
  async reconfigure(
    changes: Partial<Pick<RunConfig, 'seed' | 'backend' | 'dataset' | 'spec'>>,
  ): Promise<void> {
    this.updateConfig(structuredClone(changes));
    await this.rebuild();
    await this.persistence.clear();
  }

  /** A notice's button was pressed: the notice goes and its action runs. */
  async noticeAction(index: number, action: NoticeAction): Promise<void> {
    this.dismissNotice(index);
    if (action === 'start-fresh') return this.reset();
    if (action === 'restore-snapshot') return this.restoreLastSnapshot();
    const point = this.offered;
    this.offered = null;
    if (!point) return;
    const gpuReady = this.current.gpu.state === 'ready';
    this.updateConfig({ ...structuredClone(point.config), backend: gpuReady ? point.config.backend : 'cpu' });
    const trainer = await this.rebuild();
    if (trainer) await this.resume(trainer, point);
  }

  /** The current run as a .convscope file (bytes and name), or null with a notice saying why not. */
  async checkpointFile(): Promise<{ bytes: Uint8Array; fileName: string } | null> {
    try {
      return await this.persistence.checkpointFile(this.current.config.dataset);
    } catch (error) {
      this.notice(`Could not download the run: ${message(error)}`, { tone: 'error', key: 'file' });
      return null;
    }
  }

  /**
   * Replaces the run by the checkpoint in `file` (its network goes into the editor and the URL; the
   * dataset stays), after checking all of it and building the new run beside the current one;
   * anything wrong leaves the current run as it was and says what. Returns whether it was opened.
   */
  async openCheckpoint(file: Blob): Promise<boolean> {
    const dataset = this.dataset;
    const fail = (text: string) => (this.notice(text, { tone: 'error', key: 'file' }), false);
    if (!dataset || !['ready', 'training'].includes(this.current.phase)) {
      return fail('Could not open a checkpoint now: wait until the run is ready.');
    }
    const read = await readCheckpointFile(file);
    if (!read.ok) return fail(read.message);
    const { checkpoint, fileName } = read;
    const { spec, seed, batch, step } = checkpoint;
    const config: RunConfig = {
      ...this.current.config,
      spec,
      seed,
      batch,
      optimizer: { ...checkpoint.optimizer },
    };
    let trainer: Trainer | null = null;
    try {
      trainer = await this.makeTrainer(config, dataset);
      await trainer.restore(checkpoint);
    } catch (error) {
      trainer?.destroy();
      return fail(`Could not open ${fileName}: ${message(error)}`);
    }
    const history = RunHistory.startingAt({ trainCount: dataset.train.count }, step, step * batch);
    await this.swapIn(trainer, config, history);
    this.persistence.begin({ snapshot: checkpoint, history: history.toData(), config, savedAt: null }, false);
    this.persistence.saveNow(); // a reload now resumes the opened run
    this.set({ restored: { from: 'upload', step, savedAt: null, fileName } });
    const what = `${spec.name ?? 'its network'} at step ${step}`;
    this.notice(`Opened ${fileName}: ${what}. Press Train to go on.`, { key: 'file' });
    return true;
  }

  async destroy(): Promise<void> {
    this.generation++;
    await this.stopLoop();
    this.trainerNow?.destroy();
    this.trainerNow = null;
    this.gpus.release();
  }

  /** Replaces the current run by `trainer` (made and restored by the caller), with `config`. */
  private async swapIn(trainer: Trainer, config: RunConfig, history: RunHistory): Promise<void> {
    this.generation++;
    await this.stopLoop();
    await this.evaluator.inFlight;
    this.trainerNow?.destroy();
    this.trainerNow = trainer;
    this.dropNotices(['resume', 'nan']);
    this.updateConfig(structuredClone(config));
    this.history = history;
    this.evaluator.reset();
    this.publishRun(trainer);
  }

  /** Puts the freshly built `trainer` at an autosave and says so, with a way back to a fresh run. */
  private async resume(trainer: Trainer, point: RestorePoint): Promise<void> {
    try {
      await this.restoreRun(trainer, point);
    } catch (error) {
      const text = `The autosaved run could not be resumed (${message(error)}); this is a fresh run.`;
      return this.notice(text, { tone: 'error', key: 'resume' });
    }
    const { step } = point.snapshot;
    const savedAt = point.savedAt ?? Date.now();
    this.persistence.begin(point, true);
    this.set({ restored: { from: 'autosave', step, savedAt, fileName: null } });
    const actions = [{ action: 'start-fresh' as const, label: 'Start fresh' }];
    this.notice(resumedText(step, savedAt), { key: 'resume', actions });
  }

  private async openGpu(): Promise<void> {
    try {
      const gpu = await this.gpus.open();
      this.set({ gpu: readyStatus(gpu) });
      if (isSoftwareAdapter(gpu) && !this.options.backendChosen && this.current.config.backend === 'gpu') {
        this.updateConfig({ backend: 'cpu' });
        this.notice(
          `WebGPU here runs on a software adapter (${adapterName(gpu)}), far slower than the CPU backend, so the run starts on the CPU. Pick GPU in the header to compare.`,
        );
      }
    } catch (error) {
      this.set({ gpu: { state: 'unavailable', message: message(error) } });
      if (this.current.config.backend === 'gpu') {
        this.updateConfig({ backend: 'cpu' }); // the banner (gpu state 'unavailable') says why
      }
    }
  }
}
