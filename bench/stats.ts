// Summary statistics and sampling plans for the kernel benchmark: median and spread of per-iteration
// times, GFLOP/s, and how many iterations per sample a case gets. Pure functions, unit-tested.

export interface TimeSummary {
  /** Median of the per-iteration times of the samples, in ms. */
  median: number;
  min: number;
  max: number;
  /** (max - min) / median: the relative width of what was seen. */
  spread: number;
  samples: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(perIterationMs: readonly number[]): TimeSummary {
  const m = median(perIterationMs);
  const min = Math.min(...perIterationMs);
  const max = Math.max(...perIterationMs);
  return { median: m, min, max, spread: m > 0 ? (max - min) / m : 0, samples: perIterationMs.length };
}

/** FLOPs per iteration over milliseconds per iteration, in GFLOP/s. */
export function gflops(flops: number, ms: number): number {
  return ms > 0 ? flops / ms / 1e6 : NaN;
}

export interface SamplePlan {
  /** Iterations recorded (or called) back to back in one sample. */
  iterations: number;
  samples: number;
  /** Whether an untimed sample runs first (skipped when the checked run already cost > 1 s). */
  warmup: boolean;
}

export interface PlanOptions {
  /** Fixed iterations per sample; otherwise chosen so that a sample lasts about `sampleMs`. */
  iterations?: number;
  samples?: number;
  sampleMs?: number;
  /** Cap on adaptive iterations: 256 GPU passes per command buffer; CPU calls need far more. */
  maxIterations?: number;
}

/**
 * Plans the timing of a case from the duration of its first (checked) run. Slow cases (seconds
 * per iteration on SwiftShader) get 1 iteration and 3 samples so a full run stays within minutes;
 * the first run already compiled the pipelines and touched the buffers, so it is their warm-up.
 */
export function planSamples(firstRunMs: number, options: PlanOptions = {}): SamplePlan {
  const sampleMs = options.sampleMs ?? 200;
  const slow = firstRunMs > 1000;
  const iterations =
    options.iterations ??
    Math.min(options.maxIterations ?? 256, Math.max(1, Math.round(sampleMs / Math.max(firstRunMs, 1e-4))));
  const samples = options.samples ?? (slow ? 3 : 7);
  return { iterations, samples, warmup: !slow };
}
