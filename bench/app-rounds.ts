// The app bench's rounds (app-views.ts): in one training run the views are closed and opened in
// turn, a timed window each, and each round (one window per mode) gives its own ratio of images/s
// with views against the closed window beside it. Speeds on this machine drift and jump by tens
// of percent within minutes, so a ratio of two windows next to each other, repeated, says more
// than one of two runs: the median ratio over the rounds, with the smallest and largest, and
// the ratio of the modes' pooled images/s. Pure: numbers in, numbers and text out.

import type { DeviceShares } from './app-device.ts';

/**
 * open: every panel open and the viewport as tall as the page, so all views are on screen, fed
 * and painted (the most they can cost); closed: every panel closed; screen: every panel open in a
 * 1280x800 viewport at the top of the page (what a person sees first: the filters).
 */
export type ViewsMode = 'open' | 'closed' | 'screen';
export const VIEWS_MODES: readonly ViewsMode[] = ['open', 'closed', 'screen'];

/** One timed window of a round. */
export interface WindowResult {
  round: number;
  views: ViewsMode;
  /** Steps finished inside the window and its length in s. */
  steps: number;
  seconds: number;
  imagesPerSecond: number;
  /** Long tasks (> 50 ms) that started inside the window. */
  longTasks: number;
  /** GPU backend: device time by submit label over the window; null on the CPU backend. */
  device: DeviceShares | null;
}

/** The modes in order, then reversed, then in order...: a drift over the run falls on all alike. */
export function alternation(modes: readonly ViewsMode[], rounds: number): ViewsMode[][] {
  return Array.from({ length: rounds }, (_, r) => (r % 2 === 0 ? [...modes] : [...modes].reverse()));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface RatioSummary {
  /** views / closed images/s of each round that has both windows, in round order. */
  ratios: number[];
  median: number;
  min: number;
  max: number;
  /** Pooled: all `views` windows' images/s over all closed windows'. */
  pooled: number;
}

/** The ratio of `views` to closed per round, and over all rounds. */
export function summariseRatios(windows: readonly WindowResult[], views: ViewsMode): RatioSummary {
  const rounds = [...new Set(windows.map((w) => w.round))].sort((a, b) => a - b);
  const ratios: number[] = [];
  for (const round of rounds) {
    const of = (mode: ViewsMode) => windows.find((w) => w.round === round && w.views === mode);
    const [watched, closed] = [of(views), of('closed')];
    if (watched && closed) ratios.push(watched.imagesPerSecond / closed.imagesPerSecond);
  }
  const pooledSpeed = (mode: ViewsMode) => {
    const runs = windows.filter((w) => w.views === mode);
    const images = runs.reduce((n, w) => n + w.imagesPerSecond * w.seconds, 0);
    return images / runs.reduce((n, w) => n + w.seconds, 0);
  };
  return {
    ratios,
    median: median(ratios),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    pooled: pooledSpeed(views) / pooledSpeed('closed'),
  };
}

/** "gpu open/closed: median 0.962 over 5 rounds (min 0.912, max 1.031; pooled 0.958); rounds: ..." */
export function describeRatios(backend: string, views: ViewsMode, summary: RatioSummary): string {
  const f = (x: number) => x.toFixed(3);
  const { ratios } = summary;
  return (
    `${backend} ${views}/closed: median ${f(summary.median)} over ${ratios.length} rounds ` +
    `(min ${f(summary.min)}, max ${f(summary.max)}; pooled ${f(summary.pooled)}); ` +
    `rounds: ${ratios.map(f).join(' ')}`
  );
}
