// Checks on the fields of one layer (and of `input`) and on the order of layers, done on unknown
// values because specs arrive as JSON. Each returns messages that start with the layer's location.
// Not shape checks: whether a layer fits its input is checked by the walk in validate.ts.

import { validateActivation } from '../ops/activation.ts';
import { validateSoftmaxCrossEntropy } from '../ops/softmax_cross_entropy.ts';
import { requireNonNegativeInteger, requirePositiveInteger } from '../ops/validate.ts';
import {
  LAYER_FIELDS,
  LAYER_KINDS,
  POOL_MODES,
  layerLocation,
  show,
  type LayerKind,
  type SpecProblem,
} from './spec.ts';

type Fields = Record<string, unknown>;

export function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLayerKind(kind: unknown): kind is LayerKind {
  return (LAYER_KINDS as readonly unknown[]).includes(kind);
}

/** The op name given to src/ops's require* helpers; attempt() replaces it with the layer's location. */
const SPEC = 'spec';

/** Runs an src/ops check and returns its message re-addressed to `where` (the op's prefix dropped). */
function attempt(where: string, check: () => void): string[] {
  try {
    check();
    return [];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [`${where}: ${message.replace(/^[a-z_0-9]+: /, '')}`];
  }
}

function positive(where: string, fields: Fields, name: string): string[] {
  return attempt(where, () => requirePositiveInteger(SPEC, name, fields[name] as number));
}

/** Optional fields are checked only when present; a default then applies (see spec.ts). */
function optional(fields: Fields, name: string, check: () => string[]): string[] {
  return fields[name] === undefined ? [] : check();
}

export function unknownFields(
  where: string,
  fields: Fields,
  allowed: readonly string[],
  what: string,
): string[] {
  return Object.keys(fields)
    .filter((key) => !allowed.includes(key))
    .map((key) => `${where}: unknown field ${show(key)}; the fields of ${what} are ${allowed.join(', ')}`);
}

export function checkInput(input: unknown): string[] {
  if (!isRecord(input)) {
    return [`input: must be an object { channels, height, width }, got ${show(input)}; MNIST is 1, 28, 28`];
  }
  const fields = ['channels', 'height', 'width'];
  return [
    ...unknownFields('input', input, fields, 'input'),
    ...fields.flatMap((name) => positive('input', input, name)),
  ];
}

function checkKernel(where: string, kernel: unknown): string[] {
  if (Array.isArray(kernel)) {
    if (kernel.length !== 2) {
      return [`${where}: kernel must be a number or [height, width], got ${show(kernel)}; e.g. 5 or [5, 3]`];
    }
    return attempt(where, () => {
      requirePositiveInteger(SPEC, 'kernel height', kernel[0]);
      requirePositiveInteger(SPEC, 'kernel width', kernel[1]);
    });
  }
  return attempt(where, () => requirePositiveInteger(SPEC, 'kernel', kernel as number));
}

/** Padding >= kernel would make the outermost outputs see nothing but padding. */
function checkPaddingBelowKernel(where: string, layer: Fields): string[] {
  const [kh, kw] = Array.isArray(layer.kernel) ? layer.kernel : [layer.kernel, layer.kernel];
  const padding = (layer.padding ?? 0) as number;
  const smallest = Math.min(kh, kw);
  if (padding < smallest) return [];
  const keepsSize = kh === kw && kh % 2 === 1 ? `; padding ${(kh - 1) / 2} keeps the size at stride 1` : '';
  return [
    `${where}: padding ${padding} is not smaller than the ${kh}x${kw} kernel, so the outermost outputs ` +
      `would see only padding; use padding of at most ${smallest - 1}${keepsSize}`,
  ];
}

function checkConv(where: string, layer: Fields): string[] {
  const problems = [
    ...positive(where, layer, 'filters'),
    ...checkKernel(where, layer.kernel),
    ...optional(layer, 'stride', () => positive(where, layer, 'stride')),
    ...optional(layer, 'padding', () =>
      attempt(where, () => requireNonNegativeInteger(SPEC, 'padding', layer.padding as number)),
    ),
    ...attempt(where, () => validateActivation(layer.activation as string)),
  ];
  return problems.length > 0 ? problems : checkPaddingBelowKernel(where, layer);
}

function checkPool(where: string, layer: Fields): string[] {
  const mode = POOL_MODES.includes(layer.mode as never)
    ? []
    : [`${where}: mode must be "max" or "avg", got ${show(layer.mode)}; pick one of those`];
  return [
    ...mode,
    ...positive(where, layer, 'size'),
    ...optional(layer, 'stride', () => positive(where, layer, 'stride')),
  ];
}

/** Every problem with one layer's own fields; an empty list means describeLayer may use it. */
export function checkLayerFields(index: number, layer: unknown): string[] {
  const where = layerLocation(index, layer);
  if (!isRecord(layer)) return [`${where}: each layer must be an object with a "kind"`];
  if (!isLayerKind(layer.kind)) {
    return [
      `${where}: kind must be one of ${LAYER_KINDS.join(', ')}, got ${show(layer.kind)}; pick one of those`,
    ];
  }
  const unknown = unknownFields(where, layer, LAYER_FIELDS[layer.kind], `a ${layer.kind} layer`);
  switch (layer.kind) {
    case 'conv':
      return [...unknown, ...checkConv(where, layer)];
    case 'pool':
      return [...unknown, ...checkPool(where, layer)];
    case 'fc':
      return [
        ...unknown,
        ...positive(where, layer, 'units'),
        ...attempt(where, () => validateActivation(layer.activation as string)),
      ];
    case 'classify':
      return [
        ...unknown,
        ...attempt(where, () => validateSoftmaxCrossEntropy({ batch: 1, classes: layer.classes as number })),
      ];
  }
}

/**
 * The order rules: conv and pool layers, then fc layers, then exactly one classify, last.
 * Returns one problem per layer out of place, and one for the whole network if classify is missing.
 */
export function checkLayerOrder(layers: readonly unknown[]): SpecProblem[] {
  const problems: SpecProblem[] = [];
  let firstFc = -1;
  let classifyAt = -1;
  layers.forEach((layer, index) => {
    const kind = isRecord(layer) ? layer.kind : undefined;
    const where = layerLocation(index, layer);
    if (classifyAt >= 0) {
      const classify = layerLocation(classifyAt, layers[classifyAt]);
      const message =
        kind === 'classify'
          ? `${where}: a network has exactly one classify layer and ${classify} is already one; remove one of them`
          : `${where}: comes after ${classify}, but classify must be the last layer; move this layer before it or remove it`;
      problems.push({ layerIndex: index, message });
    } else if (kind === 'classify') {
      classifyAt = index;
    } else if (kind === 'fc') {
      if (firstFc < 0) firstFc = index;
    } else if ((kind === 'conv' || kind === 'pool') && firstFc >= 0) {
      const fc = layerLocation(firstFc, layers[firstFc]);
      problems.push({
        layerIndex: index,
        message:
          `${where}: a ${kind} layer cannot follow ${fc}, because fc layers work on flattened features; ` +
          `move this layer before ${fc} or remove it`,
      });
    }
  });
  if (classifyAt < 0) {
    problems.push({
      layerIndex: null,
      message:
        'the network has no classify layer; end it with { "kind": "classify", "classes": 10 } ' +
        '(the number of classes in the data)',
    });
  }
  return problems;
}
