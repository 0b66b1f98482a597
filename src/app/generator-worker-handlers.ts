// What the generator worker (generator-worker.ts) runs: the CPU conditional generator
// (createCpuCvae) on a copy of the dataset the page posts in chunks (cpu-worker-protocol.ts's
// helpers, so a 47 MB dataset is many short tasks), then train / sample / parameters. Handlers for
// serveRpc; separate from the entry so Node tests can call them. Not the model (src/generator/).

import type { Dataset } from '../data/dataset.ts';
import { createCpuCvae } from '../generator/cpu-cvae.ts';
import type { CvaeConfig, GeneratorModel } from '../generator/types.ts';
import { addChunk, allocateDataset, type DatasetChunk, type DatasetOutline } from './cpu-worker-protocol.ts';

export function generatorHandlers() {
  let incoming: Dataset | null = null;
  let dataset: Dataset | null = null;
  let model: GeneratorModel | null = null;
  const need = () => {
    if (!model) throw new Error('generator worker: call create first');
    return model;
  };
  return {
    beginData(outline: DatasetOutline) {
      incoming = allocateDataset(outline);
    },
    dataChunk(chunk: DatasetChunk) {
      if (!incoming) throw new Error('generator worker: a dataset chunk came before beginData');
      addChunk(incoming, chunk);
    },
    endData() {
      dataset = incoming;
      incoming = null;
    },
    create(config: CvaeConfig) {
      if (!dataset) throw new Error('generator worker: send the dataset first');
      model?.destroy();
      const made = createCpuCvae(dataset, config);
      model = made;
      return made.config;
    },
    train: (steps: number) => need().train(steps),
    // Copies: serveRpc transfers the buffers of results, and a model may hand out its own.
    sample: async (labels: Int32Array, z: Float32Array) => (await need().sample(labels, z)).slice(),
    parameters: async () => (await need().parameters()).slice(),
  };
}
