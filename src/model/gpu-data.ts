// The dataset resident on the GPU for one backend: both splits uploaded once as bytes, the
// training order (rewritten in place each epoch) and gather_batch bindings that build any batch
// into the network's image and label buffers. Evaluation walks each split in its stored order,
// padded to whole batches (the padding rows are gathered but not counted).
// Not shuffling (epochPermutation) and not the network.

import type { Dataset, SplitName } from '../data/dataset.ts';
import type {
  GatherBatchBinding,
  GatherBatchKernel,
  GpuDatasetSplit,
  GpuEpochOrder,
} from '../kernels/gather_batch.ts';

export interface BatchTarget {
  images: GPUBuffer;
  labels: GPUBuffer;
  batch: number;
}

interface SplitOnGpu {
  data: GpuDatasetSplit;
  /** 0, 1, ..., count - 1, then index 0 up to a whole number of batches. */
  evalOrder: GpuEpochOrder;
  evalGather: GatherBatchBinding;
}

export class GpuDataset {
  readonly trainCount: number;
  /** Batches per epoch (the last partial batch is dropped). */
  readonly trainBatches: number;
  private readonly splits = new Map<SplitName, SplitOnGpu>();
  private readonly owned: { destroy(): void }[] = [];
  private readonly trainOrder: GpuEpochOrder;
  private readonly trainGather: GatherBatchBinding;

  constructor(
    private readonly gather: GatherBatchKernel,
    dataset: Dataset,
    target: BatchTarget,
  ) {
    try {
      for (const name of ['train', 'test'] as const) {
        if (dataset[name].count > 0) this.splits.set(name, this.uploadSplit(dataset, name, target));
      }
      const train = this.split('train');
      this.trainCount = train.data.count;
      const identity = Uint32Array.from({ length: this.trainCount }, (_, i) => i);
      this.trainOrder = this.keep(gather.uploadOrder(train.data, identity));
      this.trainGather = this.keep(
        gather.bind(target, train.data, this.trainOrder, { batchSize: target.batch }),
      );
      this.trainBatches = this.trainGather.batches;
    } catch (error) {
      this.destroy();
      throw error;
    }
  }

  private keep<T extends { destroy(): void }>(thing: T): T {
    this.owned.push(thing);
    return thing;
  }

  private uploadSplit(dataset: Dataset, name: SplitName, target: BatchTarget): SplitOnGpu {
    const data = this.keep(this.gather.uploadSplit(dataset, name));
    const padded = Math.ceil(data.count / target.batch) * target.batch;
    const order = new Uint32Array(padded);
    for (let i = 0; i < data.count; i++) order[i] = i;
    const evalOrder = this.keep(this.gather.uploadOrder(data, order));
    const evalGather = this.keep(this.gather.bind(target, data, evalOrder, { batchSize: target.batch }));
    return { data, evalOrder, evalGather };
  }

  private split(name: SplitName): SplitOnGpu {
    const split = this.splits.get(name);
    if (!split) throw new RangeError(`the ${name} split is empty; load a dataset that has ${name} images`);
    return split;
  }

  /** Examples in a split. */
  count(name: SplitName): number {
    return this.splits.get(name)?.data.count ?? 0;
  }

  /** Replaces the epoch's order (a permutation of the train split) for the next submit; no allocation. */
  setTrainOrder(order: Uint32Array): void {
    this.gather.writeOrder(this.trainOrder, order);
  }

  /** Records the gather of training batch `index` (0 .. trainBatches - 1) of the current order. */
  encodeTrainBatch(pass: GPUComputePassEncoder, index: number): void {
    this.gather.encodeForward(pass, this.trainGather, index);
  }

  /** Records the gather of evaluation batch `index` of a split (rows past its end repeat image 0). */
  encodeEvalBatch(pass: GPUComputePassEncoder, name: SplitName, index: number): void {
    this.gather.encodeForward(pass, this.split(name).evalGather, index);
  }

  destroy(): void {
    for (const thing of this.owned.splice(0).reverse()) thing.destroy();
  }
}
