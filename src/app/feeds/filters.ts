// The filters feed: every conv layer's weights and biases (FilterSnapshot, view-types.ts) read
// with one readParameters call over the span of the flat layout that holds them (conv layers come
// before any fc layer, so that span holds little else). Rate-limited by Feed.

import { parameterLayout } from '../../model/layout.ts';
import type { NetworkDescription } from '../../model/shapes.ts';
import type { ConvFilters, FilterSnapshot } from '../view-types.ts';
import { Feed, type FeedOptions } from './feed.ts';
import { readCurrent, type TrainerSource, type WatchedTrainer } from './source.ts';

/**
 * Least time between two filter reads, ms. Each read repaints two tile grids (Filters and the
 * timeline following the latest snapshot): at 200 ms those paints were the page's largest script
 * time while training (a Chromium trace of 60 s of CPU training with every panel open: ~520 paint
 * tasks, 580 ms, up to 11 ms each, plus their compositing), and filters change little in 0.2 s.
 */
export const FILTERS_INTERVAL_MS = 500;

interface ConvSlot {
  layerIndex: number;
  label: string;
  shape: [number, number, number, number];
  weight: { offset: number; length: number };
  bias: { offset: number; length: number };
}

function convSlots(description: NetworkDescription): ConvSlot[] {
  const slots: ConvSlot[] = [];
  for (const l of parameterLayout(description).layers) {
    const d = description.layers[l.layerIndex];
    if (d.kind !== 'conv') continue;
    const p = d.conv2d;
    const shape: ConvSlot['shape'] = [p.outChannels, p.inChannels, p.kernelH, p.kernelW];
    slots.push({ layerIndex: d.index, label: d.label, shape, weight: l.weight, bias: l.bias });
  }
  return slots;
}

/** Reads every conv layer's filters at the trainer's current step (one readback, none without convs). */
export async function readFilters(trainer: WatchedTrainer): Promise<FilterSnapshot> {
  const { totalSteps: step, epoch, backend } = trainer;
  const slots = convSlots(backend.description);
  if (slots.length === 0) return { step, epoch, layers: [] };
  const start = Math.min(...slots.map((s) => s.weight.offset));
  const end = Math.max(...slots.map((s) => s.bias.offset + s.bias.length));
  const span = await backend.readParameters(start, end - start);
  const layers: ConvFilters[] = slots.map((s) => ({
    layerIndex: s.layerIndex,
    label: s.label,
    outChannels: s.shape[0],
    inChannels: s.shape[1],
    kernelHeight: s.shape[2],
    kernelWidth: s.shape[3],
    weights: span.slice(s.weight.offset - start, s.weight.offset - start + s.weight.length),
    bias: span.slice(s.bias.offset - start, s.bias.offset - start + s.bias.length),
  }));
  return { step, epoch, layers };
}

/** A feed of FilterSnapshots; call request() whenever training moved (e.g. after each chunk). */
export function createFiltersFeed(
  source: TrainerSource,
  onSnapshot: (snapshot: FilterSnapshot) => void,
  options: Partial<FeedOptions> = {},
): Feed<void, FilterSnapshot> {
  return new Feed<void, FilterSnapshot>(() => readCurrent(source, readFilters), onSnapshot, {
    minIntervalMs: FILTERS_INTERVAL_MS,
    ...options,
  });
}
