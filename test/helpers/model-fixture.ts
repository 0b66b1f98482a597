// Loads a trained-model fixture (test/fixtures/models/<name>.f32 + .json, made by
// scripts/make-model-fixture.ts from a `npm run train` checkpoint) for tests that need a network
// that has learned something (class visualisation, saliency). Checks the bytes' CRC and that the
// parameter layout still has the fixture's length, naming the fix when it does not.

import { readFileSync } from 'node:fs';
import { crc32 } from '../../src/model/checkpoint.ts';
import { parameterLayout } from '../../src/model/layout.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { describeNetwork } from '../../src/model/validate.ts';

export interface ModelFixture {
  spec: NetworkSpec;
  parameters: Float32Array;
  testAccuracy: number;
}

export function loadModelFixture(name: string): ModelFixture {
  const url = (ext: string) => new URL(`../fixtures/models/${name}.${ext}`, import.meta.url);
  const meta = JSON.parse(readFileSync(url('json'), 'utf8')) as {
    spec: NetworkSpec;
    floats: number;
    crc32: number;
    testAccuracy: number;
  };
  const bytes = new Uint8Array(readFileSync(url('f32')));
  const fix = 'remake it with scripts/make-model-fixture.ts (its header says how)';
  if (crc32(bytes) !== meta.crc32) throw new Error(`model fixture ${name}: the .f32 file is damaged; ${fix}`);
  const length = parameterLayout(describeNetwork(meta.spec, 1)).length;
  if (bytes.length !== 4 * length || meta.floats !== length)
    throw new Error(
      `model fixture ${name}: ${bytes.length / 4} floats, the layout now has ${length}; ${fix}`,
    );
  const parameters = new Float32Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
  return { spec: meta.spec, parameters, testAccuracy: meta.testAccuracy };
}
