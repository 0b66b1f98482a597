// The edits the layer editor makes to a draft spec, as pure functions returning a new spec: add a
// layer of a kind where it belongs, remove one, move one up or down, change one field. They never
// validate: an edit may leave the draft invalid, and the editor shows why (spec-summary.ts).

import type { LayerKind, LayerSpec, NetworkSpec } from '../model/spec.ts';

/** The layer a new one of each kind starts as: small, common settings. */
export function newLayer(kind: LayerKind, classes = 10): LayerSpec {
  switch (kind) {
    case 'conv':
      return { kind: 'conv', filters: 8, kernel: 3, stride: 1, padding: 1, activation: 'relu' };
    case 'pool':
      return { kind: 'pool', mode: 'max', size: 2, stride: 2 };
    case 'fc':
      return { kind: 'fc', units: 64, activation: 'relu' };
    case 'classify':
      return { kind: 'classify', classes };
  }
}

function withLayers(spec: NetworkSpec, layers: LayerSpec[]): NetworkSpec {
  // An edited preset is no longer that preset.
  return { input: { ...spec.input }, layers };
}

/**
 * Adds a layer of `kind` where it can go: conv and pool after the last conv or pool (before the
 * fully connected part), fc just before classify, classify at the end.
 */
export function addLayer(spec: NetworkSpec, kind: LayerKind): NetworkSpec {
  const layers = spec.layers.map((l) => structuredClone(l));
  const firstDense = layers.findIndex((l) => l.kind === 'fc' || l.kind === 'classify');
  const classify = layers.findIndex((l) => l.kind === 'classify');
  const classes = classify >= 0 ? (layers[classify] as { classes: number }).classes : 10;
  let at = layers.length;
  if (kind === 'conv' || kind === 'pool') at = firstDense >= 0 ? firstDense : layers.length;
  else if (kind === 'fc') at = classify >= 0 ? classify : layers.length;
  layers.splice(at, 0, newLayer(kind, classes));
  return withLayers(spec, layers);
}

export function removeLayer(spec: NetworkSpec, index: number): NetworkSpec {
  return withLayers(
    spec,
    spec.layers.filter((_, i) => i !== index).map((l) => structuredClone(l)),
  );
}

/** Swaps layer `index` with its neighbour (`by` -1 up, +1 down); out of range leaves it. */
export function moveLayer(spec: NetworkSpec, index: number, by: -1 | 1): NetworkSpec {
  const layers = spec.layers.map((l) => structuredClone(l));
  const other = index + by;
  if (other < 0 || other >= layers.length) return withLayers(spec, layers);
  [layers[index], layers[other]] = [layers[other], layers[index]];
  return withLayers(spec, layers);
}

/** Sets one field of layer `index` (a number, or a string such as an activation or pool mode). */
export function setLayerField(
  spec: NetworkSpec,
  index: number,
  field: string,
  value: number | string,
): NetworkSpec {
  const layers = spec.layers.map((l, i) =>
    i === index ? ({ ...l, [field]: value } as LayerSpec) : structuredClone(l),
  );
  return withLayers(spec, layers);
}
