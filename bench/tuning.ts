// Which kernel tiles a benchmark gives our kernels on an adapter: what the product itself uses
// there (the app, the CLI and the tests pick FALLBACK_ADAPTER_TUNING on a fallback adapter such
// as SwiftShader, the defaults on a real GPU), or the defaults everywhere with `--tiles default`.

import { tuningForAdapter, type KernelTuning } from '../src/model/kernel-tuning.ts';
import type { AdapterSummary } from '../src/runtime/gpu.ts';
import { isSwiftShader } from './labels.ts';

/** 'auto': the tiles the product picks for the adapter; 'default': the real-GPU defaults. */
export type TilesChoice = 'auto' | 'default';
export const TILES_CHOICES: readonly TilesChoice[] = ['auto', 'default'];

export function tuningFor(
  summary: AdapterSummary,
  choice: TilesChoice = 'auto',
): { tuning: KernelTuning; label: string } {
  const fallback = choice === 'auto' && (summary.isFallbackAdapter || isSwiftShader(summary));
  const tuning = tuningForAdapter(fallback);
  if (!fallback) return { tuning, label: 'default tiles (src/kernels), as on any real GPU' };
  const t = tuning.convTiles;
  return {
    tuning,
    label:
      `FALLBACK_ADAPTER_TUNING (${t?.workgroupX}x${t?.workgroupY} GEMM workgroups, tileK ${t?.tileK}), ` +
      'as the app, the CLI and the tests use on a fallback adapter; a real GPU gets the default tiles',
  };
}
