// What the training CLI writes when a run ends: the .convscope checkpoint, the .safetensors export,
// one filters-layer<k>.png per conv layer and one featuremaps-layer<k>.png per conv and pool layer
// (the first FEATURE_MAP_IMAGES test images). Feature maps come from the trained parameters loaded
// into a CpuNetwork at that batch: the same parameters give the same maps on either backend.
// The PNG encoding (pngjs) lives here; the pictures themselves are built in src/viz.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { PIXEL_SCALE } from '../data/batching.ts';
import type { Dataset } from '../data/dataset.ts';
import { encodeCheckpoint, type Checkpoint } from '../model/checkpoint.ts';
import { CpuNetwork } from '../model/cpu-network.ts';
import { exportSafetensors } from '../model/safetensors.ts';
import { describeNetwork } from '../model/validate.ts';
import { featureMapMontage, filterMontage } from '../viz/layer-montages.ts';
import type { RgbaImage } from '../viz/montage.ts';

export const FEATURE_MAP_IMAGES = 4;

export function encodePng(image: RgbaImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png);
}

/** Runs the first `count` test images through the network on the CPU; returns it for its layer outputs. */
export function forwardTestImages(checkpoint: Checkpoint, dataset: Dataset, count: number): CpuNetwork {
  const network = new CpuNetwork(describeNetwork(checkpoint.spec, count));
  network.params.set(checkpoint.parameters);
  const pixels = network.images.length / count;
  for (let n = 0; n < count; n++) {
    for (let p = 0; p < pixels; p++) {
      network.images[n * pixels + p] = dataset.test.images[n * pixels + p] * PIXEL_SCALE;
    }
    network.labels[n] = dataset.test.labels[n];
  }
  network.forward();
  return network;
}

/** Writes every file into `dir` (created if needed); returns the file names written, in order. */
export async function writeRunOutputs(
  dir: string,
  checkpoint: Checkpoint,
  dataset: Dataset,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, Uint8Array][] = [
    ['checkpoint.convscope', encodeCheckpoint(checkpoint)],
    ['weights.safetensors', exportSafetensors(checkpoint.spec, checkpoint.parameters)],
  ];
  const count = Math.min(FEATURE_MAP_IMAGES, dataset.test.count);
  const network = forwardTestImages(checkpoint, dataset, count);
  for (const layer of network.layers) {
    const d = layer.description;
    if (d.kind === 'conv') {
      const slice = network.layout.layers.find((l) => l.layerIndex === d.index)!.weight;
      const weights = checkpoint.parameters.subarray(slice.offset, slice.offset + slice.length);
      files.push([`filters-layer${d.index}.png`, encodePng(filterMontage(weights, d.conv2d))]);
    }
    if (d.kind === 'conv' || d.kind === 'pool') {
      const [channels, height, width] = d.outputShape;
      const image = featureMapMontage(layer.output, { count, channels, height, width });
      files.push([`featuremaps-layer${d.index}.png`, encodePng(image)]);
    }
  }
  await Promise.all(files.map(([name, bytes]) => writeFile(join(dir, name), bytes)));
  return files.map(([name]) => name);
}
