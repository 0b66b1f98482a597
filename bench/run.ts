// `npm run bench -- kernels [options]` (see cli.ts for the options); `npm run bench -- train ...`
// hands over to the training benchmark (train-run.ts), `npm run bench -- app ...` to the app's
// views benchmark (app-views.ts). By default it starts Vite +
// headless Chromium (test/helpers/browser.ts) and drives bench/kernels.html through page.evaluate,
// with TensorFlow.js beside our kernels; with --node it runs our kernels in this process on Dawn,
// loaded through Vite's SSR loader (tsx cannot import the `?raw` shaders). Not the benchmark itself.

import { createServer } from 'vite';
import type { BenchDriver } from './cli.ts';
import { IMPLS } from './api.ts';
import { parseBenchArgs, runBenchCli } from './cli.ts';
import { REPO_ROOT, startBrowserHarness } from '../test/helpers/browser.ts';
import { applyTestVulkanDefaults } from '../test/helpers/node-gpu.ts';

async function browserDriver(): Promise<BenchDriver> {
  const harness = await startBrowserHarness({
    pages: ['bench/kernels.html'],
    // Full-resolution timestamps (Chrome otherwise quantizes them to 100 us).
    extraArgs: ['--enable-webgpu-developer-features'],
    protocolTimeoutMs: 60 * 60 * 1000,
  });
  try {
    const page = await harness.open('bench/kernels.html');
    await page.waitForFunction(() => window.convscopeBench !== undefined, { timeout: 60_000 });
    return {
      impls: IMPLS,
      adapter: (withTfjs) => page.evaluate((w) => window.convscopeBench!.adapter(w), withTfjs),
      listLayers: async (o) => page.evaluate((opts) => window.convscopeBench!.listLayers(opts), o),
      runLayer: (o, k) => page.evaluate((opts, key) => window.convscopeBench!.runLayer(opts, key), o, k),
      close: () => harness.close(),
    };
  } catch (error) {
    await harness.close();
    throw error;
  }
}

/** Dawn in this process, the kernels loaded through Vite so that `?raw` imports work. */
async function nodeDriver(): Promise<BenchDriver> {
  applyTestVulkanDefaults(); // SwiftShader here unless VK_ICD_FILENAMES names another driver
  const server = await createServer({
    root: REPO_ROOT,
    logLevel: 'warn',
    server: { middlewareMode: true, hmr: false, watch: null },
    appType: 'custom',
  });
  try {
    const loaded = (await server.ssrLoadModule('/bench/node-driver.ts')) as typeof import('./node-driver.ts');
    const driver = await loaded.createNodeDriver();
    return { ...driver, close: async () => (await driver.close(), await server.close()) };
  } catch (error) {
    await server.close();
    throw error;
  }
}

async function main(): Promise<number> {
  if (process.argv[2] === 'train') {
    const { runTrainBench } = await import('./train-run.ts');
    return runTrainBench(process.argv.slice(2));
  }
  if (process.argv[2] === 'app') {
    const { runAppViewsBench } = await import('./app-views.ts');
    return runAppViewsBench(process.argv.slice(3));
  }
  let args;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
  const driver = args.node ? await nodeDriver() : await browserDriver();
  try {
    return await runBenchCli(driver, args);
  } finally {
    await driver.close();
  }
}

process.exitCode = await main();
