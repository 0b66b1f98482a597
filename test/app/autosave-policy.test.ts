// The autosave decisions as pure logic: which runs are the same, which autosave a page resumes
// (URL that names the run, another run, a bare address) and with what configuration, when the
// scheduler asks for a snapshot (training time, step count, paused time, one in flight), and the
// notice texts.
import { describe, expect, it } from 'vitest';
import {
  clockTime,
  offeredText,
  planStart,
  resumedText,
  runLabel,
  sameRun,
  SaveScheduler,
} from '../../src/app/autosave-policy.ts';
import { decodeSpec } from '../../src/app/spec-codec.ts';
import { defaultConfig, type RunConfig } from '../../src/app/url-state.ts';

function config(changes: Partial<RunConfig> = {}): RunConfig {
  return { ...defaultConfig(), ...changes };
}

describe('sameRun', () => {
  it('compares dataset, network and seed, not hyper-parameters, backend or the network name', () => {
    const base = config();
    const lr = { ...base.optimizer, learningRate: 0.003, kind: 'adam' as const };
    expect(sameRun(base, config({ optimizer: lr, batch: 17, backend: 'cpu' }))).toBe(true);
    // lenet5 spelled as layers, without its name, is the same network.
    expect(sameRun(base, config({ spec: decodeSpec('c5x6p2r.m2.c5x16r.m2.f120r.f84r.k10') }))).toBe(true);
    expect(sameRun(base, config({ seed: 2 }))).toBe(false);
    expect(sameRun(base, config({ dataset: 'fashion-mnist' }))).toBe(false);
    expect(sameRun(base, config({ spec: decodeSpec('c5x6p2r.m2.c5x16r.m2.f120r.f83r.k10') }))).toBe(false);
  });
});

describe('planStart', () => {
  const saved = config({ seed: 7, batch: 32, backend: 'gpu' });

  it('starts fresh when nothing is saved', () => {
    expect(planStart(null, config(), true, true)).toEqual({ kind: 'fresh' });
  });

  it("resumes the run the URL names, with the URL's hyper-parameters and backend", () => {
    const optimizer = { ...saved.optimizer, learningRate: 0.01 };
    const url = config({ seed: 7, batch: 48, backend: 'cpu', optimizer, spec: decodeSpec('lenet5') });
    const plan = planStart(saved, url, true, true);
    expect(plan).toEqual({ kind: 'restore', config: { ...saved, optimizer, batch: 48, backend: 'cpu' } });
  });

  it('offers, but does not resume, a saved run of another configuration when the URL names one', () => {
    expect(planStart(saved, config({ seed: 8 }), true, true)).toEqual({ kind: 'offer' });
  });

  it('resumes whatever was saved at a bare address, on the CPU when the GPU is gone', () => {
    const bare = config({ seed: 1, batch: 64 });
    expect(planStart(saved, bare, false, true)).toEqual({ kind: 'restore', config: saved });
    expect(planStart(saved, bare, false, false)).toEqual({
      kind: 'restore',
      config: { ...saved, backend: 'cpu' },
    });
  });

  it('returns copies: changing the plan does not change the saved configuration', () => {
    const plan = planStart(saved, config(), false, true);
    if (plan.kind !== 'restore') throw new Error('expected a restore');
    plan.config.optimizer.learningRate = 9;
    plan.config.spec.layers.pop();
    expect(saved.optimizer.learningRate).toBe(defaultConfig().optimizer.learningRate);
    expect(saved.spec.layers).toHaveLength(7);
  });
});

describe('SaveScheduler', () => {
  it('asks every intervalMs of training, counting no paused time, never while one is in flight', () => {
    const s = new SaveScheduler({ intervalMs: 10_000, maxSteps: 1e9 });
    s.reset(0);
    expect(s.due(50_000, 10)).toBe(false); // not training yet
    s.resume(1_000, 0);
    expect(s.due(10_999, 40)).toBe(false);
    expect(s.due(11_000, 41)).toBe(true);
    s.begin(11_000, 41, true);
    expect(s.inFlight).toBe(true);
    expect(s.due(30_000, 90)).toBe(false); // one in flight
    s.end();
    expect(s.due(20_999, 80)).toBe(false);
    expect(s.due(21_000, 80)).toBe(true);
    // A pause saves (clock stopped); an hour later training resumes and the clock starts again.
    s.begin(22_000, 85, false);
    s.end();
    expect(s.due(3_600_000, 85)).toBe(false);
    s.resume(3_600_000, 85);
    expect(s.due(3_609_999, 90)).toBe(false);
    expect(s.due(3_610_000, 90)).toBe(true);
  });

  it('asks after maxSteps steps however little time passed', () => {
    const s = new SaveScheduler({ intervalMs: 10_000, maxSteps: 300 });
    s.reset(1200);
    s.resume(0, 1200);
    expect(s.due(5, 1499)).toBe(false);
    expect(s.due(5, 1500)).toBe(true);
    s.begin(5, 1500, true);
    s.end();
    expect(s.due(6, 1799)).toBe(false);
    expect(s.due(6, 1800)).toBe(true);
  });

  it('counts steps from a restored run back in time', () => {
    const s = new SaveScheduler({ intervalMs: 1e9, maxSteps: 100 });
    s.reset(500);
    s.resume(0, 500);
    s.reset(120); // a NaN sent the run back to step 120
    s.resume(1, 120);
    expect(s.due(2, 219)).toBe(false);
    expect(s.due(2, 220)).toBe(true);
  });
});

describe('notice texts', () => {
  it('say the step and the local time of the save, and which run', () => {
    const at = new Date(2024, 4, 17, 9, 5, 3).getTime();
    expect(clockTime(at)).toBe('09:05:03');
    expect(resumedText(1200, at)).toBe('Resumed from step 1200 (saved 09:05:03).');
    const run = config({ dataset: 'fashion-mnist', seed: 3, spec: decodeSpec('c3x4r.m2.k10') });
    expect(runLabel(run)).toBe('c3x4r.m2.k10 on Fashion-MNIST, seed 3');
    expect(offeredText(config(), 40, at)).toBe(
      'An autosaved run (lenet5 on MNIST, seed 1, step 40, saved 09:05:03) was not resumed because this link names another run; it is kept until this run is saved.',
    );
  });
});
