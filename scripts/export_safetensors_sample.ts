// Writes, for scripts/check_safetensors.py, each sample network's parameters as .safetensors
// (exportSafetensors) and a fixed input with the logits our CPU backend computes for it.
// Run: npx tsx scripts/export_safetensors_sample.ts <out-dir>. Not a test; nothing reads it in CI.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CpuBackend } from '../src/model/cpu-backend.ts';
import { preset } from '../src/model/presets.ts';
import { exportSafetensors, writeSafetensors } from '../src/model/safetensors.ts';
import type { NetworkSpec } from '../src/model/spec.ts';
import { describeNetwork } from '../src/model/validate.ts';
import { Random } from '../src/util/random.ts';

const BATCH = 3;
const odd: NetworkSpec = {
  name: 'odd',
  input: { channels: 2, height: 11, width: 9 },
  layers: [
    { kind: 'conv', filters: 5, kernel: [3, 2], stride: 2, padding: 1, activation: 'tanh' },
    { kind: 'pool', mode: 'avg', size: 2, stride: 1 },
    { kind: 'conv', filters: 4, kernel: 2, activation: 'none' },
    { kind: 'pool', mode: 'max', size: 2 },
    { kind: 'fc', units: 7, activation: 'sigmoid' },
    { kind: 'classify', classes: 3 },
  ],
};

const outDir = process.argv[2];
if (!outDir) throw new Error('usage: npx tsx scripts/export_safetensors_sample.ts <out-dir>');
mkdirSync(outDir, { recursive: true });
const networks: [string, NetworkSpec][] = [
  ['lenet5', preset('lenet5')],
  ['seed', preset('seed')],
  ['odd', odd],
];
for (const [name, spec] of networks) {
  const backend = CpuBackend.create(describeNetwork(spec, BATCH), { seed: 7 });
  const net = backend.network;
  // Biases start at zero; give them values so a misplaced bias would show in the logits.
  for (const slice of net.layout.layers)
    new Random(slice.layerIndex).fillUniform(
      net.params.subarray(slice.bias.offset, slice.bias.offset + slice.bias.length),
      -0.5,
      0.5,
    );
  new Random(99).fillUniform(net.images, 0, 1);
  net.forward();
  const { channels, height, width } = spec.input;
  writeFileSync(join(outDir, `${name}.safetensors`), exportSafetensors(spec, net.params));
  const sample = writeSafetensors([
    { name: 'input', shape: [BATCH, channels, height, width], data: net.images },
    { name: 'logits', shape: [BATCH, net.head.output.length / BATCH], data: net.head.output },
  ]);
  writeFileSync(join(outDir, `${name}.sample.safetensors`), sample);
}
console.log(`wrote ${networks.map(([n]) => n).join(', ')} to ${outDir}`);
