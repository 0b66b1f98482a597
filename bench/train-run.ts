// `npm run bench -- train [options]` (options in train-args.ts): the drivers for each environment.
// chromium: Vite + headless Chromium (test/helpers/browser.ts) on bench/train.html, driven through
// page.evaluate; node: Dawn in this process, bench/train-node.ts loaded through Vite's SSR loader
// (tsx cannot import the kernels' `?raw` shaders). Not the benchmark itself (train-bench.ts).

import { createServer } from 'vite';
import type { TrainCellOptions, TrainEnvName } from './train-api.ts';
import { parseTrainArgs, TRAIN_USAGE } from './train-args.ts';
import { runTrainCli, type TrainDriver } from './train-cli.ts';
import { REPO_ROOT, startBrowserHarness } from '../test/helpers/browser.ts';

const PAGE = 'bench/train.html';

async function browserDriver(withTfjs: boolean): Promise<TrainDriver> {
  const harness = await startBrowserHarness({ pages: [PAGE], protocolTimeoutMs: 6 * 60 * 60 * 1000 });
  try {
    const page = await harness.open(`${PAGE}?tfjs=${withTfjs ? 1 : 0}`);
    await page.waitForFunction(() => window.convscopeTrainBench !== undefined, { timeout: 60_000 });
    return {
      adapter: () => page.evaluate(() => window.convscopeTrainBench!.adapter()),
      runCell: (o: TrainCellOptions) => page.evaluate((opts) => window.convscopeTrainBench!.runCell(opts), o),
      close: () => harness.close(),
    };
  } catch (error) {
    await harness.close();
    throw error;
  }
}

async function nodeDriver(withTfjs: boolean): Promise<TrainDriver> {
  const server = await createServer({
    root: REPO_ROOT,
    logLevel: 'warn',
    server: { middlewareMode: true, hmr: false, watch: null },
    appType: 'custom',
  });
  try {
    const loaded = (await server.ssrLoadModule('/bench/train-node.ts')) as typeof import('./train-node.ts');
    const bench = await loaded.createNodeTrainBench({ withTfjs });
    return {
      adapter: () => bench.api.adapter(),
      runCell: (o) => bench.api.runCell(o),
      close: async () => (bench.close(), await server.close()),
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

const DRIVERS: Record<TrainEnvName, (withTfjs: boolean) => Promise<TrainDriver>> = {
  chromium: browserDriver,
  node: nodeDriver,
};

/** Returns the exit code: 2 for a usage error, else runTrainCli's. */
export async function runTrainBench(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(TRAIN_USAGE);
    return 0;
  }
  let args;
  try {
    args = parseTrainArgs(argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
  return runTrainCli((env, withTfjs) => DRIVERS[env](withTfjs), args);
}
