// Turns a trained checkpoint into the small model fixture the visualisation tests load
// (test/fixtures/models/<name>.f32 + .json): the parameters alone, flat layout, little-endian f32
// (no optimizer state: a third of the checkpoint's size), plus what made them and their test accuracy.
// The committed lenet5 fixture came from
//   npm run train -- --net lenet5 --backend cpu --out out/lenet5-mnist-cpu     (seed 0, its recipe)
//   npx tsx scripts/make-model-fixture.ts out/lenet5-mnist-cpu/checkpoint.convscope lenet5-mnist
// Rerun both after a change to the parameter layout (test/helpers/model-fixture.ts names the fix).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../src/data/node-loader.ts';
import { CpuBackend } from '../src/model/cpu-backend.ts';
import { crc32, decodeCheckpoint } from '../src/model/checkpoint.ts';
import { describeNetwork } from '../src/model/validate.ts';

const [checkpointPath, name] = process.argv.slice(2);
if (!checkpointPath || !name)
  throw new Error('usage: npx tsx scripts/make-model-fixture.ts <checkpoint.convscope> <fixture-name>');
const checkpoint = decodeCheckpoint(readFileSync(checkpointPath));
const backend = CpuBackend.create(describeNetwork(checkpoint.spec, 100), {
  parameters: checkpoint.parameters,
});
await backend.setData(await loadDataset('mnist'));
const evaluation = await backend.evaluate('test');
const bytes = new Uint8Array(
  checkpoint.parameters.buffer,
  checkpoint.parameters.byteOffset,
  checkpoint.parameters.byteLength,
);
const dir = new URL('../test/fixtures/models/', import.meta.url).pathname;
writeFileSync(join(dir, `${name}.f32`), bytes);
const meta = {
  spec: checkpoint.spec,
  dataset: 'mnist',
  floats: checkpoint.parameters.length,
  crc32: crc32(bytes),
  seed: checkpoint.seed,
  batch: checkpoint.batch,
  steps: checkpoint.step,
  optimizer: checkpoint.optimizer,
  testAccuracy: evaluation.correct / evaluation.examples,
  madeBy:
    'npm run train -- --net lenet5 --backend cpu; npx tsx scripts/make-model-fixture.ts <checkpoint> <name>',
};
writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(meta, null, 2)}\n`);
console.log(`wrote ${name}.f32 (${bytes.length} bytes) and ${name}.json: test accuracy ${meta.testAccuracy}`);
