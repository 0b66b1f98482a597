// Painting for <cs-generator-view> (generator-view.ts): a rows x columns grid of 28x28 greyscale
// images into ONE canvas (1 px gaps), and the loss curves (loss, reconstruction, KL per image) on a
// log scale, since KL is ~10x smaller than the reconstruction term. Canvas 2D only; no element.

import type { GeneratorLossPoint } from '../app/generator-view-types.ts';
import { paintCanvas } from './view-kit.ts';

const SIDE = 28;
const GAP = 1;

/** Draws images [rows * columns, 28 * 28] (values 0..1) row-major into `canvas`. */
export function paintImageGrid(
  canvas: HTMLCanvasElement,
  images: Float32Array,
  rows: number,
  columns: number,
): void {
  const width = columns * (SIDE + GAP) + GAP;
  const height = rows * (SIDE + GAP) + GAP;
  const plane = SIDE * SIDE;
  paintCanvas(canvas, width, height, (px) => {
    // Byte writes, no arrays per pixel: the grid is ~68k pixels, repainted every second.
    for (let i = 0; i < width * height; i++) {
      px[4 * i] = 40;
      px[4 * i + 1] = 44;
      px[4 * i + 2] = 52;
      px[4 * i + 3] = 255;
    }
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < columns; c++) {
        const image = (r * columns + c) * plane;
        if (image + plane > images.length) continue;
        const left = GAP + c * (SIDE + GAP);
        const top = GAP + r * (SIDE + GAP);
        for (let y = 0; y < SIDE; y++)
          for (let x = 0; x < SIDE; x++) {
            const v = Math.round(255 * Math.min(1, Math.max(0, images[image + y * SIDE + x])));
            const at = 4 * ((top + y) * width + left + x);
            px[at] = px[at + 1] = px[at + 2] = v;
          }
      }
  });
}

export const LOSS_SERIES = [
  { key: 'reconstruction', label: 'reconstruction', colour: '#2b8a4b', dash: [4, 3] },
  { key: 'kl', label: 'KL', colour: '#d0782a', dash: [] },
  { key: 'loss', label: 'loss', colour: '#2f6fdf', dash: [] },
] as const;

/** The loss curves over steps, log-scaled y, with the axis range written at the left. */
export function drawLossChart(canvas: HTMLCanvasElement, history: readonly GeneratorLossPoint[]): void {
  const scale = globalThis.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth || 300;
  const cssHeight = canvas.clientHeight || 150;
  canvas.width = Math.round(cssWidth * scale);
  canvas.height = Math.round(cssHeight * scale);
  const g = canvas.getContext('2d');
  if (!g) return;
  g.setTransform(scale, 0, 0, scale, 0, 0);
  g.clearRect(0, 0, cssWidth, cssHeight);
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#66707c';
  const points = history.filter((p) => LOSS_SERIES.every((s) => Number.isFinite(p[s.key]) && p[s.key] > 0));
  if (points.length < 2) {
    g.fillText('the curves appear after a few reports', 8, cssHeight / 2);
    return;
  }
  const values = points.flatMap((p) => LOSS_SERIES.map((s) => Math.log10(p[s.key])));
  const low = Math.floor(Math.min(...values) * 4) / 4;
  const high = Math.ceil(Math.max(...values) * 4) / 4 || low + 1;
  const left = 40;
  const [top, bottom] = [6, cssHeight - 16];
  const first = points[0].step;
  const span = Math.max(1, points.at(-1)!.step - first);
  const x = (step: number) => left + ((cssWidth - left - 6) * (step - first)) / span;
  const y = (v: number) => bottom - ((bottom - top) * (Math.log10(v) - low)) / Math.max(1e-9, high - low);
  g.strokeStyle = '#dde2e8';
  g.beginPath();
  g.moveTo(left, top);
  g.lineTo(left, bottom);
  g.lineTo(cssWidth - 6, bottom);
  g.stroke();
  g.fillText(String(Number((10 ** high).toPrecision(2))), 2, top + 8);
  g.fillText(String(Number((10 ** low).toPrecision(2))), 2, bottom);
  g.fillText(`step ${points.at(-1)!.step}`, cssWidth - 70, cssHeight - 2);
  for (const series of LOSS_SERIES) {
    g.strokeStyle = series.colour;
    g.setLineDash(series.dash);
    g.lineWidth = 1.5;
    g.beginPath();
    points.forEach((p, i) =>
      i === 0 ? g.moveTo(x(p.step), y(p[series.key])) : g.lineTo(x(p.step), y(p[series.key])),
    );
    g.stroke();
  }
}
