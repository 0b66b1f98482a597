// Synthetic data for the view demo page (views.html): lenet5-shaped filter snapshots that grow
// from noise into edge detectors (one filter dies), probed digits rendered from a font with their
// feature maps computed by the CPU reference, and a made-up test-set evaluation. Seeded, so
// screenshots are repeatable. Browser only (it draws digits with a 2D canvas). Not a test.

import type {
  ConvFilters,
  EvaluationView,
  FeatureMaps,
  FilterSnapshot,
  ProbeView,
} from '../../src/app/view-types.ts';
import { PIXEL_SCALE } from '../../src/data/batching.ts';
import { activationForward } from '../../src/reference/activation.ts';
import { conv2dForward } from '../../src/reference/conv2d.ts';
import { maxPool2dForward } from '../../src/reference/max_pool2d.ts';
import { Random } from '../../src/util/random.ts';

/** A 28x28 digit drawn in a bold font, slightly rotated, as MNIST-like bytes. */
export function digitBytes(digit: number, random: Random): Uint8Array {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 28;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.fillStyle = '#fff';
  ctx.translate(14, 15);
  ctx.rotate(random.uniform(-0.25, 0.25));
  ctx.font = `bold ${Math.round(random.uniform(19, 23))}px sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(String(digit), random.uniform(-1.5, 1.5), 0);
  const rgba = ctx.getImageData(0, 0, 28, 28).data;
  return Uint8Array.from({ length: 784 }, (_, p) => rgba[p * 4 + 3]);
}

function layer(
  index: number,
  outC: number,
  inC: number,
  k: number,
  weights: Float32Array,
  bias: Float32Array,
): ConvFilters {
  const label = `conv ${k}x${k} x${outC}`;
  return {
    layerIndex: index,
    label,
    outChannels: outC,
    inChannels: inC,
    kernelHeight: k,
    kernelWidth: k,
    weights,
    bias,
  };
}

/** An oriented edge detector (a Gabor-like pattern) of size k x k. */
function edge(k: number, angle: number, phase: number): Float32Array {
  const out = new Float32Array(k * k);
  const c = (k - 1) / 2;
  for (let y = 0; y < k; y++) {
    for (let x = 0; x < k; x++) {
      const u = (x - c) * Math.cos(angle) + (y - c) * Math.sin(angle);
      out[y * k + x] = Math.cos(1.6 * u + phase) * Math.exp(-((x - c) ** 2 + (y - c) ** 2) / (k * 1.2));
    }
  }
  return out;
}

/** lenet5's two conv layers at training progress t in [0, 1]: noise turning into structure. */
export function lenetFilters(t: number, step: number): FilterSnapshot {
  const random = new Random(7);
  const w1 = new Float32Array(6 * 25);
  for (let o = 0; o < 6; o++) {
    const target = edge(5, (o * Math.PI) / 5, o % 2 ? 0 : Math.PI / 2);
    // Filter 5 dies: it decays to zero, which the fixed scale makes visible.
    const growth = o === 5 ? 1 - t : 0.3 + 0.9 * t;
    for (let p = 0; p < 25; p++) w1[o * 25 + p] = (1 - t) * 0.3 * random.normal() + t * target[p] * growth;
    if (o === 5) for (let p = 0; p < 25; p++) w1[o * 25 + p] *= 1 - t;
  }
  const w2 = new Float32Array(16 * 6 * 25);
  for (let i = 0; i < w2.length; i++) w2[i] = 0.08 * random.normal() * (1 + t);
  const b1 = Float32Array.from({ length: 6 }, () => 0.05 * random.normal());
  const b2 = Float32Array.from({ length: 16 }, () => 0.05 * random.normal());
  return {
    step,
    epoch: Math.floor(step / 938),
    layers: [layer(0, 6, 1, 5, w1, b1), layer(2, 16, 6, 5, w2, b2)],
  };
}

/** convnet's conv layers (32 3x3, 64x32 3x3): large enough for the channel-mean view. */
export function convnetFilters(): FilterSnapshot {
  const random = new Random(11);
  const w1 = new Float32Array(32 * 9).map(() => 0.4 * random.normal());
  const w2 = new Float32Array(64 * 32 * 9).map(() => 0.08 * random.normal());
  return {
    step: 1200,
    epoch: 1,
    layers: [layer(0, 32, 1, 3, w1, new Float32Array(32)), layer(1, 64, 32, 3, w2, new Float32Array(64))],
  };
}

function convRelu(input: Float32Array, count: number, l: ConvFilters, size: number, padding: number) {
  const p = {
    batch: count,
    inChannels: l.inChannels,
    inHeight: size,
    inWidth: size,
    outChannels: l.outChannels,
  };
  const params = { ...p, kernelH: l.kernelHeight, kernelW: l.kernelWidth, stride: 1, padding };
  const outSize = size + 2 * padding - l.kernelHeight + 1;
  const out = new Float32Array(count * l.outChannels * outSize * outSize);
  conv2dForward(out, input, l.weights, l.bias, params);
  activationForward(out, out, 'relu');
  return { data: out, size: outSize };
}

function pool(input: Float32Array, count: number, channels: number, size: number) {
  const out = new Float32Array((count * channels * size * size) / 4);
  const p = { batch: count, channels, inHeight: size, inWidth: size, kernel: 2, stride: 2 };
  maxPool2dForward(out, new Int32Array(out.length), input, p);
  return { data: out, size: size / 2 };
}

function maps(
  index: number,
  kind: 'conv' | 'pool',
  label: string,
  channels: number,
  size: number,
  data: Float32Array,
): FeatureMaps {
  return { layerIndex: index, kind, label, channels, height: size, width: size, data };
}

/** Softmax of logits favouring `favour`, with some confusion. */
function softmaxRow(random: Random, classes: number, favour: number, strength: number): number[] {
  const logits = Array.from({ length: classes }, (_, c) => random.normal() + (c === favour ? strength : 0));
  const top = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** A probe of `digits` (null = a drawn image, shown as a 3) through lenet5 at the given filters. */
export function lenetProbe(filters: FilterSnapshot, digits: (number | null)[], wrong: number): ProbeView {
  const random = new Random(3);
  const count = digits.length;
  const inputs = new Float32Array(count * 784);
  digits.forEach((d, n) =>
    digitBytes(d ?? 3, random).forEach((b, p) => (inputs[n * 784 + p] = b * PIXEL_SCALE)),
  );
  const [l1, l2] = filters.layers;
  const c1 = convRelu(inputs, count, l1, 28, 2);
  const p1 = pool(c1.data, count, 6, c1.size);
  const c2 = convRelu(p1.data, count, l2, p1.size, 0);
  const p2 = pool(c2.data, count, 16, c2.size);
  const probabilities = new Float32Array(count * 10);
  digits.forEach((d, n) => {
    const favour = n === wrong ? ((d ?? 3) + 5) % 10 : (d ?? 3);
    probabilities.set(softmaxRow(random, 10, favour, n === wrong ? 2 : 3 + n), n * 10);
  });
  return {
    step: filters.step,
    count,
    inputs,
    inputShape: [1, 28, 28],
    labels: digits,
    testIndices: digits.map((d, n) => (d === null ? null : 100 + n)),
    maps: [
      maps(0, 'conv', 'conv 5x5 x6', 6, c1.size, c1.data),
      maps(1, 'pool', 'max pool 2', 6, p1.size, p1.data),
      maps(2, 'conv', 'conv 5x5 x16', 16, c2.size, c2.data),
      maps(3, 'pool', 'max pool 2', 16, p2.size, p2.data),
    ],
    probabilities,
    classes: 10,
  };
}

/** A made-up evaluation of `examples` test images with their labels and images. */
export function evaluation(examples: number) {
  const random = new Random(5);
  const labels = Uint8Array.from({ length: examples }, () => random.int(10));
  const predictions = labels.map((l) =>
    random.next() < 0.93 ? l : random.next() < 0.5 ? (l + 5) % 10 : random.int(10),
  );
  const confusion = new Uint32Array(100);
  labels.forEach((l, i) => confusion[l * 10 + predictions[i]]++);
  const correct = labels.filter((l, i) => l === predictions[i]).length;
  const view: EvaluationView = {
    step: 2814,
    examples,
    loss: 0.2315,
    accuracy: correct / examples,
    classes: 10,
    confusion,
    predictions,
  };
  const images = new Map<number, Uint8Array>();
  const imageRandom = new Random(9);
  const testImage = (i: number) => {
    if (!images.has(i)) images.set(i, digitBytes(labels[i], imageRandom));
    return { width: 28, height: 28, bytes: images.get(i)! };
  };
  return { view, labels, testImage };
}
