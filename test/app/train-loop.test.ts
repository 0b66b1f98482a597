// The training loop's scheduling against a simulated device on a virtual clock: chunks converge to
// the target duration, the submission cost caps them, no more than two are ever unfinished, the
// device never idles once warm, stop() waits for (and reports) every submitted step, and a failed
// metrics read stops the loop with the error.
import { describe, expect, it } from 'vitest';
import { ChunkSizer, TrainLoop, type ChunkReport } from '../../src/app/train-loop.ts';
import type { StepMetrics } from '../../src/model/backend.ts';

/** A device that runs steps one after another, each `stepMs` of virtual time, after a submission of `submitMs` per step. */
class SimulatedDevice {
  t = 0;
  busyUntil = 0;
  idleMs = 0;
  submitted = 0;
  unfinished = 0;
  maxUnfinished = 0;
  pendingSteps = 0;
  failAt: number | null = null;
  private events: { time: number; fire: () => void }[] = [];

  constructor(
    private readonly stepMs: number,
    private readonly submitMs: number,
  ) {}

  step(count: number): void {
    this.t += count * this.submitMs; // the page is busy recording
    if (this.t > this.busyUntil && this.submitted > 0) this.idleMs += this.t - this.busyUntil;
    this.busyUntil = Math.max(this.t, this.busyUntil) + count * this.stepMs;
    this.submitted += count;
    this.pendingSteps += count;
    this.unfinished++;
    this.maxUnfinished = Math.max(this.maxUnfinished, this.unfinished);
  }

  takeMetrics(): Promise<StepMetrics> {
    const steps = this.pendingSteps;
    this.pendingSteps = 0;
    const fail = this.failAt !== null && this.submitted >= this.failAt;
    return new Promise((resolve, reject) => {
      this.events.push({
        time: this.busyUntil,
        fire: () => {
          this.unfinished--;
          if (fail) reject(new Error('device lost'));
          else resolve({ steps, examples: steps * 8, lossSum: steps * 8 * 0.5, correct: steps * 4 });
        },
      });
    });
  }

  /** Runs the simulation until the loop has nothing left waiting. */
  async drain(until: () => boolean): Promise<void> {
    for (let guard = 0; guard < 100000; guard++) {
      for (let i = 0; i < 5; i++) await Promise.resolve();
      if (until()) return;
      this.events.sort((a, b) => a.time - b.time);
      const next = this.events.shift();
      if (!next) return;
      this.t = Math.max(this.t, next.time);
      next.fire();
    }
  }
}

function startLoop(device: SimulatedDevice, options = {}) {
  const reports: ChunkReport[] = [];
  const errors: unknown[] = [];
  const loop = new TrainLoop(
    { step: (n) => device.step(n), takeMetrics: () => device.takeMetrics() },
    (report) => reports.push(report),
    (error) => errors.push(error),
    { now: () => device.t, ...options },
  );
  loop.start();
  return { loop, reports, errors };
}

describe('TrainLoop', () => {
  it('grows chunks to ~40 ms of work with at most two unfinished, and keeps the device busy', async () => {
    const device = new SimulatedDevice(0.7, 0.01);
    const { loop, reports } = startLoop(device);
    await device.drain(() => device.t > 3000);
    const stopping = loop.stop();
    await device.drain(() => device.unfinished === 0);
    await stopping;
    expect(device.maxUnfinished).toBe(2);
    const settled = reports.slice(-10).map((r) => r.chunkSize);
    for (const size of settled) {
      expect(size).toBeGreaterThanOrEqual(55);
      expect(size).toBeLessThanOrEqual(58);
    }
    // Past the first chunk, the device waits only for the tiny recording time of the first refill.
    expect(device.idleMs).toBeLessThan(1);
    const reported = reports.reduce((sum, r) => sum + r.metrics.steps, 0);
    expect(reported).toBe(device.submitted);
  });

  it('caps a chunk by its main-thread submission cost (20 ms)', async () => {
    const device = new SimulatedDevice(0.2, 0.5);
    const { loop, reports } = startLoop(device);
    await device.drain(() => device.t > 2000);
    const stopping = loop.stop();
    await device.drain(() => device.unfinished === 0);
    await stopping;
    expect(reports[reports.length - 1].chunkSize).toBe(40);
  });

  it('stop() resolves only after every submitted chunk has been reported', async () => {
    const device = new SimulatedDevice(1, 0.01);
    const { loop, reports } = startLoop(device);
    await device.drain(() => reports.length >= 4);
    let stopped = false;
    void loop.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    await device.drain(() => stopped);
    expect(stopped).toBe(true);
    expect(device.unfinished).toBe(0);
    expect(reports.reduce((sum, r) => sum + r.metrics.steps, 0)).toBe(device.submitted);
  });

  it('stops and hands over the error when a metrics read fails', async () => {
    const device = new SimulatedDevice(1, 0.01);
    device.failAt = 10;
    const { loop, errors } = startLoop(device);
    await device.drain(() => errors.length > 0);
    expect(loop.isRunning).toBe(false);
    expect((errors[0] as Error).message).toBe('device lost');
  });
});

describe('ChunkSizer', () => {
  it('at most doubles per observation and never drops below one step', () => {
    const sizer = new ChunkSizer(40, 20, 1, 512);
    sizer.observe(1, 0.1, 0.001);
    expect(sizer.size).toBe(2);
    sizer.observe(2, 0.2, 0.002);
    expect(sizer.size).toBe(4);
    sizer.observe(4, 900, 0.1);
    expect(sizer.size).toBe(1);
  });
});
