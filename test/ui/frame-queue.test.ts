// FrameQueue: one job per frame, each in a task after the frame; a newer job of the same key
// replaces the waiting one in its place; cancel drops it; a job that throws does not stop the line.

import { describe, expect, it } from 'vitest';
import { FrameQueue, type FrameQueueClock } from '../../src/ui/frame-queue.ts';

/** A clock whose frames and tasks run when the test says. */
function manualClock() {
  const frames: (() => void)[] = [];
  const tasks: (() => void)[] = [];
  const clock: FrameQueueClock = {
    frame: (callback) => frames.push(callback),
    task: (callback) => tasks.push(callback),
  };
  /** One frame, then the tasks it queued. */
  const tick = () => {
    for (const f of frames.splice(0)) f();
    for (const t of tasks.splice(0)) t();
  };
  return { clock, tick, pending: () => frames.length + tasks.length };
}

describe('FrameQueue', () => {
  it('runs one job per frame, in order, in a task after the frame', () => {
    const { clock, tick, pending } = manualClock();
    const queue = new FrameQueue(clock);
    const ran: string[] = [];
    queue.run('a', () => ran.push('a'));
    queue.run('b', () => ran.push('b'));
    queue.run('c', () => ran.push('c'));
    expect(ran).toEqual([]);
    expect(pending()).toBe(1); // one frame asked for, not three
    tick();
    expect(ran).toEqual(['a']);
    tick();
    tick();
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(pending()).toBe(0);
    expect(queue.counts).toEqual({ ran: 3, replaced: 0 });
  });

  it('a newer job of a waiting key replaces it and keeps its place; cancel drops it', () => {
    const { clock, tick } = manualClock();
    const queue = new FrameQueue(clock);
    const ran: string[] = [];
    queue.run('maps', () => ran.push('maps 1'));
    queue.run('health', () => ran.push('health'));
    queue.run('maps', () => ran.push('maps 2'));
    queue.run('curves', () => ran.push('curves'));
    queue.cancel('health');
    expect(queue.size).toBe(2);
    for (let i = 0; i < 4; i++) tick();
    expect(ran).toEqual(['maps 2', 'curves']);
    expect(queue.counts).toEqual({ ran: 2, replaced: 1 });
  });

  it('a job that throws is reported and the next still runs', () => {
    const { clock, tick } = manualClock();
    const errors: unknown[] = [];
    const queue = new FrameQueue(clock, (error) => errors.push(error));
    const ran: string[] = [];
    queue.run('bad', () => {
      throw new Error('boom');
    });
    queue.run('good', () => ran.push('good'));
    tick();
    tick();
    expect(ran).toEqual(['good']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
  });

  it('a job queued while another runs waits for the next frame', () => {
    const { clock, tick } = manualClock();
    const queue = new FrameQueue(clock);
    const ran: string[] = [];
    queue.run('a', () => {
      ran.push('a');
      queue.run('b', () => ran.push('b'));
    });
    tick();
    expect(ran).toEqual(['a']);
    tick();
    expect(ran).toEqual(['a', 'b']);
  });
});
