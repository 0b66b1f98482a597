import { describe, expect, it } from 'vitest';
import { describeLongFrames, summariseLongFrames } from '../../bench/app-frames.ts';
import type { LongFrame } from '../../test/e2e/app-harness.ts';

const frame = (duration: number, renderMs: number, styleAndLayoutMs: number, scripts: [string, number][]) =>
  ({
    start: 0,
    duration,
    renderMs,
    styleAndLayoutMs,
    scripts: scripts.map(([name, ms]) => ({ name, ms, forcedLayoutMs: 0 })),
  }) satisfies LongFrame;

describe('summariseLongFrames and describeLongFrames', () => {
  const frames = [
    frame(70, 40, 5, [
      ['rAF (a.js:paint)', 20],
      ['message (b.js:receive)', 7],
    ]),
    frame(130, 90, 13, [['rAF (a.js:paint)', 31]]),
  ];

  it('adds up the time of the frames, their rendering and their scripts by name', () => {
    expect(summariseLongFrames(frames)).toEqual({
      count: 2,
      totalMs: 200,
      renderMs: 130,
      styleAndLayoutMs: 18,
      scriptMs: 58,
      scripts: [
        ['rAF (a.js:paint)', 51],
        ['message (b.js:receive)', 7],
      ],
    });
  });

  it('describes several runs together as shares of their time', () => {
    const two = [summariseLongFrames(frames), summariseLongFrames(frames.slice(1))];
    expect(describeLongFrames(two)).toBe(
      '3 long frames, 330 ms: rendering 67% (style+layout 9%), scripts 27%; ' +
        'top scripts: rAF (a.js:paint) 82 ms; message (b.js:receive) 7 ms',
    );
    expect(describeLongFrames([summariseLongFrames([])])).toBe('no long frames');
  });
});
