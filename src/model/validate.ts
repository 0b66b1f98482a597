// Validation of a whole network spec (fields, layer order, shapes, device limits) and of a training
// setup, run before any GPU work; describeNetwork returns the shapes and op params of a valid spec.
// Every problem is reported, not only the first. Field and order rules live in layer-checks.ts.

import { requirePositiveInteger } from '../ops/validate.ts';
import { checkInput, checkLayerFields, checkLayerOrder, isRecord, unknownFields } from './layer-checks.ts';
import { deviceLimitProblems, type DeviceLimits } from './limits.ts';
import {
  describeLayer,
  networkTotals,
  type LayerDescription,
  type NetworkDescription,
  type Shape3,
} from './shapes.ts';
import {
  SpecError,
  layerLocation,
  show,
  type LayerSpec,
  type NetworkSpec,
  type SpecProblem,
} from './spec.ts';

/** What validateNetwork checks against a device: the batch the network will train with, and its limits. */
export interface DeviceCheck {
  batch: number;
  limits: DeviceLimits;
}

export interface TrainingSetup {
  batch: number;
  /** Examples in the training set. */
  trainCount: number;
}

/** Why a layer that passed its field checks does not fit its input, or null when it fits. */
function fitProblem(d: LayerDescription, where: string, networkInput: Shape3): string | null {
  if (d.outputShape[1] >= 1 && d.outputShape[2] >= 1) return null;
  const [, height, width] = d.inputShape;
  let problem: string;
  let fix: string;
  if (d.kind === 'conv') {
    const { kernelH, kernelW, padding } = d.conv2d;
    const padded = `${height + 2 * padding}x${width + 2 * padding}`;
    problem = `its ${kernelH}x${kernelW} kernel is larger than its ${height}x${width} input`;
    if (padding > 0) problem += ` padded to ${padded}`;
    fix = `use a kernel of at most ${padded}, or more padding`;
  } else if (d.kind === 'pool') {
    const size = d.pool2d.kernel;
    problem = `its ${size}x${size} window is larger than its ${height}x${width} input (pooling has no padding)`;
    fix = `use a size of at most ${Math.min(height, width)}`;
  } else {
    return null; // fc and classify take any input
  }
  const [, netHeight, netWidth] = networkInput;
  if (height !== netHeight || width !== netWidth) {
    const window = d.kind === 'conv' ? 'kernel' : 'size';
    fix =
      `the layers before it shrink the ${netHeight}x${netWidth} input to ${height}x${width}: use a smaller ` +
      `${window}, pad the conv layers before it, or remove a pool layer`;
  }
  return `${where}: ${problem}, so the output would be empty; ${fix}`;
}

/** Every problem in `spec` (checked as unknown JSON), and its description when there are none. */
function walkNetwork(spec: unknown): { problems: SpecProblem[]; description: NetworkDescription | null } {
  if (!isRecord(spec)) {
    const message = `a network spec must be an object { name?, input, layers }, got ${show(spec)}; start from a preset`;
    return { problems: [{ layerIndex: null, message }], description: null };
  }
  const problems: SpecProblem[] = [];
  const addNetwork = (message: string) => problems.push({ layerIndex: null, message });
  unknownFields('network', spec, ['name', 'input', 'layers'], 'a network').forEach(addNetwork);
  if (spec.name !== undefined && typeof spec.name !== 'string') {
    addNetwork(`network: name must be a string, got ${show(spec.name)}; use e.g. "lenet5" or leave it out`);
  }
  const inputProblems = checkInput(spec.input);
  inputProblems.forEach(addNetwork);
  if (!Array.isArray(spec.layers)) {
    addNetwork(
      `network: layers must be an array, got ${show(spec.layers)}; e.g. [{ "kind": "classify", "classes": 10 }]`,
    );
    return { problems, description: null };
  }
  const order = checkLayerOrder(spec.layers);
  const input = spec.input as { channels: number; height: number; width: number };
  const networkInput: Shape3 = [input.channels, input.height, input.width];
  // Shapes are inferred only up to the first layer that is malformed or misplaced: past it they are unknown.
  let shape: Shape3 | null = inputProblems.length === 0 ? networkInput : null;
  const layers: LayerDescription[] = [];
  spec.layers.forEach((layer: unknown, index) => {
    const layerProblems = [...checkLayerFields(index, layer)];
    const misplaced = order.filter((p) => p.layerIndex === index).map((p) => p.message);
    if (layerProblems.length === 0 && misplaced.length === 0 && shape !== null) {
      const described = describeLayer(layer as LayerSpec, index, shape, 1);
      const fit = fitProblem(described, layerLocation(index, layer), networkInput);
      if (fit) layerProblems.push(fit);
      else layers.push(described);
      shape = fit ? null : described.outputShape;
    } else {
      shape = null;
    }
    [...layerProblems, ...misplaced].forEach((message) => problems.push({ layerIndex: index, message }));
  });
  problems.push(...order.filter((p) => p.layerIndex === null));
  if (problems.length > 0) return { problems, description: null };
  const name = spec.name as string | undefined;
  const description = {
    name,
    batch: 1,
    input: networkInput,
    layers,
    totals: networkTotals(networkInput, layers),
  };
  return { problems, description };
}

function batchProblems(batch: number): SpecProblem[] {
  try {
    requirePositiveInteger('batch', 'batch', batch);
    return [];
  } catch (error) {
    return [{ layerIndex: null, message: (error as Error).message.replace(/^batch: /, '') }];
  }
}

/**
 * Every problem with `spec` (which may be unchecked JSON), each naming the layer and the fix; an
 * empty list means it is valid. With `device`, also checks that it fits that device at that batch.
 */
export function validateNetwork(spec: NetworkSpec, device?: DeviceCheck): SpecProblem[] {
  const { problems, description } = walkNetwork(spec);
  if (!device) return problems;
  const batch = batchProblems(device.batch);
  if (batch.length > 0 || !description) return [...problems, ...batch];
  return deviceLimitProblems(description, device.batch, device.limits);
}

/** Throws a SpecError listing every problem unless `spec` is valid (and fits `device`, if given). */
export function assertValidNetwork(spec: unknown, device?: DeviceCheck): asserts spec is NetworkSpec {
  const problems = validateNetwork(spec as NetworkSpec, device);
  if (problems.length > 0) throw new SpecError(problems);
}

/** Shapes, parameter counts and op params (with this batch) of every layer; throws SpecError if invalid. */
export function describeNetwork(spec: NetworkSpec, batch = 1): NetworkDescription {
  const walked = walkNetwork(spec);
  const problems = [...walked.problems, ...batchProblems(batch)];
  const base = walked.description;
  if (problems.length > 0 || !base) throw new SpecError(problems);
  if (batch === 1) return base;
  const layers = spec.layers.map((layer, i) => describeLayer(layer, i, base.layers[i].inputShape, batch));
  return { ...base, batch, layers };
}

/** Problems with training `trainCount` examples in batches of `batch` (batches never exceed the data). */
export function validateTraining(setup: TrainingSetup): SpecProblem[] {
  const problems = batchProblems(setup.batch);
  if (!Number.isInteger(setup.trainCount) || setup.trainCount < 1) {
    const message = `the training set must hold at least 1 example, got ${show(setup.trainCount)}; load a dataset first`;
    problems.push({ layerIndex: null, message });
  } else if (problems.length === 0 && setup.batch > setup.trainCount) {
    const message =
      `batch ${setup.batch} is larger than the ${setup.trainCount} training examples; ` +
      `use a batch of at most ${setup.trainCount}`;
    problems.push({ layerIndex: null, message });
  }
  return problems;
}

/** Throws a SpecError listing every problem unless validateTraining finds none. */
export function assertValidTraining(setup: TrainingSetup): void {
  const problems = validateTraining(setup);
  if (problems.length > 0) throw new SpecError(problems);
}
