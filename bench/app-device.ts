// Where the GPU's time went in a views-benchmark run (GPU backend): a hook installed in the page
// labels every queue submit with its command encoders' labels ("train 3 steps", "probe 8
// image(s)", "ascent step", ...) and notes when onSubmittedWorkDone says it finished. The queue
// runs submits in order, so a submit's device time is from the later of its submission and the
// previous one's completion to its own completion (upper bounds: completion is noticed late by a
// few ms at most). Pure apart from the page hook: records in, table out.

/** One submit: its label, when it was submitted and when its work was done (page clock, ms). */
export interface SubmitRecord {
  label: string;
  at: number;
  done: number;
}

export interface DeviceShare {
  /** The label with step counts folded ("train N steps"); probes keep their image count. */
  label: string;
  submits: number;
  /** Device time of these submits within the window, ms. */
  ms: number;
  /** Mean time from submission to completion (includes the work queued ahead), ms. */
  meanLatencyMs: number;
}

export interface DeviceShares {
  windowMs: number;
  /** Longest first. */
  shares: DeviceShare[];
  /** Share of the window the device was working, 0..1. */
  busy: number;
}

/**
 * Runs in the page (as a string: page.evaluate): labels each command buffer with its encoder's
 * label and records each submit's completion in window.__convscopeSubmits.
 */
export const INSTALL_SUBMIT_HOOK = `(() => {
  if (window.__convscopeSubmits) return;
  const log = [];
  window.__convscopeSubmits = log;
  const finish = GPUCommandEncoder.prototype.finish;
  GPUCommandEncoder.prototype.finish = function (descriptor) {
    return finish.call(this, { ...(descriptor ?? {}), label: descriptor?.label || this.label });
  };
  const submit = GPUQueue.prototype.submit;
  GPUQueue.prototype.submit = function (buffers) {
    const entry = { label: Array.from(buffers, (b) => b.label).join(' + '), at: performance.now(), done: 0 };
    log.push(entry);
    const result = submit.call(this, buffers);
    this.onSubmittedWorkDone().then(() => { entry.done = performance.now(); }, () => undefined);
    return result;
  };
})()`;

export const READ_SUBMITS = 'window.__convscopeSubmits ?? []';

/** "train 3 steps" -> "train N steps"; probes keep their count (it is what they cost). */
function fold(label: string): string {
  return label.startsWith('probe') ? label : label.replace(/\d+/g, 'N');
}

/** Device time per label over [from, to] (page clock, ms), from the page's submit records. */
export function deviceShares(records: readonly SubmitRecord[], from: number, to: number): DeviceShares {
  const done = records.filter((r) => r.done > 0).sort((a, b) => a.done - b.done);
  const by = new Map<string, { ms: number; submits: number; latency: number }>();
  let previous = -Infinity;
  let busyMs = 0;
  for (const r of done) {
    const ms = r.done - Math.max(r.at, previous);
    previous = r.done;
    if (r.done < from || r.done > to) continue;
    const label = fold(r.label || '(unlabelled)');
    const entry = by.get(label) ?? { ms: 0, submits: 0, latency: 0 };
    entry.ms += ms;
    entry.submits++;
    entry.latency += r.done - r.at;
    by.set(label, entry);
    busyMs += ms;
  }
  const shares = [...by]
    .map(([label, e]) => ({ label, submits: e.submits, ms: e.ms, meanLatencyMs: e.latency / e.submits }))
    .sort((a, b) => b.ms - a.ms);
  const windowMs = to - from;
  return { windowMs, shares, busy: windowMs > 0 ? busyMs / windowMs : 0 };
}

/** Adds the shares of several runs (same labels summed). */
export function addShares(runs: readonly DeviceShares[]): DeviceShares {
  const by = new Map<string, DeviceShare & { latencySum: number }>();
  let windowMs = 0;
  let busyMs = 0;
  for (const run of runs) {
    windowMs += run.windowMs;
    busyMs += run.busy * run.windowMs;
    for (const s of run.shares) {
      const e = by.get(s.label) ?? { label: s.label, submits: 0, ms: 0, meanLatencyMs: 0, latencySum: 0 };
      e.submits += s.submits;
      e.ms += s.ms;
      e.latencySum += s.meanLatencyMs * s.submits;
      by.set(s.label, e);
    }
  }
  const shares = [...by.values()]
    .map(({ latencySum, ...s }) => ({ ...s, meanLatencyMs: latencySum / s.submits }))
    .sort((a, b) => b.ms - a.ms);
  return { windowMs, shares, busy: windowMs > 0 ? busyMs / windowMs : 0 };
}

/** A few lines: each label's share of the window, device ms per submit and latency. */
export function describeShares(shares: DeviceShares): string[] {
  const pct = (ms: number) => `${((100 * ms) / shares.windowMs).toFixed(1)}%`;
  return [
    `device busy ${(100 * shares.busy).toFixed(1)}% of ${(shares.windowMs / 1000).toFixed(0)} s`,
    ...shares.shares.map(
      (s) =>
        `  ${s.label.padEnd(26)} ${pct(s.ms).padStart(6)}  ${String(s.submits).padStart(5)} submits, ` +
        `${(s.ms / s.submits).toFixed(0)} ms device and ${s.meanLatencyMs.toFixed(0)} ms to done each`,
    ),
  ];
}
