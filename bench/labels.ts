// Short names for what a benchmark ran on: the adapter label written in every row, and the slug
// used in result file names. Pure string helpers (no navigator, no GPU).

import type { AdapterSummary } from '../src/runtime/gpu.ts';

/** E.g. "google swiftshader (fallback adapter), Chromium 156.0.0.0". */
export function adapterLabel(a: AdapterSummary, runtime: string): string {
  const name =
    a.description || [a.vendor, a.architecture, a.device].filter(Boolean).join(' ') || 'unknown adapter';
  return `${name}${a.isFallbackAdapter ? ' (fallback adapter)' : ''}, ${runtime}`;
}

/** Whether this adapter is SwiftShader (a CPU rasteriser: slow, for ratios only). */
export function isSwiftShader(a: AdapterSummary): boolean {
  return /swiftshader/i.test(`${a.vendor} ${a.architecture} ${a.device} ${a.description}`);
}

/** A file-name slug for the adapter: 'swiftshader', else e.g. 'nvidia-hopper'. */
export function adapterSlug(a: AdapterSummary): string {
  if (isSwiftShader(a)) return 'swiftshader';
  const words = [a.vendor, a.architecture].filter(Boolean).join(' ') || a.description || 'gpu';
  return (
    words
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'gpu'
  );
}
