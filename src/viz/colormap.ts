// Colour maps and normalisation for turning tensors into pictures, pure and shared by the CLI
// (PNG files) and anything else that draws on the CPU. Not the GPU atlases.

/** Viridis at 9 evenly spaced points (matplotlib's values, rounded): dark blue -> green -> yellow. */
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [71, 45, 123],
  [59, 82, 139],
  [44, 114, 142],
  [33, 145, 140],
  [40, 174, 128],
  [94, 201, 98],
  [173, 220, 48],
  [253, 231, 37],
];

/**
 * Viridis colour of `t` in [0, 1] (clamped; NaN gives the lowest colour), linearly interpolated.
 * Perceptually uniform and readable in grey, so brightness means magnitude.
 */
export function viridis(t: number): [number, number, number] {
  const x = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const f = x - i;
  const [a, b] = [VIRIDIS[i], VIRIDIS[i + 1]];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as [number, number, number];
}

/**
 * `values` scaled so their minimum maps to 0 and maximum to 1 (a new array). A constant input has
 * no contrast to show: it maps to 0.5, so it reads as "flat", neither dark nor bright.
 */
export function minMaxNormalise(values: ArrayLike<number>): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const out = new Float32Array(values.length);
  const range = max - min;
  for (let i = 0; i < values.length; i++) out[i] = range > 0 ? (values[i] - min) / range : 0.5;
  return out;
}
