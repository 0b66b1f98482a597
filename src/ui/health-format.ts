// What the health table (health-view.ts) shows for each layer of a HealthView, as plain strings
// and flags: activation range, dead units (flagged above half), weight and gradient rms, and the
// update/weight ratio (flagged outside 1e-4 .. 1e-2), with the tooltips that say why a flag
// matters. Pure: no DOM, unit-tested in Node.

import type { HealthView, LayerHealth, Range } from '../app/view-types.ts';

/** Below this the layer barely learns; above the next, updates are large against the weights. */
export const UPDATE_RATIO_LOW = 1e-4;
export const UPDATE_RATIO_HIGH = 1e-2;
/** More dead units than this fraction is flagged. */
export const DEAD_WARNING = 0.5;

export const HELP = {
  activation: 'Smallest and largest output of the layer over the probe images (after its activation).',
  dead:
    'Units (channels or fc units) whose output is zero for every probe image. A relu that never ' +
    'fires gets no gradient and may never recover; above half of a layer is a warning sign ' +
    '(learning rate too high, or a bad initialisation).',
  weight: "Root-mean-square of the layer's weights (hover for min, max and mean).",
  gradient: "Root-mean-square of the last step's gradient of the loss for these weights.",
  ratio:
    'Size of the last update relative to the weights, ||Δw|| / ||w||. Around 1e-3 is healthy: ' +
    'below 1e-4 the layer hardly changes (learning rate too low or vanishing gradients); above ' +
    '1e-2 each step rewrites a large part of the weights, so training may be unstable or diverge.',
} as const;

export type Flag = 'ok' | 'warn' | 'bad';

export interface Cell {
  text: string;
  /** Tooltip; more detail than the text. */
  title: string;
  flag: Flag;
}

export interface HealthRow {
  layerIndex: number;
  label: string;
  activation: Cell;
  dead: Cell;
  weight: Cell;
  gradient: Cell;
  ratio: Cell;
}

/** 3 significant digits; exponent form when tiny or huge; NaN and infinities spelled out. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const text = a >= 1e4 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
  return text.replace('-', '−');
}

const NONE: Cell = { text: '—', title: 'no parameters', flag: 'ok' };

function isBroken(range: Range): boolean {
  return [range.min, range.max, range.mean, range.rms].some((v) => !Number.isFinite(v));
}

function activationCell(range: Range): Cell {
  if (isBroken(range))
    return { text: 'NaN / ∞', title: 'the output holds NaN or infinite values', flag: 'bad' };
  return {
    text: `${formatNumber(range.min)} … ${formatNumber(range.max)}`,
    title: `mean ${formatNumber(range.mean)}, rms ${formatNumber(range.rms)}`,
    flag: 'ok',
  };
}

function rmsCell(range: Range | null): Cell {
  if (!range) return NONE;
  if (isBroken(range)) return { text: 'NaN / ∞', title: 'holds NaN or infinite values', flag: 'bad' };
  return {
    text: formatNumber(range.rms),
    title: `min ${formatNumber(range.min)}, max ${formatNumber(range.max)}, mean ${formatNumber(range.mean)}`,
    flag: 'ok',
  };
}

function deadCell(fraction: number): Cell {
  const text = `${Math.round(100 * fraction)}%`;
  if (fraction > DEAD_WARNING) return { text, title: HELP.dead, flag: 'warn' };
  return { text, title: 'of the units never fire on the probe images', flag: 'ok' };
}

/** The ratio's cell: flagged when outside [UPDATE_RATIO_LOW, UPDATE_RATIO_HIGH]. */
export function ratioCell(ratio: number | null, hasParameters: boolean): Cell {
  if (ratio === null) return hasParameters ? { text: '—', title: 'no update yet', flag: 'ok' } : NONE;
  if (!Number.isFinite(ratio)) return { text: formatNumber(ratio), title: HELP.ratio, flag: 'bad' };
  const text = formatNumber(ratio);
  if (ratio < UPDATE_RATIO_LOW) return { text, title: `low: ${HELP.ratio}`, flag: 'warn' };
  if (ratio > UPDATE_RATIO_HIGH) return { text, title: `high: ${HELP.ratio}`, flag: 'warn' };
  return { text, title: 'in the healthy range 1e-4 … 1e-2', flag: 'ok' };
}

export function healthRow(layer: LayerHealth): HealthRow {
  return {
    layerIndex: layer.layerIndex,
    label: layer.label,
    activation: activationCell(layer.activation),
    dead: deadCell(layer.deadFraction),
    weight: rmsCell(layer.weight),
    gradient: rmsCell(layer.gradient),
    ratio: ratioCell(layer.updateRatio, layer.weight !== null),
  };
}

export function healthRows(view: HealthView): HealthRow[] {
  return view.layers.map(healthRow);
}
