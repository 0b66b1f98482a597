// Saves and restores through the Session in Node (CPU backend, small seeded dataset, in-memory
// autosave store): a paused run is saved and a new page resumes it exactly (position, parameters,
// optimizer state, curves: the next steps give the same losses), Start fresh forgets it, a link to
// another run only offers it, a bare address resumes it; download gives the run's file, and
// opening a sound file replaces the run while a corrupt or mismatched one leaves it untouched.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/app/session.ts';
import { decodeSpec, encodeSpec } from '../../src/app/spec-codec.ts';
import { defaultConfig, type RunConfig } from '../../src/app/url-state.ts';
import { decodeCheckpoint } from '../../src/model/checkpoint.ts';
import { sampleCheckpointBytes } from './sample-checkpoint.ts';
import { MemoryStore, smallDataset, smallRunConfig, until, type SessionOptions } from './session-fakes.ts';

const dataset = smallDataset(311, 57);

const config = smallRunConfig;

async function startSession(
  store: MemoryStore | null,
  changes: Partial<RunConfig> = {},
  options: SessionOptions = {},
) {
  const session = new Session(config(changes), {
    loadDataset: async () => dataset,
    createGpu: async () => {
      throw new Error('no WebGPU here');
    },
    evalSchedule: { minIntervalMs: 0, initialSubset: 40 },
    autosaveStore: store,
    ...options,
  });
  await session.start();
  return session;
}

/** Trains until at least `steps` steps, pauses, and waits for the pause's save. */
async function trainAndPause(session: Session, steps: number) {
  session.train();
  await until(session, () => session.state.progress.totalSteps >= steps);
  await session.pause();
  await until(session, () => session.state.saves.savedStep === session.trainer?.totalSteps);
}

async function nextLosses(session: Session, count: number): Promise<number[]> {
  const losses: number[] = [];
  for (let i = 0; i < count; i++) {
    await session.stepOnce();
    losses.push(session.history.train.at(-1)!.loss);
  }
  return losses;
}

describe('Session autosave', () => {
  it('resumes a saved run exactly on the next page, says so, and Start fresh forgets it', async () => {
    const store = new MemoryStore();
    const first = await startSession(store);
    expect(first.state.saves).toEqual({ enabled: true, savedStep: null, savedAt: null, error: null });
    first.setOptimizer({ kind: 'adam', learningRate: 0.003 });
    await trainAndPause(first, 30);
    const saved = first.trainer!.totalSteps;
    const curves = first.history.toData();
    const parameters = await first.trainer!.getParameters();

    const optimizer = { ...defaultConfig().optimizer, kind: 'adam' as const, learningRate: 0.003 };
    const second = await startSession(store, { optimizer });
    const trainer = second.trainer!;
    expect([trainer.totalSteps, trainer.epoch, trainer.stepInEpoch]).toEqual([
      saved,
      first.trainer!.epoch,
      first.trainer!.stepInEpoch,
    ]);
    expect(await trainer.getParameters()).toEqual(parameters);
    expect(second.history.toData()).toEqual(curves);
    expect(second.state.progress.totalSteps).toBe(saved);
    expect(second.state.restored).toMatchObject({ from: 'autosave', step: saved, fileName: null });
    expect(second.state.saves.savedStep).toBe(saved);
    const notice = second.state.notices.find((n) => n.key === 'resume')!;
    expect(notice.text).toMatch(
      new RegExp(`^Resumed from step ${saved} \\(saved \\d\\d:\\d\\d:\\d\\d\\)\\.$`),
    );
    expect(notice.actions).toEqual([{ action: 'start-fresh', label: 'Start fresh' }]);
    // The same next batches from the same state: the same losses, to the bit.
    expect(await nextLosses(second, 3)).toEqual(await nextLosses(first, 3));

    await second.noticeAction(second.state.notices.indexOf(notice), 'start-fresh');
    expect([second.trainer!.totalSteps, second.state.restored, second.history.train.length]).toEqual([
      0,
      null,
      0,
    ]);
    expect(store.data.size).toBe(0);
    expect(second.state.notices.some((n) => n.key === 'resume')).toBe(false);
    await Promise.all([first.destroy(), second.destroy()]);
  });

  it("applies the URL's newer learning rate to the resumed run", async () => {
    const store = new MemoryStore();
    const first = await startSession(store);
    await trainAndPause(first, 5);
    const optimizer = { ...defaultConfig().optimizer, learningRate: 0.0125 };
    const second = await startSession(store, { optimizer });
    expect(second.trainer!.optimizer.learningRate).toBe(0.0125);
    expect(second.trainer!.totalSteps).toBe(first.trainer!.totalSteps);
    await Promise.all([first.destroy(), second.destroy()]);
  });

  it('only offers the saved run to a link naming another run; a bare address resumes it', async () => {
    const store = new MemoryStore();
    const first = await startSession(store, { seed: 5 });
    await trainAndPause(first, 8);
    const saved = first.trainer!.totalSteps;

    const other = await startSession(store, { seed: 6 });
    expect([other.trainer!.totalSteps, other.state.restored]).toEqual([0, null]);
    const offer = other.state.notices.find((n) => n.key === 'resume')!;
    expect(offer.text).toMatch(/^An autosaved run \(c3x4r\.m2\.f12r\.k10 on MNIST, seed 5, step \d+, saved/);
    await other.noticeAction(other.state.notices.indexOf(offer), 'restore-autosave');
    expect([other.state.config.seed, other.trainer!.totalSteps]).toEqual([5, saved]);
    expect(other.state.restored?.from).toBe('autosave');

    // A bare address: the defaults (lenet5, seed 1) give way to the saved run.
    const bare = await startSession(store, { spec: decodeSpec('lenet5'), seed: 1 }, { urlNamesRun: false });
    expect(encodeSpec(bare.state.config.spec)).toBe('c3x4r.m2.f12r.k10');
    expect([bare.state.config.seed, bare.trainer!.totalSteps]).toEqual([5, saved]);
    await Promise.all([first.destroy(), other.destroy(), bare.destroy()]);
  });

  it('Reset and a new network forget the autosave', async () => {
    const store = new MemoryStore();
    const session = await startSession(store);
    await trainAndPause(session, 3);
    expect(store.data.size).toBe(1);
    await session.reset();
    expect(store.data.size).toBe(0);
    await trainAndPause(session, 3);
    await session.reconfigure({ spec: decodeSpec('c5x3r.m2.k10') });
    expect([store.data.size, session.state.saves.savedStep]).toEqual([0, null]);
    await session.destroy();
  });
});

describe('Session checkpoint files', () => {
  /** A run of another network, `steps` steps in, and its file. */
  async function otherRunFile(steps: number) {
    const other = await startSession(null, { spec: decodeSpec('c5x3r.m2.k10'), seed: 9 });
    for (let i = 0; i < steps; i++) await other.stepOnce();
    const file = (await other.checkpointFile())!;
    return { other, file };
  }

  it('downloads the run as a .convscope file named after it', async () => {
    const { other, file } = await otherRunFile(4);
    expect(file.fileName).toBe('convscope-c5x3r-m2-k10-mnist-step4.convscope');
    expect(decodeCheckpoint(file.bytes)).toMatchObject({ step: 4, seed: 9, batch: 13 });
    await other.destroy();
  });

  it('leaves a training run untouched when the file is corrupt or for another input', async () => {
    const { other, file } = await otherRunFile(2);
    const session = await startSession(null);
    await session.stepOnce();
    const trainer = session.trainer!;
    const stepsBefore = trainer.totalSteps;
    session.train();
    const corrupt = file.bytes.slice();
    corrupt[corrupt.length - 5] ^= 0x40;
    expect(
      await session.openCheckpoint(new File([corrupt as Uint8Array<ArrayBuffer>], 'run.convscope')),
    ).toBe(false);
    expect(session.state.notices.at(-1)).toMatchObject({ tone: 'error', key: 'file' });
    expect(session.state.notices.at(-1)!.text).toMatch(/^Could not open run\.convscope: .*checksum/);
    const tiny = new File([sampleCheckpointBytes() as Uint8Array<ArrayBuffer>], 'tiny.convscope');
    expect(await session.openCheckpoint(tiny)).toBe(false);
    expect(session.state.notices.at(-1)!.text).toMatch(/^Could not open tiny\.convscope: .*8x8/);
    expect(session.state.phase).toBe('training');
    await session.pause();
    expect(session.trainer).toBe(trainer);
    expect(encodeSpec(session.state.config.spec)).toBe('c3x4r.m2.f12r.k10');
    expect(session.state.restored).toBeNull();
    // Training went on from where it was, every step reported.
    expect(trainer.totalSteps).toBeGreaterThan(stepsBefore);
    expect(session.history.totalSteps).toBe(trainer.totalSteps);
    await Promise.all([other.destroy(), session.destroy()]);
  });

  it('replaces the run by a sound file, which then goes on exactly as it would have', async () => {
    const { other, file } = await otherRunFile(4);
    const store = new MemoryStore();
    const session = await startSession(store);
    await session.stepOnce();
    const configs: RunConfig[] = [];
    session.addEventListener('config', (e) => configs.push((e as CustomEvent<RunConfig>).detail));
    expect(
      await session.openCheckpoint(new File([file.bytes as Uint8Array<ArrayBuffer>], file.fileName)),
    ).toBe(true);
    expect(encodeSpec(configs.at(-1)!.spec)).toBe('c5x3r.m2.k10');
    expect([
      session.state.config.seed,
      session.trainer!.totalSteps,
      session.state.progress.totalSteps,
    ]).toEqual([9, 4, 4]);
    expect(session.state.restored).toEqual({
      from: 'upload',
      step: 4,
      savedAt: null,
      fileName: file.fileName,
    });
    expect(session.state.notices.at(-1)!.text).toBe(
      `Opened ${file.fileName}: its network at step 4. Press Train to go on.`,
    );
    expect(await nextLosses(session, 2)).toEqual(await nextLosses(other, 2));
    await until(session, () => session.state.saves.savedStep === 6);
    await Promise.all([other.destroy(), session.destroy()]);
  });
});
