// The session end to end in Node on the CPU backend (no WebGPU here, no Worker: the plain
// CpuBackend) with a small seeded dataset: it falls back to the CPU with a notice, trains and
// pauses with every step reported, evaluates the test subset for the curves, steps one batch,
// changes the batch size and optimizer while training, rejects bad settings with a message,
// pauses on a non-finite loss, and Reset starts the same seeded run again.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/app/session.ts';
import { decodeSpec } from '../../src/app/spec-codec.ts';
import { defaultConfig, type RunConfig } from '../../src/app/url-state.ts';
import { smallDataset, smallRunConfig, until } from './session-fakes.ts';

const config = smallRunConfig;

async function startSession(changes: Partial<RunConfig> = {}) {
  const dataset = smallDataset(311, 57);
  const session = new Session(config(changes), {
    loadDataset: async () => dataset,
    createGpu: async () => {
      throw new Error('WebGPU is unavailable: no navigator.gpu');
    },
    evalSchedule: { minIntervalMs: 0, initialSubset: 40 },
  });
  await session.start();
  return session;
}

describe('Session', () => {
  it('falls back to the CPU without WebGPU, trains, pauses and reports every step', async () => {
    const session = await startSession();
    const s = session.state;
    expect(s.gpu).toEqual({ state: 'unavailable', message: 'WebGPU is unavailable: no navigator.gpu' });
    expect(s.config.backend).toBe('cpu');
    expect(s.notices).toEqual([]);
    expect(s.phase).toBe('ready');
    expect(s.progress.stepsPerEpoch).toBe(23);
    session.train();
    expect(session.state.phase).toBe('training');
    await until(session, () => session.state.progress.totalSteps >= 30);
    await session.pause();
    expect(session.state.phase).toBe('ready');
    const steps = session.state.progress.totalSteps;
    expect(session.trainer?.totalSteps).toBe(steps); // nothing submitted went unreported
    expect(session.history.epochs).toBeCloseTo((steps * 13) / 311, 10);
    await until(
      session,
      () => session.state.metrics.testAccuracy !== null && session.history.test.at(-1)?.step === steps,
    );
    // The first subset is 40; quick evaluations double it, up to the 57 test examples there are.
    expect(session.history.test[0].examples).toBe(40);
    expect(session.state.metrics.testExamples).toBe(57);
    expect(session.history.train.length).toBeGreaterThan(1);
    await session.destroy();
  });

  it('steps one batch, and Reset repeats the seeded run exactly', async () => {
    const session = await startSession();
    await session.stepOnce();
    await session.stepOnce();
    expect(session.state.progress.totalSteps).toBe(2);
    const losses = session.history.train.map((p) => p.loss);
    expect(losses).toHaveLength(2);
    await session.reset();
    expect(session.state.progress.totalSteps).toBe(0);
    expect(session.history.train).toHaveLength(0);
    await session.stepOnce();
    await session.stepOnce();
    expect(session.history.train.map((p) => p.loss)).toEqual(losses);
    await session.destroy();
  });

  it('changes optimizer and batch while training, and says why it rejects a bad value', async () => {
    const session = await startSession();
    const configs: RunConfig[] = [];
    session.addEventListener('config', (e) => configs.push((e as CustomEvent<RunConfig>).detail));
    session.train();
    await until(session, () => session.state.progress.totalSteps >= 5);
    expect(session.setOptimizer({ kind: 'adam', learningRate: 0.002 })).toBeNull();
    expect(session.trainer?.optimizer).toMatchObject({ kind: 'adam', learningRate: 0.002 });
    expect(session.setOptimizer({ learningRate: -1 })).toMatch(/learningRate/);
    expect(session.state.config.optimizer.learningRate).toBe(0.002);
    expect(await session.setBatch(7)).toBeNull();
    expect(session.trainer?.batch).toBe(7);
    const before = session.state.progress.totalSteps;
    await until(session, () => session.state.progress.totalSteps >= before + 5);
    expect(await session.setBatch(400)).toBe(
      'batch 400 is larger than the 311 training examples; use a batch of at most 311',
    );
    await session.pause();
    expect(configs.map((c) => [c.optimizer.kind, c.batch])).toEqual([
      ['adam', 13],
      ['adam', 7],
    ]);
    expect(session.trainer?.totalSteps).toBe(session.state.progress.totalSteps);
    await session.destroy();
  });

  it('pauses and says what to do when the loss stops being finite', async () => {
    const session = await startSession({ optimizer: { ...defaultConfig().optimizer, learningRate: 1e30 } });
    session.train();
    await until(session, () => session.state.phase === 'ready' && session.state.notices.length > 0);
    // Names the first bad layer (session-safety.test.ts checks the notice and its Restore button).
    expect(session.state.notices[0].text).toMatch(
      /^The loss became (NaN|Infinity) by step \d+ \(epoch 1\): layer \d .*; lower the learning rate or restore the last snapshot\.$/,
    );
    await session.destroy();
  });

  it('shows a build error and recovers when a valid network is applied', async () => {
    const session = await startSession();
    await session.reconfigure({ spec: decodeSpec('c29x4r.k10') });
    expect(session.state.phase).toBe('error');
    expect(session.state.error).toMatch(
      /^layer 1 \(conv 29x29 x4 relu\): its 29x29 kernel is larger than its 28x28 input/,
    );
    await session.reconfigure({ spec: decodeSpec('c5x3r.k10') });
    expect([session.state.phase, session.state.error]).toEqual(['ready', null]);
    expect(session.state.config.spec.layers).toHaveLength(2);
    await session.destroy();
  });
});
