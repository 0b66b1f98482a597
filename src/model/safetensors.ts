// The published .safetensors format (8-byte little-endian header length, a JSON header of
// {name: {dtype, shape, data_offsets}} plus an optional "__metadata__" string map, then the raw
// little-endian data), float32 only, and the export of a network's parameters under the names
// PyTorch gives them in the equivalent nn.Sequential (docs/checkpoints.md). Pure TS over
// Uint8Array, so it runs in the browser and in Node. Not our own checkpoint format (checkpoint.ts).

import { parameterLayout } from './layout.ts';
import { convKernel, convPadding, convStride, poolStride, type NetworkSpec } from './spec.ts';
import { describeNetwork } from './validate.ts';

export interface SafetensorsTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  /** In file order (by data offset). */
  tensors: SafetensorsTensor[];
  metadata: Record<string, string>;
}

/** A file this module cannot read, with what is wrong. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const HEADER_PREFIX = 8;

/** Serialises float32 tensors (in the given order) and string metadata. */
export function writeSafetensors(
  tensors: readonly SafetensorsTensor[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const elements = t.shape.reduce((a, b) => a * b, 1);
    if (elements !== t.data.length) {
      throw new SafetensorsError(
        `tensor ${t.name}: shape [${t.shape}] holds ${elements} values, data has ${t.data.length}`,
      );
    }
    if (t.name in header) throw new SafetensorsError(`tensor ${t.name} appears twice`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const unpadded = new TextEncoder().encode(JSON.stringify(header));
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  const json = new Uint8Array(Math.ceil(unpadded.length / 8) * 8).fill(0x20);
  json.set(unpadded);
  const bytes = new Uint8Array(HEADER_PREFIX + json.length + offset);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, HEADER_PREFIX);
  let at = HEADER_PREFIX + json.length;
  for (const t of tensors) {
    writeFloat32LE(bytes, at, t.data);
    at += t.data.byteLength;
  }
  return bytes;
}

/** Parses a float32 .safetensors file; throws SafetensorsError on anything malformed. */
export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < HEADER_PREFIX) throw new SafetensorsError(`file too short (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  const dataStart = HEADER_PREFIX + headerLength;
  if (dataStart > bytes.length) {
    throw new SafetensorsError(
      `header length ${headerLength} runs past the end of the ${bytes.length}-byte file`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (error) {
    throw new SafetensorsError(`header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  const { __metadata__: metadata = {}, ...entries } = header;
  const found: { begin: number; tensor: SafetensorsTensor }[] = [];
  const data = bytes.subarray(dataStart);
  for (const [name, entry] of Object.entries(entries)) {
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (dtype !== 'F32')
      throw new SafetensorsError(`tensor ${name}: dtype ${String(dtype)}, only F32 is read`);
    const dims = Array.isArray(shape) && shape.every((n) => Number.isInteger(n) && n >= 0) ? shape : null;
    const [begin, end] = Array.isArray(offsets) ? (offsets as number[]) : [NaN, NaN];
    const elements = dims ? dims.reduce((a: number, b: number) => a * b, 1) : NaN;
    if (!dims || !(begin >= 0 && end <= data.length && end - begin === elements * 4)) {
      throw new SafetensorsError(
        `tensor ${name}: shape ${JSON.stringify(shape)} and data_offsets ${JSON.stringify(offsets)} do not fit the file`,
      );
    }
    found.push({ begin, tensor: { name, shape: dims, data: readFloat32LE(data, begin, elements) } });
  }
  if (
    typeof metadata !== 'object' ||
    metadata === null ||
    Object.values(metadata).some((v) => typeof v !== 'string')
  ) {
    throw new SafetensorsError('__metadata__ must map names to strings');
  }
  found.sort((a, b) => a.begin - b.begin);
  return { tensors: found.map((f) => f.tensor), metadata: metadata as Record<string, string> };
}

function writeFloat32LE(bytes: Uint8Array, at: number, values: Float32Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, values.byteLength);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
}

function readFloat32LE(bytes: Uint8Array, at: number, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, count * 4);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** One module of the equivalent nn.Sequential; `layerIndex` is the spec layer it comes from. */
export interface TorchModule {
  index: number;
  layerIndex: number;
  /** Python source of the module, e.g. "nn.Conv2d(1, 6, kernel_size=(5, 5), stride=1, padding=2)". */
  source: string;
  /** The parameter shapes (weight, bias) of Conv2d and Linear; absent for the others. */
  parameters?: { weight: number[]; bias: number[] };
}

const TORCH_ACTIVATIONS = { relu: 'nn.ReLU()', sigmoid: 'nn.Sigmoid()', tanh: 'nn.Tanh()', none: null };

/**
 * The nn.Sequential equivalent to `spec`, module by module: Conv2d then its activation module,
 * MaxPool2d / AvgPool2d, Flatten before the first Linear, Linear then its activation; classify is
 * a Linear to the logits (the softmax lives in the loss, as with nn.CrossEntropyLoss).
 */
export function torchSequential(spec: NetworkSpec): TorchModule[] {
  const description = describeNetwork(spec, 1);
  const modules: TorchModule[] = [];
  const add = (layerIndex: number, source: string, parameters?: TorchModule['parameters']) =>
    modules.push({ index: modules.length, layerIndex, source, ...(parameters ? { parameters } : {}) });
  let flattened = false;
  spec.layers.forEach((layer, i) => {
    const d = description.layers[i];
    if (layer.kind === 'conv' && d.kind === 'conv') {
      const [kh, kw] = convKernel(layer);
      const p = d.conv2d;
      const args = `${p.inChannels}, ${p.outChannels}, kernel_size=(${kh}, ${kw}), stride=${convStride(layer)}, padding=${convPadding(layer)}`;
      add(i, `nn.Conv2d(${args})`, { weight: [p.outChannels, p.inChannels, kh, kw], bias: [p.outChannels] });
      const activation = TORCH_ACTIVATIONS[layer.activation];
      if (activation) add(i, activation);
    } else if (layer.kind === 'pool') {
      const kind = layer.mode === 'max' ? 'nn.MaxPool2d' : 'nn.AvgPool2d';
      add(i, `${kind}(kernel_size=${layer.size}, stride=${poolStride(layer)})`);
    } else if (d.kind === 'fc' || d.kind === 'classify') {
      if (!flattened) add(i, 'nn.Flatten()');
      flattened = true;
      const { inFeatures, outFeatures } = d.dense;
      add(i, `nn.Linear(${inFeatures}, ${outFeatures})`, {
        weight: [outFeatures, inFeatures],
        bias: [outFeatures],
      });
      const activation = d.kind === 'fc' ? TORCH_ACTIVATIONS[d.activation] : null;
      if (activation) add(i, activation);
    }
  });
  return modules;
}

/** Python source of the Sequential, one module per line with its index as a comment. */
export function torchSequentialSource(spec: NetworkSpec): string {
  const lines = torchSequential(spec).map((m) => `    ${m.source},  # ${m.index}`);
  return `nn.Sequential(\n${lines.join('\n')}\n)`;
}

/**
 * The parameters (flat layout, layout.ts) as a .safetensors file whose names ("0.weight",
 * "0.bias", "3.weight", ...) load into torchSequential(spec) with load_state_dict(strict=True).
 * The metadata carries the spec and the Sequential's source, plus any `metadata` given.
 */
export function exportSafetensors(
  spec: NetworkSpec,
  parameters: Float32Array,
  metadata: Record<string, string> = {},
): Uint8Array {
  const layout = parameterLayout(describeNetwork(spec, 1));
  if (parameters.length !== layout.length) {
    throw new SafetensorsError(
      `exportSafetensors: the spec's layout has ${layout.length} floats, the parameters ${parameters.length}`,
    );
  }
  const slices = new Map(layout.layers.map((l) => [l.layerIndex, l]));
  const tensors: SafetensorsTensor[] = [];
  for (const module of torchSequential(spec)) {
    const slice = slices.get(module.layerIndex);
    if (!module.parameters || !slice) continue;
    const view = (s: { offset: number; length: number }) =>
      parameters.subarray(s.offset, s.offset + s.length);
    tensors.push({
      name: `${module.index}.weight`,
      shape: module.parameters.weight,
      data: view(slice.weight),
    });
    tensors.push({ name: `${module.index}.bias`, shape: module.parameters.bias, data: view(slice.bias) });
  }
  return writeSafetensors(tensors, {
    format: 'pt',
    'convscope.spec': JSON.stringify(spec),
    'convscope.sequential': torchSequentialSource(spec),
    ...metadata,
  });
}
