// What the layer editor shows beside each layer of a draft spec: its output shape and parameter
// count (known up to the first layer that is wrong), the validation problems that name it, and the
// problems of the network as a whole. Pure: validate.ts finds the problems, shapes.ts the shapes.

import { describeLayer, type Shape3 } from '../model/shapes.ts';
import type { LayerSpec, NetworkSpec } from '../model/spec.ts';
import { validateNetwork } from '../model/validate.ts';

export interface LayerRow {
  index: number;
  /** [channels, height, width] after the layer; null where unknown (a problem here or before). */
  outputShape: Shape3 | null;
  params: number | null;
  problems: string[];
}

export interface SpecSummary {
  rows: LayerRow[];
  /** Problems not tied to one layer (e.g. no classify layer at the end). */
  networkProblems: string[];
  valid: boolean;
  /** Total parameters, when valid. */
  params: number | null;
}

/** Strips the "layer 3 (conv 5x5 x6 relu): " prefix: the editor shows the message beside that layer. */
export function messageForRow(message: string): string {
  return message.replace(/^layer \d+ \([^)]*\): /, '');
}

export function summarizeSpec(spec: NetworkSpec): SpecSummary {
  const problems = validateNetwork(spec);
  const rows: LayerRow[] = spec.layers.map((_, index) => ({
    index,
    outputShape: null,
    params: null,
    problems: [],
  }));
  const networkProblems: string[] = [];
  for (const p of problems) {
    if (p.layerIndex === null || !rows[p.layerIndex]) networkProblems.push(p.message);
    else rows[p.layerIndex].problems.push(messageForRow(p.message));
  }
  let shape: Shape3 | null = [spec.input.channels, spec.input.height, spec.input.width];
  let total = 0;
  spec.layers.forEach((layer: LayerSpec, index) => {
    if (shape === null || rows[index].problems.length > 0) {
      shape = null;
      return;
    }
    const described = describeLayer(layer, index, shape, 1);
    shape = described.outputShape.every((n) => n >= 1) ? described.outputShape : null;
    rows[index].outputShape = shape;
    rows[index].params = shape ? described.params : null;
    total += described.params;
  });
  const valid = problems.length === 0;
  return { rows, networkProblems, valid, params: valid ? total : null };
}

/** "6x28x28" for conv and pool outputs, "120" for fc and classify. */
export function formatShape(shape: Shape3 | null): string {
  if (!shape) return '?';
  return shape[1] === 1 && shape[2] === 1 ? `${shape[0]}` : `${shape[0]}x${shape[1]}x${shape[2]}`;
}
