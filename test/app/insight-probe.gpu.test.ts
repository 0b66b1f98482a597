// The occlusion sweep's probes on the GPU backend read back the logits only (Node, Dawn): the
// insight engines' probe gives exactly the last layer of a full Backend.probe of the same images
// (1, 5 and 16 of them: the same forward pass, only the copy differs), and maps count x classes
// floats where a full probe maps every layer's output.

import { afterAll, describe, expect, it } from 'vitest';
import { createInsightEngines } from '../../src/app/insight-engines.ts';
import { PIXEL_SCALE } from '../../src/data/batching.ts';
import { PROBE_MAX } from '../../src/model/backend.ts';
import { createGpuBackend } from '../../src/model/gpu-backend.ts';
import { FALLBACK_ADAPTER_TUNING } from '../../src/model/kernel-tuning.ts';
import { decodeSpec } from '../../src/app/spec-codec.ts';
import { Random } from '../../src/util/random.ts';
import { getNodeGpu } from '../helpers/node-gpu.ts';

describe('insight probe on the GPU backend (Node, Dawn)', async () => {
  const { gpu } = await getNodeGpu();
  afterAll(() => gpu.destroy());

  it("reads back only the logits, equal to a full probe's last layer", async () => {
    const spec = decodeSpec('i1x13x11.c3x5r.m2.f9r.k7');
    const backend = await createGpuBackend(gpu, spec, { batch: 6, seed: 5, tuning: FALLBACK_ADAPTER_TUNING });
    const engines = await createInsightEngines(backend, gpu, 0);
    const mapped: number[] = [];
    const mapAsync = gpu.mapAsync.bind(gpu);
    gpu.mapAsync = (buffer, mode, offset, size) => {
      mapped.push(size ?? buffer.size - (offset ?? 0));
      return mapAsync(buffer, mode, offset, size);
    };
    try {
      const random = new Random(11);
      const images = new Float32Array(PROBE_MAX * 13 * 11).map(() => random.int(256) * PIXEL_SCALE);
      const classes = 7;
      const perImage = backend.description.layers.reduce(
        (n, d) => n + d.outputShape.reduce((a, b) => a * b, 1),
        0,
      );
      for (const count of [1, 5, PROBE_MAX]) {
        const some = images.subarray(0, count * 13 * 11);
        mapped.length = 0;
        const full = await backend.probe(some, count);
        expect(mapped).toEqual([4 * count * perImage]);
        mapped.length = 0;
        const logits = await engines.probe(some, count);
        expect(mapped).toEqual([4 * count * classes]);
        expect(logits.outputs).toHaveLength(1);
        expect(logits.outputs[0]).toEqual(full.outputs.at(-1));
        expect(logits.probabilities).toEqual(full.probabilities);
        expect(Math.max(...logits.outputs[0]) - Math.min(...logits.outputs[0])).toBeGreaterThan(0);
      }
    } finally {
      gpu.mapAsync = mapAsync;
      engines.destroy();
      backend.destroy();
    }
  });
});
