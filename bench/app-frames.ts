// Where the long animation frames of a views-benchmark run went (app-harness.ts records them with
// Chromium's 'long-animation-frame' attribution): rendering at the frame's end (style, layout,
// paint, compositing) against scripts, and which scripts. Pure: numbers in, numbers and text out.

import type { LongFrame } from '../test/e2e/app-harness.ts';

export interface LongFramesSummary {
  count: number;
  totalMs: number;
  /** Of their time: rendering at the frame's end (of it: style and layout), and scripts. */
  renderMs: number;
  styleAndLayoutMs: number;
  scriptMs: number;
  /** Script time by script, longest first. */
  scripts: [string, number][];
}

/** Adds up where the long frames' time went. */
export function summariseLongFrames(frames: readonly LongFrame[]): LongFramesSummary {
  const byScript = new Map<string, number>();
  for (const frame of frames) {
    for (const script of frame.scripts)
      byScript.set(script.name, (byScript.get(script.name) ?? 0) + script.ms);
  }
  const sum = (f: (frame: LongFrame) => number) => frames.reduce((a, frame) => a + f(frame), 0);
  return {
    count: frames.length,
    totalMs: sum((f) => f.duration),
    renderMs: sum((f) => f.renderMs),
    styleAndLayoutMs: sum((f) => f.styleAndLayoutMs),
    scriptMs: sum((f) => f.scripts.reduce((a, s) => a + s.ms, 0)),
    scripts: [...byScript].sort((a, b) => b[1] - a[1]),
  };
}

/** One line on several runs' long frames: their count and time, the shares, the top 3 scripts. */
export function describeLongFrames(summaries: readonly LongFramesSummary[]): string {
  const sum = (f: (s: LongFramesSummary) => number) => summaries.reduce((a, s) => a + f(s), 0);
  const total = sum((s) => s.totalMs);
  if (total === 0) return 'no long frames';
  const share = (ms: number) => `${((100 * ms) / total).toFixed(0)}%`;
  const scripts = new Map<string, number>();
  for (const s of summaries)
    for (const [name, ms] of s.scripts) scripts.set(name, (scripts.get(name) ?? 0) + ms);
  const top = [...scripts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`);
  return (
    `${sum((s) => s.count)} long frames, ${total.toFixed(0)} ms: rendering ${share(sum((s) => s.renderMs))} ` +
    `(style+layout ${share(sum((s) => s.styleAndLayoutMs))}), scripts ${share(sum((s) => s.scriptMs))}` +
    (top.length ? `; top scripts: ${top.join('; ')}` : '')
  );
}
