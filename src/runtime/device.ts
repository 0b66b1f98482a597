// createGpu(): adapter + device + the Gpu object, in the browser (navigator.gpu) or in Node (pass
// `gpu` from the `webgpu` package; node-gpu.ts does that). No module-level device: every caller
// gets its own Gpu and passes it on. Not a fallback: no WebGPU means a WebGpuUnavailableError.

import { missingWebGpuError, noAdapterError } from './errors.ts';
import { Gpu, type AdapterSummary } from './gpu.ts';

export interface CreateGpuOptions {
  /** The WebGPU entry point; defaults to navigator.gpu. */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
  /** Limits the caller needs beyond those raised by default; each must be offered by the adapter. */
  requiredLimits?: Record<string, number>;
  /** Added to the "no adapter" error; platform wrappers use it for their own advice. */
  noAdapterHint?: string;
}

/** Limits raised to the adapter's value when it offers more than the default (bigger tensors,
 * bigger tiles, more bindings). Others stay at WebGPU's defaults so code designed for them runs
 * everywhere. */
export const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxStorageBuffersPerShaderStage',
] as const;

const OPTIONAL_FEATURES: readonly GPUFeatureName[] = ['timestamp-query'];

type LimitTable = Record<string, number | undefined>;

/** The requiredLimits to ask for: RAISED_LIMITS at the adapter's value, plus the caller's own. */
export function chooseLimits(
  adapterLimits: LimitTable,
  required: Record<string, number> = {},
): Record<string, number> {
  const chosen: Record<string, number> = {};
  for (const name of RAISED_LIMITS) {
    const offered = adapterLimits[name];
    if (offered !== undefined) chosen[name] = offered;
  }
  for (const [name, wanted] of Object.entries(required)) {
    const offered = adapterLimits[name];
    // "min..." limits are alignments: smaller is better. Everything else: larger is better.
    const better = name.startsWith('min')
      ? (a: number, b: number) => a <= b
      : (a: number, b: number) => a >= b;
    if (offered === undefined || !better(offered, wanted)) {
      throw new RangeError(
        `this adapter offers ${name} = ${offered ?? 'nothing'}, but ${wanted} is required`,
      );
    }
    chosen[name] = name.startsWith('min') ? Math.max(wanted, chosen[name] ?? wanted) : wanted;
  }
  return chosen;
}

/** Reads each field explicitly: Dawn's GPUAdapterInfo has no enumerable own properties. */
export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const info: Partial<GPUAdapterInfo> = adapter.info ?? {};
  const legacyFallback = (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? legacyFallback ?? false),
  };
}

function defaultEntryPoint(): GPU | undefined {
  return typeof navigator !== 'undefined' ? navigator.gpu : undefined;
}

export async function createGpu(options: CreateGpuOptions = {}): Promise<Gpu> {
  const entry = options.gpu ?? defaultEntryPoint();
  if (!entry) throw missingWebGpuError();
  const adapter = await entry.requestAdapter({ powerPreference: options.powerPreference });
  if (!adapter) throw noAdapterError(options.noAdapterHint);
  const limits = chooseLimits(adapter.limits as unknown as LimitTable, options.requiredLimits);
  const requiredFeatures = OPTIONAL_FEATURES.filter((feature) => adapter.features.has(feature));
  const device = await adapter.requestDevice({
    label: 'convscope',
    requiredLimits: limits,
    requiredFeatures,
  });
  return new Gpu(device, summarizeAdapter(adapter), entry);
}
