// Which code the long animation frames' longest scripts ran, for the app benchmark
// (app-views-run.ts): an observer installed in the page records each long script's invoker, its
// file and character position; afterwards the built file's text around that position is printed,
// so a minified handler ("TimerHandler:setTimeout (index-*.js)") can be told apart. Diagnostics
// only: no statistics, nothing the summary lines depend on.

import type { Page } from 'puppeteer-core';

export interface LongScript {
  start: number;
  frameMs: number;
  invoker: string;
  sourceURL: string;
  sourceFunctionName: string;
  sourceCharPosition: number;
  ms: number;
}

/** Starts recording, in the page, every script of 20 ms or more in a long animation frame. */
export async function recordLongScripts(page: Page): Promise<void> {
  await page.evaluate(() => {
    const scripts: unknown[] = [];
    (window as unknown as { __benchLongScripts: unknown[] }).__benchLongScripts = scripts;
    if (!PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) return;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const frame = entry as PerformanceEntry & {
          scripts: {
            invoker: string;
            sourceURL: string;
            sourceFunctionName: string;
            sourceCharPosition: number;
            duration: number;
          }[];
        };
        for (const s of frame.scripts) {
          if (s.duration < 20) continue;
          scripts.push({
            start: frame.startTime,
            frameMs: frame.duration,
            invoker: s.invoker,
            sourceURL: s.sourceURL,
            sourceFunctionName: s.sourceFunctionName,
            sourceCharPosition: s.sourceCharPosition,
            ms: s.duration,
          });
        }
      }
    }).observe({ type: 'long-animation-frame' });
  });
}

/** The recorded scripts from `from` to `to` (page clock), each with ~160 characters of its code. */
export async function describeLongScripts(page: Page, from: number, to: number): Promise<string[]> {
  const all = (await page.evaluate(
    () => (window as unknown as { __benchLongScripts: unknown[] }).__benchLongScripts,
  )) as LongScript[];
  const scripts = all.filter((s) => s.start >= from && s.start <= to);
  const lines: string[] = [];
  for (const s of scripts) {
    let code = '';
    if (s.sourceURL && s.sourceCharPosition >= 0) {
      const text = (await page.evaluate((url) => fetch(url).then((r) => r.text()), s.sourceURL)) as string;
      code = text.slice(Math.max(0, s.sourceCharPosition - 40), s.sourceCharPosition + 120);
    }
    lines.push(
      `t=${((s.start - from) / 1000).toFixed(1)} s frame ${s.frameMs.toFixed(0)} ms, ${s.invoker} ` +
        `${s.ms.toFixed(0)} ms ${s.sourceURL.split('/').pop()}@${s.sourceCharPosition} ` +
        `${s.sourceFunctionName}: ${code.replace(/\s+/g, ' ')}`,
    );
  }
  return lines;
}
