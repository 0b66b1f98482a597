// GPU check for gather_batch.forward against gatherBatch (src/data/batching.ts), bit for bit:
// images and labels of whole epochs and of chosen batches, batch sizes 1 to the whole split, the
// last partial batch kept or dropped, an order shorter than the split, the next epoch's order
// written into the same buffer, and several gathers recorded in ONE command buffer (one dynamic
// params slot each). The dataset is passed in: the registered check (both environments) uses
// synthetic datasets (gather_batch_synthetic.ts); the Node test also passes real MNIST.

import { epochPermutation, gatherBatch, type LastBatch } from '../../src/data/batching.ts';
import type { Dataset, SplitName } from '../../src/data/dataset.ts';
import {
  GatherBatchKernel,
  type GatherBatchBinding,
  type GpuDatasetSplit,
} from '../../src/kernels/gather_batch.ts';
import type { Gpu } from '../../src/runtime/gpu.ts';
import { runCase, type CaseResult, type Outcome } from './check.ts';
import { checkBadIndex, syntheticDataset } from './gather_batch_synthetic.ts';
import { bitsOutcome, combine, createOutput, readF32, readU32, tailOutcome } from './kernel_io.ts';

export interface GatherScenario {
  split: SplitName;
  batchSize: number;
  lastBatch: LastBatch;
  /** Batch indices to gather (in one command buffer), or every batch of the epoch. */
  batches: readonly number[] | 'all';
  workgroupSize: number;
  /** Use only the first `orderLength` indices of the permutation (evaluation on a subset). */
  orderLength?: number;
  /** Then write the next epoch's order into the same buffer and gather again. */
  nextEpoch?: boolean;
}

const SEED = 42;
const UNWRITTEN = 0xdeadbeef;

function scenarioLabel(name: string, s: GatherScenario): string {
  const subset = s.orderLength === undefined ? '' : `, first ${s.orderLength} of the order`;
  const batches = s.batches === 'all' ? 'every batch' : `batches ${s.batches.join(', ')}`;
  const next = s.nextEpoch ? ', then the next epoch' : '';
  return `${name} ${s.split}: batch ${s.batchSize} ${s.lastBatch}${subset}, ${batches}, workgroup ${s.workgroupSize}${next}`;
}

/** Gathers `batches` one after another in one command buffer; returns each batch's outputs. */
async function gatherOnGpu(
  gpu: Gpu,
  kernel: GatherBatchKernel,
  binding: GatherBatchBinding,
  outputs: { images: GPUBuffer; labels: GPUBuffer; blankImages: GPUBuffer; blankLabels: GPUBuffer },
  batches: readonly number[],
): Promise<{ images: Float32Array; labels: Uint32Array }[]> {
  const imageBytes = outputs.images.size;
  const labelBytes = outputs.labels.size;
  const usage = GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
  const allImages = gpu.createBuffer({ label: 'gathered images', size: imageBytes * batches.length, usage });
  const allLabels = gpu.createBuffer({ label: 'gathered labels', size: labelBytes * batches.length, usage });
  try {
    const encoder = gpu.device.createCommandEncoder({ label: 'gather_batch check' });
    batches.forEach((k, slot) => {
      // Reset to the sentinel first, so a partial batch shows exactly what it wrote.
      encoder.copyBufferToBuffer(outputs.blankImages, 0, outputs.images, 0, imageBytes);
      encoder.copyBufferToBuffer(outputs.blankLabels, 0, outputs.labels, 0, labelBytes);
      const pass = encoder.beginComputePass({ label: `gather_batch.forward batch ${k}` });
      kernel.encodeForward(pass, binding, k);
      pass.end();
      encoder.copyBufferToBuffer(outputs.images, 0, allImages, slot * imageBytes, imageBytes);
      encoder.copyBufferToBuffer(outputs.labels, 0, allLabels, slot * labelBytes, labelBytes);
    });
    gpu.submit([encoder.finish()]);
    const images = await readF32(gpu, allImages);
    const labels = await readU32(gpu, allLabels);
    return batches.map((_, slot) => ({
      images: images.subarray((slot * imageBytes) / 4, ((slot + 1) * imageBytes) / 4),
      labels: labels.subarray((slot * labelBytes) / 4, ((slot + 1) * labelBytes) / 4),
    }));
  } finally {
    allImages.destroy();
    allLabels.destroy();
  }
}

function compareBatches(
  dataset: Dataset,
  s: GatherScenario,
  order: Uint32Array,
  binding: GatherBatchBinding,
  batches: readonly number[],
  got: { images: Float32Array; labels: Uint32Array }[],
): Outcome[] {
  const pixels = dataset.channels * dataset.imageHeight * dataset.imageWidth;
  return batches.flatMap((k, slot) => {
    const n = binding.imagesIn(k);
    const expected = gatherBatch(dataset, s.split, order.subarray(k * s.batchSize, k * s.batchSize + n));
    const { images, labels } = got[slot];
    return [
      bitsOutcome(`batch ${k} images`, images.subarray(0, n * pixels), expected.images),
      bitsOutcome(`batch ${k} labels`, labels.subarray(0, n), expected.labels),
      tailOutcome(`batch ${k} images`, images, n * pixels, NaN),
      tailOutcome(`batch ${k} labels`, labels, n, UNWRITTEN),
    ];
  });
}

async function runScenario(
  gpu: Gpu,
  dataset: Dataset,
  resident: GpuDatasetSplit,
  s: GatherScenario,
): Promise<Outcome> {
  const kernel = await GatherBatchKernel.create(gpu, { workgroupSize: s.workgroupSize });
  const count = dataset[s.split].count;
  const orderFor = (epoch: number) =>
    epochPermutation(count, SEED, epoch).subarray(0, s.orderLength ?? count);
  let order = orderFor(0);
  const gpuOrder = kernel.uploadOrder(resident, order);
  const capacity = s.batchSize * resident.pixelsPerImage;
  const outputs = {
    images: createOutput(gpu, 'images', capacity, NaN, 'f32'),
    labels: createOutput(gpu, 'labels', s.batchSize, UNWRITTEN, 'u32'),
    blankImages: createOutput(gpu, 'blank images', capacity, NaN, 'f32'),
    blankLabels: createOutput(gpu, 'blank labels', s.batchSize, UNWRITTEN, 'u32'),
  };
  const binding = kernel.bind(outputs, resident, gpuOrder, s);
  try {
    const batches = s.batches === 'all' ? Array.from({ length: binding.batches }, (_, k) => k) : s.batches;
    const outcomes: Outcome[] = [
      {
        ok: true,
        detail: `${binding.batches} batches of ${s.batchSize}, grid ${binding.grid.x}x${binding.grid.y}`,
      },
    ];
    for (const epoch of s.nextEpoch ? [0, 1] : [0]) {
      if (epoch > 0) {
        order = orderFor(epoch);
        kernel.writeOrder(gpuOrder, order);
      }
      const got = await gatherOnGpu(gpu, kernel, binding, outputs, batches);
      outcomes.push(...compareBatches(dataset, s, order, binding, batches, got));
    }
    return combine(...outcomes);
  } finally {
    binding.destroy();
    gpuOrder.destroy();
    for (const buffer of Object.values(outputs)) buffer.destroy();
  }
}

/** Uploads each split the scenarios use once, then runs every scenario as its own case. */
export async function checkGatherBatchOnDataset(
  gpu: Gpu,
  dataset: Dataset,
  scenarios: readonly GatherScenario[],
  name: string = dataset.name,
): Promise<CaseResult[]> {
  const uploader = await GatherBatchKernel.create(gpu);
  const results: CaseResult[] = [];
  for (const split of ['train', 'test'] as const) {
    const mine = scenarios.filter((s) => s.split === split);
    if (mine.length === 0) continue;
    const resident = uploader.uploadSplit(dataset, split);
    try {
      for (const s of mine) {
        results.push(
          await runCase(gpu, scenarioLabel(name, s), () => runScenario(gpu, dataset, resident, s)),
        );
      }
    } finally {
      resident.destroy();
    }
  }
  return results;
}

/** Scenarios for real MNIST (Node only: the test loads the files and passes the dataset in). */
export const MNIST_SCENARIOS: readonly GatherScenario[] = [
  {
    split: 'train',
    batchSize: 64,
    lastBatch: 'drop',
    batches: [0, 1, 468, 936],
    workgroupSize: 64,
    nextEpoch: true,
  },
  { split: 'test', batchSize: 256, lastBatch: 'keep', batches: [0, 17, 39], workgroupSize: 256 },
];

const SYNTHETIC_SCENARIOS: readonly GatherScenario[] = [
  { split: 'train', batchSize: 8, lastBatch: 'drop', batches: 'all', workgroupSize: 64, nextEpoch: true },
  { split: 'train', batchSize: 5, lastBatch: 'keep', batches: 'all', workgroupSize: 32 },
  { split: 'train', batchSize: 7, lastBatch: 'keep', batches: 'all', workgroupSize: 64, orderLength: 50 },
  { split: 'test', batchSize: 1, lastBatch: 'keep', batches: 'all', workgroupSize: 64 },
  { split: 'test', batchSize: 41, lastBatch: 'drop', batches: [0], workgroupSize: 64 },
];

// 28x28 at batch 100 with workgroups of 1: 78 400 invocations, so the grid folds into 2-D.
const FOLDED_SCENARIOS: readonly GatherScenario[] = [
  { split: 'train', batchSize: 100, lastBatch: 'drop', batches: [0, 1], workgroupSize: 1 },
];

/** The registered check: synthetic datasets only, so it runs in Node and in the browser alike. */
export async function checkGatherBatch(gpu: Gpu): Promise<CaseResult[]> {
  // 5x7 images (35 bytes: most images start mid-word), every byte value 0..255 present.
  const small = syntheticDataset({ imageHeight: 5, imageWidth: 7, trainCount: 103, testCount: 41, seed: 11 });
  const large = syntheticDataset({
    imageHeight: 28,
    imageWidth: 28,
    trainCount: 257,
    testCount: 3,
    seed: 12,
  });
  return [
    ...(await checkGatherBatchOnDataset(gpu, small, SYNTHETIC_SCENARIOS, 'synthetic 5x7')),
    ...(await checkGatherBatchOnDataset(gpu, large, FOLDED_SCENARIOS, 'synthetic 28x28')),
    await runCase(gpu, 'an order index outside the split gives NaN pixels and BAD_LABEL', () =>
      checkBadIndex(gpu, small),
    ),
  ];
}
